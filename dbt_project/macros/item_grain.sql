{#- The item-grain tables (int_feedback_stage_events, int_feedback_stages_unclocked,
    int_feedback_sla_unclocked, int_feedback_unclocked) carry a row or more per item, text
    included, and nothing that moves with the clock alone: the marts fct_feedback_stages,
    fct_feedback_sla and fct_feedback are views over them that add what does (hours in the
    current stage, SLA statuses, age). So a build computes again only the items whose rows can
    have changed since the last build (int_item_grain_changes) and keeps every other row:
    - the item's own row changed: new, no longer visible, re-tagged, its account or text changed;
    - a message about it written, sent or changed, or its theme escalated;
    - its theme's roadmap link or statuses changed;
    - a note of its account written or dated into the clock (detractor clocks);
    - an event the clock crossed: done between the last build's as_of (or night) and this one's.
    The fingerprints of what was read (int_item_grain_baseline) are taken again once the four
    tables are updated (macro settle_item_grain).

    The flows set LOOPKEEPER_MARTS_PASS=incremental when the warehouse's last build is one this
    build may follow: same definition (every file of the dbt project and the thresholds,
    LOOPKEEPER_DEFINITION), clock not gone back (flows/warehouse/dbt.py). Any other build, a
    hand-run `dbt build` included, is a full refresh, so it equals a rebuild from scratch
    whatever the tables held. tests/dbt/test_incremental.py and tests/flows/test_nightly.py
    compare the two. -#}

{#- The config of an item-grain table. The pass is read at parse time here (everywhere else at
    execution only): dbt parses again just the models whose config reads it when it flips. The
    rows of changed items are deleted first, so an item no longer visible goes too. -#}
{% macro item_grain_config() -%}
    {{ config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='fail',
        full_refresh=not incremental_pass(),
        pre_hook="{{ drop_changed_items() }}"
    ) }}
{%- endmacro %}

{#- True when the flows asked for an incremental build of the item-grain tables. -#}
{% macro incremental_pass() -%}
    {{- return(env_var('LOOPKEEPER_MARTS_PASS', '') == 'incremental') -}}
{%- endmacro %}

{% macro drop_changed_items() -%}
    {%- if this is not none and is_incremental() -%}
        delete from {{ this }}
        where item_id in (select changed.item_id from {{ ref('int_item_grain_changes') }} as changed)
    {%- else -%}
        select 1
    {%- endif -%}
{%- endmacro %}

{#- A condition keeping only the rows of items the build computes again (true in a full build
    and in a unit test, which has no table to update). -#}
{% macro changed_items_only(column='item_id') -%}
    {%- if this is not none and is_incremental() -%}
        ({{ column }} in (select changed.item_id from {{ ref('int_item_grain_changes') }} as changed))
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}

{#- Each item's row, as a row to compare between two builds (kind, key, a fingerprint): its
    row_version. Compared by item_id (a join), not as a set with the others below. -#}
{% macro item_fingerprints(items) -%}
    select
        'item' as kind,
        items.item_id,
        null::varchar as theme_key,
        null::varchar as account_id,
        items.row_version as fingerprint
    from {{ items }} as items
{%- endmacro %}

{#- What else the item-grain tables read, as rows to compare between two builds (kind, key, a
    fingerprint): each message and item it answers, each theme escalation, each linked theme's
    roadmap item and statuses, and each account's note dates. -#}
{% macro item_grain_fingerprints(message_items, escalations, links, status_changes, notes) -%}
    select
        'message_item' as kind,
        message_items.item_id,
        null::varchar as theme_key,
        null::varchar as account_id,
        md5(to_json(message_items)::varchar) as fingerprint
    from {{ message_items }} as message_items
    union all
    select
        'escalation' as kind,
        null::varchar as item_id,
        escalations.theme_key,
        null::varchar as account_id,
        md5(to_json(escalations)::varchar) as fingerprint
    from {{ escalations }} as escalations
    union all
    select
        'roadmap' as kind,
        null::varchar as item_id,
        links.theme_key,
        null::varchar as account_id,
        md5(
            links.roadmap_item_id || ':' || coalesce(
                string_agg(
                    status_changes.status || '@' || status_changes.entered_at::varchar, ','
                    order by status_changes.entered_at, status_changes.status
                ),
                ''
            )
        ) as fingerprint
    from {{ links }} as links
    left join {{ status_changes }} as status_changes
        on links.roadmap_item_id = status_changes.roadmap_item_id
    where links.is_primary
    group by links.theme_key, links.roadmap_item_id
    union all
    select
        'notes' as kind,
        null::varchar as item_id,
        null::varchar as theme_key,
        notes.account_id,
        md5(string_agg(notes.note_date::varchar, ',' order by notes.note_date)) as fingerprint
    from {{ notes }} as notes
    where notes.account_id is not null
    group by notes.account_id
{%- endmacro %}

{#- The clock and definition a build ran with, as the baseline's one row of kind 'clock'. -#}
{% macro item_grain_clock() -%}
    select
        'clock' as kind,
        null::varchar as item_id,
        null::varchar as theme_key,
        null::varchar as account_id,
        {{ item_grain_definition() }} as fingerprint,
        {{ as_of() }} as as_of,
        {{ night() }} as night
{%- endmacro %}

{#- The definition the flows computed (LOOPKEEPER_DEFINITION), read at execution only; empty
    for a build the flows did not start, which the next nightly then follows with a full one. -#}
{% macro item_grain_definition() -%}
    {%- set definition = env_var('LOOPKEEPER_DEFINITION', '') if execute else '' -%}
    '{{ definition | replace("'", "''") }}'
{%- endmacro %}

{#- The post-hook of int_feedback_unclocked, the last item-grain table: once the tables are
    updated, the baseline is taken again (item rows of the changed items, everything else whole,
    and the clock) and the changed set emptied, so the next build compares with what these
    tables were built from. A full build's baseline was taken by the model itself. -#}
{% macro settle_item_grain() -%}
    {%- if this is not none and is_incremental() -%}
        {%- set baseline = ref('int_item_grain_baseline') -%}
        {%- set changed = ref('int_item_grain_changes') -%}
        delete from {{ baseline }}
        where kind <> 'item' or item_id in (select item_id from {{ changed }});
        insert into {{ baseline }}
        select fingerprints.*, null::timestamp as as_of, null::date as night
        from ({{ item_fingerprints(ref('int_feedback_items_tagged')) }}) as fingerprints
        where fingerprints.item_id in (select item_id from {{ changed }});
        insert into {{ baseline }}
        select fingerprints.*, null::timestamp as as_of, null::date as night
        from ({{ item_grain_fingerprints(
            ref('int_message_items'),
            ref('stg_loopkeeper__escalations'),
            ref('int_roadmap_theme_links'),
            ref('int_roadmap_status_changes'),
            ref('stg_notes__items')
        ) }}) as fingerprints;
        insert into {{ baseline }} {{ item_grain_clock() }};
        delete from {{ changed }}
    {%- else -%}
        select 1
    {%- endif -%}
{%- endmacro %}
