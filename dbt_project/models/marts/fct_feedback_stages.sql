{#- One row per item and action stage entered, in the order the stages were entered (ties in
    stage order), with when each was left: the next stage's entry. The last one is the item's
    current stage, still running at as_of. -#}
with

events as (

    select * from {{ ref('int_feedback_stage_events') }}

),

items as (

    select * from {{ ref('int_feedback_items_tagged') }}

),

sequenced as (

    select
        *,
        row_number() over item_stages as stage_sequence,
        lead(entered_at) over item_stages as left_at
    from events
    window item_stages as (partition by item_id order by entered_at, stage_rank, stage)

),

final as (

    select
        sequenced.feedback_stage_id,
        sequenced.item_id,
        sequenced.stage,
        sequenced.stage_rank,
        sequenced.stage_sequence,
        sequenced.entered_at,
        sequenced.left_at,
        sequenced.left_at is null as is_current_stage,
        round(
            date_diff('second', sequenced.entered_at, coalesce(sequenced.left_at, {{ as_of() }}))
            / 3600.0,
            2
        ) as hours_in_stage,
        items.source,
        items.account_id,
        items.theme_key
    from sequenced
    inner join items
        on sequenced.item_id = items.item_id

)

select * from final
