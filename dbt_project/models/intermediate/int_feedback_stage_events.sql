{#- One row per item and action stage it entered, with the first time it did, at as_of. A
    table: the stages and SLA marts both read it. An incremental build computes again only the
    items whose rows can have changed (macros/item_grain.sql).
    - new: received_at.
    - triaged: first tagged.
    - acknowledged: first acknowledgment, hand-off or QBR follow-up about the item sent.
    - escalated: its theme escalated to product (an item arriving later enters on arrival).
    - planned, in_progress, shipped, declined: the status of its theme's primary roadmap item
      (int_roadmap_theme_links), entered no earlier than the item arrived.
    - closed_loop: a closed_loop or declined_note message about the item sent.
    - and every stage an earlier night's marts showed (raw.feedback_stages_reached): a theme's
      roadmap link can change as the theme grows, a stage once reached stays reached.
    Messages and escalations count once done by the night (done_by_night: by as_of, or by the
    run of this night or an earlier one); tags once written by as_of. -#}
{{ item_grain_config() }}
-- depends_on: {{ ref('int_item_grain_changes') }}
with

items as (

    select * from {{ ref('int_feedback_items_tagged') }}
    where {{ changed_items_only() }}

),

sent_messages as (

    -- a message counts for every item it answers (int_message_items)
    select * replace ({{ night_clock('sent_at') }} as sent_at)
    from {{ ref('int_message_items') }}
    where
        status = 'sent'
        and {{ done_by_night('sent_at') }}
        and {{ changed_items_only() }}

),

escalations as (

    select * replace ({{ night_clock('escalated_at') }} as escalated_at)
    from {{ ref('stg_loopkeeper__escalations') }}
    where {{ done_by_night('escalated_at') }}

),

taggings as (

    select * from {{ ref('stg_loopkeeper__feedback_taggings') }}
    where tagged_at <= {{ as_of() }} and {{ changed_items_only() }}

),

primary_links as (

    select * from {{ ref('int_roadmap_theme_links') }}
    where is_primary

),

status_changes as (

    select * from {{ ref('int_roadmap_status_changes') }}

),

reached as (

    -- stages an earlier night's marts showed: kept when tonight's links no longer give them
    select * from {{ ref('stg_loopkeeper__feedback_stages_reached') }}
    where {{ done_by_night('entered_at') }} and {{ changed_items_only() }}

),

new_events as (

    select
        item_id,
        'new' as stage,  -- noqa: RF04
        received_at as entered_at
    from items

),

message_events as (

    select
        item_id,
        case
            when kind in ('closed_loop', 'declined_note') then 'closed_loop'
            else 'acknowledged'
        end as stage,  -- noqa: RF04
        min(sent_at) as entered_at
    from sent_messages
    where kind in ('acknowledgment', 'handoff', 'qbr_followup', 'closed_loop', 'declined_note')
    group by all

),

triage_events as (

    select
        item_id,
        'triaged' as stage,  -- noqa: RF04
        min(tagged_at) as entered_at
    from taggings
    group by item_id

),

escalation_events as (

    select
        items.item_id,
        'escalated' as stage,  -- noqa: RF04
        greatest(escalations.escalated_at, items.received_at) as entered_at
    from items
    inner join escalations
        on items.theme_key = escalations.theme_key

),

roadmap_events as (

    select
        items.item_id,
        status_changes.status as stage,  -- noqa: RF04
        min(greatest(status_changes.entered_at, items.received_at)) as entered_at
    from items
    inner join primary_links
        on items.theme_key = primary_links.theme_key
    inner join status_changes
        on primary_links.roadmap_item_id = status_changes.roadmap_item_id
    group by all

),

reached_events as (

    select
        item_id,
        stage,
        entered_at
    from reached

),

all_events as (

    select * from new_events
    union all
    select * from message_events
    union all
    select * from triage_events
    union all
    select * from escalation_events
    union all
    select * from roadmap_events
    union all
    select * from reached_events

),

events as (

    select
        item_id,
        stage,
        min(entered_at) as entered_at
    from all_events
    group by item_id, stage

),

final as (

    select
        events.item_id || ':' || events.stage as feedback_stage_id,
        events.item_id,
        events.stage,
        case events.stage
            when 'new' then 1
            -- tagging runs as an item is loaded, before anything answers it
            when 'triaged' then 2
            when 'acknowledged' then 3
            when 'escalated' then 4
            when 'planned' then 5
            when 'in_progress' then 6
            when 'shipped' then 7
            when 'declined' then 7
            when 'closed_loop' then 8
        end as stage_rank,
        events.entered_at
    from events
    -- only items still visible: messages may name items a backfill has not reached yet
    inner join items
        on events.item_id = items.item_id

)

select * from final
