{#- One row per feedback item with its current tags and its acknowledgment SLA, judged at
    as_of: an acknowledgment sent after as_of had not happened yet that night. -#}
with

items as (

    select * from {{ ref('int_feedback_items') }}

),

tags as (

    select * from {{ ref('stg_loopkeeper__feedback_tags') }}

),

outbox as (

    select * from {{ ref('stg_loopkeeper__outbox') }}

),

sla_policies as (

    select * from {{ ref('sla_policies') }}

),

acknowledgments as (

    select
        item_id,
        min(sent_at) as acknowledged_at
    from outbox
    where
        kind = 'acknowledgment'
        and status = 'sent'
        and sent_at <= {{ as_of() }}
    group by item_id

),

acknowledge_policy as (

    select hours
    from sla_policies
    where policy = 'acknowledge'

),

joined as (

    select
        items.*,
        tags.intents,
        tags.intent,
        tags.sentiment,
        tags.sentiment_score,
        tags.severity,
        tags.product_area,
        tags.competitors,
        tags.theme_key,
        tags.theme_label,
        tags.redacted_text,
        tags.model_version,
        tags.item_id is not null as is_tagged,
        acknowledgments.acknowledged_at,
        items.received_at + to_hours(acknowledge_policy.hours) as ack_due_at
    from items
    left join tags
        on items.item_id = tags.item_id
    left join acknowledgments
        on items.item_id = acknowledgments.item_id
    -- a left join, so a missing policy shows as a null ack_due_at (a failing test), not no rows
    left join acknowledge_policy
        on true

),

final as (

    select
        item_id,
        source,
        source_record_id,
        received_at,
        feedback_text,
        redacted_text,
        contact_email,
        contact_name,
        account_id,
        account_name,
        tier,
        arr,
        renewal_date,
        csm_name,
        csm_email,
        is_account_matched,
        account_match_method,
        nps_score,
        case
            when nps_score >= 9 then 'promoter'
            when nps_score >= 7 then 'passive'
            when nps_score >= 0 then 'detractor'
        end as nps_category,
        csat_rating,
        csat_comment,
        ticket_status,
        ticket_priority,
        note_type,
        is_tagged,
        intents,
        intent,
        sentiment,
        sentiment_score,
        severity,
        product_area,
        competitors,
        theme_key,
        theme_label,
        model_version,
        acknowledged_at,
        ack_due_at,
        case
            when acknowledged_at <= ack_due_at then 'met'
            when acknowledged_at > ack_due_at then 'breached'
            when {{ as_of() }} > ack_due_at then 'breached'
            else 'open'
        end as ack_sla_status,
        -- whole days elapsed, not calendar-day boundaries crossed
        date_diff('second', received_at, {{ as_of() }}) // 86400 as age_days
    from joined

)

select * from final
