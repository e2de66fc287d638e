{#- The feedback program's health by month and channel (the item's source; channel `all` sums
    them). Items count in the month they were received and are judged at as_of; closed-loop
    emails count in the month they were sent, under the channel of the item they answered.
    - categorised: tagged with at least one intent.
    - acknowledged within 48 h: acknowledged_at at most 48 hours after received_at.
    - escalated: the item's theme was escalated to product by as_of.
    - with a product response: escalated items whose theme's roadmap item answered.
    - open over 30 days: older than 30 days at as_of and not yet shipped, declined or closed.
    - nps: NPS of the month's responses (nps and all channels only). -#}
with

feedback as (

    select * from {{ ref('fct_feedback') }}

),

closed_loop_messages as (

    select * replace ({{ night_clock('sent_at') }} as sent_at)
    from {{ ref('stg_loopkeeper__outbox') }}
    where
        kind in ('closed_loop', 'declined_note')
        and status = 'sent'
        and {{ done_by_night('sent_at') }}

),

item_months as (

    select
        date_trunc('month', received_at)::date as activity_month,
        coalesce(source, 'all') as channel,
        count(*) as items,
        count(*) filter (where len(intents) > 0) as categorised_items,
        count(*) filter (
            where acknowledged_at <= received_at + interval 48 hour
        ) as acknowledged_within_48h,
        avg(hours_to_ack) as avg_hours_to_ack,
        count(*) filter (where theme_escalated_at is not null) as escalated_items,
        count(*) filter (where product_responded_at is not null) as product_responded_items,
        count(*) filter (
            where
            age_days > 30
            and is_open
        ) as open_over_30d_items,
        count(nps_category) as nps_responses,
        count(*) filter (where nps_category = 'promoter') as promoters,
        count(*) filter (where nps_category = 'detractor') as detractors
    from feedback
    group by grouping sets (
        (date_trunc('month', received_at)::date, source),
        (date_trunc('month', received_at)::date)
    )

),

email_months as (

    select
        date_trunc('month', closed_loop_messages.sent_at)::date as activity_month,
        coalesce(feedback.source, 'all') as channel,
        count(*) as closed_loop_emails_sent
    from closed_loop_messages
    inner join feedback
        on closed_loop_messages.item_id = feedback.item_id
    group by grouping sets (
        (date_trunc('month', closed_loop_messages.sent_at)::date, feedback.source),
        (date_trunc('month', closed_loop_messages.sent_at)::date)
    )

),

joined as (

    select
        coalesce(item_months.activity_month, email_months.activity_month) as activity_month,
        coalesce(item_months.channel, email_months.channel) as channel,
        coalesce(item_months.items, 0) as items,
        coalesce(item_months.categorised_items, 0) as categorised_items,
        coalesce(item_months.acknowledged_within_48h, 0) as acknowledged_within_48h,
        item_months.avg_hours_to_ack,
        coalesce(item_months.escalated_items, 0) as escalated_items,
        coalesce(item_months.product_responded_items, 0) as product_responded_items,
        coalesce(email_months.closed_loop_emails_sent, 0) as closed_loop_emails_sent,
        coalesce(item_months.open_over_30d_items, 0) as open_over_30d_items,
        coalesce(item_months.nps_responses, 0) as nps_responses,
        item_months.promoters,
        item_months.detractors
    from item_months
    full outer join email_months
        on
            item_months.activity_month = email_months.activity_month
            and item_months.channel = email_months.channel

),

final as (

    select
        strftime(activity_month, '%Y-%m') || ':' || channel as loop_health_key,
        activity_month,
        channel,
        items,
        categorised_items,
        round(categorised_items / nullif(items, 0), 4) as categorised_share,
        acknowledged_within_48h,
        round(acknowledged_within_48h / nullif(items, 0), 4) as acknowledged_within_48h_share,
        round(avg_hours_to_ack, 2) as avg_hours_to_ack,
        escalated_items,
        product_responded_items,
        round(product_responded_items / nullif(escalated_items, 0), 4) as product_response_share,
        closed_loop_emails_sent,
        open_over_30d_items,
        nps_responses,
        {{ nps('promoters', 'detractors', 'nps_responses') }} as nps
    from joined

)

select * from final
