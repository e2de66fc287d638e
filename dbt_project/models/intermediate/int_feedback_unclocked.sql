{#- fct_feedback without the columns that move with the clock (SLA statuses, age; the mart is a
    view adding them): one row per feedback item with its account, current tags, survey
    answers, current action stage and SLA clocks, judged at as_of: a message sent after as_of
    had not happened yet that night. The last item-grain table: its post-hook takes the
    baseline again (macros/item_grain.sql). -#}
{{ item_grain_config() }}
{{ config(post_hook="{{ settle_item_grain() }}") }}
-- depends_on: {{ ref('int_item_grain_changes') }}
-- depends_on: {{ ref('int_item_grain_baseline') }}
-- depends_on: {{ ref('int_message_items') }}
-- depends_on: {{ ref('stg_loopkeeper__escalations') }}
-- depends_on: {{ ref('int_roadmap_theme_links') }}
-- depends_on: {{ ref('int_roadmap_status_changes') }}
-- depends_on: {{ ref('stg_notes__items') }}
with

items as (

    select * from {{ ref('int_feedback_items_tagged') }}
    where {{ changed_items_only() }}

),

sla as (

    select * from {{ ref('int_feedback_sla_unclocked') }}
    where {{ changed_items_only() }}

),

current_stages as (

    select * from {{ ref('int_feedback_stages_unclocked') }}
    where is_current_stage and {{ changed_items_only() }}

),

final as (

    select
        items.item_id,
        items.source,
        items.source_record_id,
        items.received_at,
        items.feedback_text,
        items.redacted_text,
        items.contact_email,
        items.contact_name,
        items.account_id,
        items.account_name,
        items.tier,
        items.arr,
        items.account_segment,
        items.renewal_date,
        items.csm_name,
        items.csm_email,
        items.is_account_matched,
        items.account_match_method,
        items.nps_score,
        items.nps_category,
        items.ces_score,
        items.is_high_effort,
        items.csat_score,
        items.csat_rating,
        items.csat_comment,
        items.csat_source,
        items.is_csat_satisfied,
        items.is_csat_offered,
        items.ticket_status,
        items.ticket_priority,
        items.note_type,
        items.is_tagged,
        items.intents,
        items.intent,
        items.sentiment,
        items.sentiment_score,
        items.severity,
        items.product_area,
        items.competitors,
        items.has_churn_or_competitor_mention,
        items.is_handoff_case,
        items.theme_key,
        items.theme_label,
        items.model_version,
        current_stages.stage as current_stage,
        current_stages.entered_at as current_stage_entered_at,
        -- the one definition of an open item: its loop has not ended (shipped, declined, or
        -- the customer told); the loop, the reports and fct_loop_health_monthly read this
        current_stages.stage not in ('shipped', 'declined', 'closed_loop') as is_open,
        sla.acknowledged_at,
        sla.ack_due_at,
        sla.hours_to_ack,
        sla.first_planned_at,
        sla.first_plan_due_at,
        sla.detractor_contacted_at,
        sla.detractor_contact_due_at,
        sla.theme_escalated_at,
        sla.product_responded_at,
        sla.product_response_due_at
    from items
    left join sla
        on items.item_id = sla.item_id
    left join current_stages
        on items.item_id = current_stages.item_id

)

select * from final
