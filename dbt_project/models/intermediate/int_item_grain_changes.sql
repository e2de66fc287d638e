{{ config(materialized='table') }}

{#- The items whose item-grain rows (macros/item_grain.sql) can have changed since the last
    build, in an incremental build: what they read compared with int_item_grain_baseline, and
    what the clock crossed since that build's as_of and night. Emptied once the build is done
    (macro settle_item_grain); empty in a full build, which computes every item. -#}
with

baseline as (

    select * from {{ ref('int_item_grain_baseline') }}

),

items as (

    select * from {{ ref('int_feedback_items_tagged') }}

),

message_items as (

    select * from {{ ref('int_message_items') }}

),

escalations as (

    select * from {{ ref('stg_loopkeeper__escalations') }}

),

links as (

    select * from {{ ref('int_roadmap_theme_links') }}

),

status_changes as (

    select * from {{ ref('int_roadmap_status_changes') }}

),

notes as (

    select * from {{ ref('stg_notes__items') }}

),

taggings as (

    select * from {{ ref('stg_loopkeeper__feedback_taggings') }}

),

reached as (

    select * from {{ ref('stg_loopkeeper__feedback_stages_reached') }}

),

last_build as (

    -- a baseline without a clock row (never settled) reads as the beginning of time
    select
        coalesce(max(as_of), timestamp '0001-01-01') as as_of,
        coalesce(max(night), date '0001-01-01') as night
    from baseline
    where kind = 'clock'

),

current_state as (

    {{ item_grain_fingerprints(
        'message_items', 'escalations', 'links', 'status_changes', 'notes'
    ) }}

),

previous_state as (

    select
        kind,
        item_id,
        theme_key,
        account_id,
        fingerprint
    from baseline
    where kind not in ('item', 'clock')

),

previous_items as (

    select * from baseline
    where kind = 'item'

),

-- new, gone or another row_version (a join by item_id: the largest set by far)
changed_items as (

    select coalesce(items.item_id, previous_items.item_id) as item_id
    from items
    full outer join previous_items
        on items.item_id = previous_items.item_id
    where items.row_version is distinct from previous_items.fingerprint

),

changed as (

    (
        select * from current_state
        except all
        select * from previous_state
    )
    union all
    (
        select * from previous_state
        except all
        select * from current_state
    )

),

-- what the clock crossed: an action or tagging dated after the last build's as_of (a night's
-- own messages and escalations are dated as_of until the next night), a note dated since, a
-- run of a later night
crossed_items as (

    select message_items.item_id
    from message_items, last_build
    where message_items.sent_at > last_build.as_of or message_items.run_date > last_build.night
    union all
    select taggings.item_id
    from taggings, last_build
    where taggings.tagged_at > last_build.as_of
    union all
    select reached.item_id
    from reached, last_build
    where reached.entered_at > last_build.as_of or reached.run_date > last_build.night

),

crossed_themes as (

    select escalations.theme_key
    from escalations, last_build
    where escalations.escalated_at > last_build.as_of or escalations.run_date > last_build.night

),

crossed_accounts as (

    select notes.account_id
    from notes, last_build
    where notes.note_date >= last_build.as_of::date

),

final as (

    select item_id from changed_items
    union
    select item_id from changed
    where kind = 'message_item'
    union
    select item_id from crossed_items
    union
    select items.item_id
    from items
    where
        items.theme_key in (
            select changed.theme_key from changed
            where changed.kind in ('escalation', 'roadmap')
            union all
            select crossed_themes.theme_key from crossed_themes
        )
    union
    -- a note of the account can be a detractor's contact (fct_feedback_sla)
    select items.item_id
    from items
    where
        items.nps_score <= 6
        and items.account_id in (
            select changed.account_id from changed
            where changed.kind = 'notes'
            union all
            select crossed_accounts.account_id from crossed_accounts
        )

)

select * from final
where
    item_id is not null
    and {{ 'true' if incremental_pass() else 'false' }}
