{#- fct_feedback_stages without hours_in_stage, which moves with the clock (the mart is a view
    adding it). One row per item and action stage it reached, in the order it reached them,
    with when each was left: the next stage's entry. The last one is the item's current stage,
    still running at as_of. Stages only move forward:
    - a stage known from the item's theme (escalated, planned, in_progress, shipped, declined)
      is reached no earlier than the item was triaged: until it is tagged, nobody can know which
      theme it belongs to (a first night over old feedback tags it at that night, after its theme
      may have shipped);
    - an event of an earlier stage after a later one was reached (an acknowledgment sent once the
      theme was escalated) is kept in int_feedback_stage_events and the SLA clocks, but is not a
      step backwards here. -#}
{{ item_grain_config() }}
-- depends_on: {{ ref('int_item_grain_changes') }}
with

events as (

    select * from {{ ref('int_feedback_stage_events') }}
    where {{ changed_items_only() }}

),

items as (

    select * from {{ ref('int_feedback_items_tagged') }}
    where {{ changed_items_only() }}

),

triaged as (

    select
        item_id,
        entered_at as triaged_at
    from events
    where stage = 'triaged'

),

placed as (

    select
        events.feedback_stage_id,
        events.item_id,
        events.stage,
        events.stage_rank,
        case
            when
                events.stage in ('escalated', 'planned', 'in_progress', 'shipped', 'declined')
                then greatest(events.entered_at, coalesce(triaged.triaged_at, events.entered_at))
            else events.entered_at
        end as entered_at
    from events
    left join triaged
        on events.item_id = triaged.item_id

),

furthest_before as (

    select
        *,
        max(stage_rank) over (
            partition by item_id
            order by entered_at, stage_rank, stage
            rows between unbounded preceding and 1 preceding
        ) as furthest_rank_before
    from placed

),

forward as (

    select * from furthest_before
    where furthest_rank_before is null or stage_rank > furthest_rank_before

),

sequenced as (

    select
        *,
        row_number() over item_stages as stage_sequence,
        lead(entered_at) over item_stages as left_at
    from forward
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
        items.source,
        items.account_id,
        items.theme_key
    from sequenced
    inner join items
        on sequenced.item_id = items.item_id

)

select * from final
