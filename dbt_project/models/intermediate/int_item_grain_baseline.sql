{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='fail',
    full_refresh=not incremental_pass()
) }}

{#- What the item-grain tables were last built from (macros item_fingerprints and
    item_grain_fingerprints), and the clock and definition of that build:
    int_item_grain_changes compares the warehouse with it. A full build takes it here; an
    incremental one leaves it to the last item-grain table's post-hook (macro
    settle_item_grain), which takes it again once the tables are updated. -#}
with

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

fingerprints as (

    {{ item_fingerprints('items') }}
    union all
    {{ item_grain_fingerprints(
        'message_items', 'escalations', 'links', 'status_changes', 'notes'
    ) }}

),

final as (

    select
        *,
        null::timestamp as as_of,
        null::date as night
    from fingerprints
    union all
    {{ item_grain_clock() }}

)

select * from final
{% if is_incremental() %}
    -- the post-hook of int_feedback_unclocked takes it again
    where false
{% endif %}
