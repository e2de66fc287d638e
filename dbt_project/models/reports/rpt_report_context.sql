{#- What every report states about the warehouse it reads, in one row: the night it was judged
    at (as_of, the date renewals and ages are measured from), the acknowledgment SLA the marts
    applied (the median hours from receipt to ack due, as the SLA policy set them), and the span
    of feedback received (named when a report asks for a period with none). -#}
with

feedback as (

    select * from {{ ref('fct_feedback') }}

),

sla as (

    select * from {{ ref('fct_feedback_sla') }}

),

spans as (

    select
        min(received_at) as first_received_at,
        max(received_at) as last_received_at
    from feedback

),

ack as (

    select median(epoch(ack_due_at - received_at)) / 3600 as ack_sla_hours
    from sla

),

final as (

    select
        cast({{ as_of() }} as date) as as_of_date,
        ack.ack_sla_hours,
        spans.first_received_at,
        spans.last_received_at
    from spans
    cross join ack

)

select * from final
