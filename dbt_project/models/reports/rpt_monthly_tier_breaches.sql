{#- The monthly report's SLA breaches by tier: one row per month received and tier, each clock's
    items due (met or breached) and breached, judged at as_of. -#}
with

sla as (

    select * from {{ ref('fct_feedback_sla') }}

),

final as (

    select
        strftime(date_trunc('month', received_at), '%Y-%m')
        || ':' || coalesce(tier, 'Unmatched') as month_tier_key,
        date_trunc('month', received_at)::date as activity_month,
        coalesce(tier, 'Unmatched') as tier,
        count(*) as items,
        count(*) filter (
            where ack_sla_status in ('met', 'breached')
        ) as ack_due,
        count(*) filter (where ack_sla_status = 'breached') as ack_breached,
        count(*) filter (
            where detractor_contact_sla_status in ('met', 'breached')
        ) as detractor_contact_due,
        count(*) filter (
            where detractor_contact_sla_status = 'breached'
        ) as detractor_contact_breached,
        count(*) filter (
            where first_plan_sla_status in ('met', 'breached')
        ) as first_plan_due,
        count(*) filter (where first_plan_sla_status = 'breached') as first_plan_breached,
        count(*) filter (
            where product_response_sla_status in ('met', 'breached')
        ) as product_response_due,
        count(*) filter (
            where product_response_sla_status = 'breached'
        ) as product_response_breached
    from sla
    group by date_trunc('month', received_at), coalesce(tier, 'Unmatched')

)

select * from final
