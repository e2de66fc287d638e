{{
    config(
        materialized='incremental',
        unique_key='item_id',
        incremental_strategy='delete+insert',
        on_schema_change='fail',
        post_hook="delete from {{ this }} where item_id not in (select visible.item_id from {{ ref('int_feedback_items') }} as visible)"
    )
}}

{#- One row per visible item with its account, its current tags and its survey answers: what
    about an item does not depend on the night's clock. Incremental because it carries the text
    of every item: a night rewrites only items that are new or whose source row, account or
    tags changed since the last build (another row_version), and the post-hook drops items no
    longer visible (a backfill of an earlier night), so the rows always equal a full rebuild.
    When the flows found its inputs as the last marts build read them (macro
    tagged_items_settled), no row can have changed and none is compared. -#}
with

items as (

    select * from {{ ref('int_feedback_items') }}

),

tags as (

    select * from {{ ref('stg_loopkeeper__feedback_tags') }}

),

themes as (

    select * from {{ ref('stg_loopkeeper__themes') }}

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
        -- the theme's label now, from all its items; the tag's own is the label it had when
        -- the item joined
        coalesce(themes.theme_label, tags.theme_label) as theme_label,
        tags.redacted_text,
        tags.model_version,
        tags.item_id is not null as is_tagged
    from items
    left join tags
        on items.item_id = tags.item_id
    left join themes
        on tags.theme_key = themes.theme_key

),

versioned as (

    select
        *,
        -- the row's content, without when it was loaded or tagged: a rebuild elsewhere (a
        -- backfill) gives the same versions. DuckDB's 64-bit hash, not md5 of the row as text
        -- (8x the cost at a million items): a version is only ever compared with the same
        -- item's earlier version, and a DuckDB release that hashes differently rewrites every
        -- item once.
        cast(
            hash(
                item_id, source, source_record_id, received_at, feedback_text,
                contact_email, contact_name, account_id, account_name, tier, arr,
                renewal_date, csm_name, csm_email, account_match_method, nps_score,
                ces_score, csat_score, csat_rating, csat_comment, is_csat_offered,
                ticket_status, ticket_priority, note_type, intents, intent, sentiment,
                sentiment_score, severity, product_area, competitors, theme_key,
                theme_label, redacted_text, model_version
            ) as varchar
        ) as row_version
    from joined

),

changed as (

    select * from versioned
    {% if is_incremental() and tagged_items_settled() %}
        -- nothing it reads changed since the last marts build: every kept row stands
        where false
    {% elif is_incremental() %}
        where not exists (
                select 1 from {{ this }} as kept
                where
                    kept.item_id = versioned.item_id
                    and kept.row_version = versioned.row_version
            )
    {% endif %}

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
        {{ arr_band('arr') }} as account_segment,
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
        ces_score,
        ces_score >= 5 as is_high_effort,
        csat_score,
        csat_rating,
        csat_comment,
        is_csat_offered,
        case
            when csat_score is not null then 'survey'
            when csat_rating is not null then 'ticket'
        end as csat_source,
        case
            when csat_score is not null then csat_score >= 4
            when csat_rating is not null then csat_rating = 'good'
        end as is_csat_satisfied,
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
        coalesce(
            list_has_any(intents, ['churn_risk', 'competitor']) or len(competitors) > 0,
            false
        ) as has_churn_or_competitor_mention,
        coalesce(
            nps_score <= 6
            or ces_score >= 5
            or list_has_any(intents, ['churn_risk', 'competitor'])
            or severity = 'critical',
            false
        ) as is_handoff_case,
        coalesce(
            list_has_any(intents, {{ var('actionable_intents') }}), false
        ) as is_actionable,
        row_version
    from changed

)

select * from final
