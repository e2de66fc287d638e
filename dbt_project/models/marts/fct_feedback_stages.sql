{{ config(materialized='view') }}

{#- One row per item and action stage it reached, in the order it reached them, with when each
    was left and the hours spent in it at as_of (int_feedback_stages_unclocked holds the rest).
    A view: only the current stage's hours move with the clock, so the rows are not rewritten
    each night. -#}
with

stages as (

    select * from {{ ref('int_feedback_stages_unclocked') }}

),

final as (

    select
        *,
        -- a stage entered by the night's own run (after as_of) has run for no time yet
        round(
            greatest(date_diff('second', entered_at, coalesce(left_at, {{ as_of() }})), 0)
            / 3600.0,
            2
        ) as hours_in_stage
    from stages

)

-- the table's columns and the clock's: listing them here would give them a second home
select * from final  -- noqa: AM04
