{#- The monthly report's acknowledgment and closed-loop trends: one row per month items were
    received in (or closed-loop emails sent in), judged at as_of. -#}
with

sla as (

    select * from {{ ref('fct_feedback_sla') }}

),

feedback as (

    select * from {{ ref('fct_feedback') }}

),

asked as (

    -- items that asked for a roadmap item shipped or declined (fct_closed_loop_matches): the
    -- ones owed a closed-loop email or declined note
    select distinct item_id from {{ ref('fct_closed_loop_matches') }}
    where is_match

),

health as (

    select * from {{ ref('fct_loop_health_monthly') }}
    where channel = 'all'

),

ack_months as (

    select
        date_trunc('month', received_at)::date as activity_month,
        count(*) as ack_items,
        count(*) filter (where ack_sla_status = 'met') as ack_met,
        count(*) filter (where ack_sla_status = 'breached') as ack_breached,
        count(*) filter (where ack_sla_status = 'open') as ack_open
    from sla
    group by date_trunc('month', received_at)::date

),

stage_months as (

    select
        date_trunc('month', feedback.received_at)::date as activity_month,
        count(asked.item_id) as asked_items,
        count(asked.item_id) filter (
            where feedback.current_stage = 'closed_loop'
        ) as closed_loop_items
    from feedback
    left join asked
        on feedback.item_id = asked.item_id
    group by date_trunc('month', feedback.received_at)::date

),

months as (

    select activity_month from ack_months
    union
    select activity_month from stage_months
    union
    select activity_month from health

),

final as (

    select
        months.activity_month,
        coalesce(ack_months.ack_items, 0) as ack_items,
        coalesce(ack_months.ack_met, 0) as ack_met,
        coalesce(ack_months.ack_breached, 0) as ack_breached,
        coalesce(ack_months.ack_open, 0) as ack_open,
        -- the month's averages only when it has items to average (as the trend shows them)
        case when ack_months.ack_items > 0 then health.avg_hours_to_ack end as avg_hours_to_ack,
        case
            when ack_months.ack_items > 0 then health.acknowledged_within_48h_share
        end as acknowledged_within_48h_share,
        coalesce(stage_months.asked_items, 0) as asked_items,
        coalesce(stage_months.closed_loop_items, 0) as closed_loop_items,
        coalesce(health.closed_loop_emails_sent, 0) as closed_loop_emails_sent
    from months
    left join ack_months
        on months.activity_month = ack_months.activity_month
    left join stage_months
        on months.activity_month = stage_months.activity_month
    left join health
        on months.activity_month = health.activity_month

)

select * from final
