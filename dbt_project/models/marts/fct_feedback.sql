{#- One row per feedback item with its account, current tags, survey answers, current action
    stage and SLA clocks, judged at as_of: a message sent after as_of had not happened yet that
    night. -#}
{{ after_notify_config() }}
{{ config(post_hook="{{ settle_notify_pass() }}") }}
-- depends_on: {{ ref('int_notify_changed_items') }}
-- depends_on: {{ ref('int_notify_baseline') }}
-- depends_on: {{ ref('int_message_items') }}
-- depends_on: {{ ref('stg_loopkeeper__escalations') }}
with

items as (

    select * from {{ ref('int_feedback_items_tagged') }}
    where {{ changed_items_only() }}

),

sla as (

    select * from {{ ref('fct_feedback_sla') }}
    where {{ changed_items_only() }}

),

current_stages as (

    select * from {{ ref('fct_feedback_stages') }}
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
        sla.ack_sla_status,
        sla.first_planned_at,
        sla.first_plan_due_at,
        sla.first_plan_sla_status,
        sla.detractor_contacted_at,
        sla.detractor_contact_due_at,
        sla.detractor_contact_sla_status,
        sla.theme_escalated_at,
        sla.product_responded_at,
        sla.product_response_due_at,
        sla.product_response_sla_status,
        sla.breached_slas,
        -- whole days elapsed, not calendar-day boundaries crossed
        date_diff('second', items.received_at, {{ as_of() }}) // 86400 as age_days
    from items
    left join sla
        on items.item_id = sla.item_id
    left join current_stages
        on items.item_id = current_stages.item_id

)

select * from final
