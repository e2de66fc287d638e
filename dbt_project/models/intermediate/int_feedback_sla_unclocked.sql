{#- fct_feedback_sla without the statuses, which move with the clock (the mart is a view adding
    them): one row per item with when each of its four SLA clocks is due and was met; hours
    allowed come from the sla_policies seed. A clock that does not apply has a null due_at.
    - acknowledge: every item; done when an acknowledgment, hand-off or QBR follow-up about it
      was sent.
    - first_plan: items with an actionable intent (var actionable_intents); done when its theme's
      roadmap item first has a status (planned, in progress, shipped or declined).
    - detractor_contact: NPS detractors (score <= 6); done at the first hand-off about the item
      sent, or the first QBR / CSM note of the account dated on or after the response's day
      (timed at the later of the note's day and the response).
    - product_response: items of a theme escalated to product; counted from the escalation, done
      at the first status the theme's roadmap item entered at or after it. -#}
{{ item_grain_config() }}
-- depends_on: {{ ref('int_item_grain_changes') }}
with

items as (

    select * from {{ ref('int_feedback_items_tagged') }}
    where {{ changed_items_only() }}

),

events as (

    select * from {{ ref('int_feedback_stage_events') }}
    where {{ changed_items_only() }}

),

sla_policies as (

    select * from {{ ref('sla_policies') }}

),

message_items as (

    select * from {{ ref('int_message_items') }}
    where {{ changed_items_only() }}

),

notes as (

    select * from {{ ref('stg_notes__items') }}

),

escalations as (

    select * replace ({{ night_clock('escalated_at') }} as escalated_at)
    from {{ ref('stg_loopkeeper__escalations') }}
    where {{ done_by_night('escalated_at') }}

),

primary_links as (

    select * from {{ ref('int_roadmap_theme_links') }}
    where is_primary

),

status_changes as (

    select * from {{ ref('int_roadmap_status_changes') }}

),

policies as (

    select
        max(hours) filter (where policy = 'acknowledge') as acknowledge_hours,
        max(hours) filter (where policy = 'first_plan') as first_plan_hours,
        max(hours) filter (where policy = 'detractor_contact') as detractor_contact_hours,
        max(hours) filter (where policy = 'product_response') as product_response_hours
    from sla_policies

),

item_events as (

    select
        item_id,
        min(entered_at) filter (where stage = 'acknowledged') as acknowledged_at,
        min(entered_at) filter (
            where stage in ('planned', 'in_progress', 'shipped', 'declined')
        ) as first_planned_at
    from events
    group by item_id

),

handoffs as (

    select
        item_id,
        min({{ night_clock('sent_at') }}) as handed_off_at
    from message_items
    where
        kind = 'handoff'
        and status = 'sent'
        and {{ done_by_night('sent_at') }}
    group by item_id

),

detractor_notes as (

    select
        items.item_id,
        min(greatest(notes.note_date::timestamp, items.received_at)) as noted_at
    from items
    inner join notes
        on
            items.account_id = notes.account_id
            and notes.note_date >= items.received_at::date
            and notes.note_date::timestamp < {{ as_of() }}
    where items.nps_score <= 6
    group by items.item_id

),

theme_responses as (

    select
        escalations.theme_key,
        escalations.escalated_at,
        min(status_changes.entered_at) as product_responded_at
    from escalations
    left join primary_links
        on escalations.theme_key = primary_links.theme_key
    left join status_changes
        on
            primary_links.roadmap_item_id = status_changes.roadmap_item_id
            and escalations.escalated_at <= status_changes.entered_at
    group by escalations.theme_key, escalations.escalated_at

),

clocks as (

    select
        items.item_id,
        items.source,
        items.account_id,
        items.tier,
        items.theme_key,
        items.received_at,
        item_events.acknowledged_at,
        items.received_at + to_hours(policies.acknowledge_hours) as ack_due_at,
        items.is_actionable,
        item_events.first_planned_at,
        case
            when items.is_actionable
                then items.received_at + to_hours(policies.first_plan_hours)
        end as first_plan_due_at,
        coalesce(items.nps_score <= 6, false) as is_detractor,
        least(handoffs.handed_off_at, detractor_notes.noted_at) as detractor_contacted_at,
        case
            when handoffs.handed_off_at <= detractor_notes.noted_at then 'handoff'
            when detractor_notes.noted_at is not null then 'note'
            when handoffs.handed_off_at is not null then 'handoff'
        end as detractor_contact_method,
        case
            when items.nps_score <= 6
                then items.received_at + to_hours(policies.detractor_contact_hours)
        end as detractor_contact_due_at,
        theme_responses.escalated_at as theme_escalated_at,
        theme_responses.product_responded_at,
        theme_responses.escalated_at
        + to_hours(policies.product_response_hours) as product_response_due_at
    from items
    -- left joins: a missing policy shows as a null due_at (a failing test), not lost rows
    left join policies
        on true
    left join item_events
        on items.item_id = item_events.item_id
    left join handoffs
        on items.item_id = handoffs.item_id
    left join detractor_notes
        on items.item_id = detractor_notes.item_id
    left join theme_responses
        on items.theme_key = theme_responses.theme_key

),

final as (

    select
        item_id,
        source,
        account_id,
        tier,
        theme_key,
        received_at,
        acknowledged_at,
        ack_due_at,
        round(date_diff('second', received_at, acknowledged_at) / 3600.0, 2) as hours_to_ack,
        is_actionable,
        first_planned_at,
        first_plan_due_at,
        round(
            date_diff('second', received_at, first_planned_at) / 3600.0, 2
        ) as hours_to_first_plan,
        is_detractor,
        detractor_contacted_at,
        detractor_contact_method,
        detractor_contact_due_at,
        theme_escalated_at,
        product_responded_at,
        product_response_due_at
    from clocks

)

select * from final
