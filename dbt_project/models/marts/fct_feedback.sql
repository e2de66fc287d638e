{{ config(materialized='view') }}

{#- One row per feedback item with its account, current tags, survey answers, current action
    stage and SLA clocks, judged at as_of: a message sent after as_of had not happened yet that
    night. A view over int_feedback_unclocked adding what moves with the clock (the SLA
    statuses and the item's age), so the item rows are not rewritten each night. -#}
with

items as (

    select * from {{ ref('int_feedback_unclocked') }}

),

final as (

    select
        *,
        {{ sla_statuses() }},
        -- whole days elapsed, not calendar-day boundaries crossed
        date_diff('second', received_at, {{ as_of() }}) // 86400 as age_days
    from items

)

-- the table's columns and the clock's: listing them here would give them a second home
select * from final  -- noqa: AM04
