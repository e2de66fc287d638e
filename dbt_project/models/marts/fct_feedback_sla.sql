{{ config(materialized='view') }}

{#- One row per item with its four SLA clocks and their status at as_of (met, breached, open;
    null where the clock does not apply): int_feedback_sla_unclocked with the statuses, which
    move with the clock, so its rows are not rewritten each night. -#}
with

clocks as (

    select * from {{ ref('int_feedback_sla_unclocked') }}

),

final as (

    select
        *,
        {{ sla_statuses() }}
    from clocks

)

-- the table's columns and the clock's: listing them here would give them a second home
select * from final  -- noqa: AM04
