{#- The nightly's second marts build (selector marts_after_notify) updates the item-grain models
    (int_feedback_stage_events, fct_feedback_stages, fct_feedback_sla, fct_feedback) in place
    instead of rebuilding them: between its first build and this one only notify ran, and what
    notify writes (messages and the items they answer, escalations of themes) reaches a known set
    of items (int_notify_changed_items). Their rows are computed again and replace the old ones
    (incremental, delete+insert on item_id); every other row stays as the first build left it.

    The flows set LOOPKEEPER_MARTS_PASS=after_notify for that build only. Every other build is a
    full refresh (config `after_notify_config`), so it equals a rebuild from scratch whatever the
    table held. tests/flows/test_nightly.py compares the two builds with one full build. -#}

{#- The config of an item-grain model. The pass is read at parse time here (everywhere else at
    execution only): dbt parses again just the four models whose config reads it when it flips. -#}
{% macro after_notify_config() -%}
    {{ config(
        materialized='incremental',
        unique_key='item_id',
        incremental_strategy='delete+insert',
        on_schema_change='fail',
        full_refresh=(env_var('LOOPKEEPER_MARTS_PASS', '') != 'after_notify')
    ) }}
{%- endmacro %}

{#- A condition keeping only the rows of items the pass computes again (true in a full build and
    in a unit test, which has no table to update). -#}
{% macro changed_items_only(column='item_id') -%}
    {%- if this is not none and is_incremental() -%}
        ({{ column }} in (select changed.item_id from {{ ref('int_notify_changed_items') }} as changed))
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}

{#- True in the build after notify (selector marts_after_notify run by the nightly), read at
    execution only. -#}
{% macro in_notify_pass() -%}
    {%- if execute and env_var('LOOPKEEPER_MARTS_PASS', '') == 'after_notify' -%}
        true
    {%- else -%}
        false
    {%- endif -%}
{%- endmacro %}

{#- What of notify's writes the item-grain models read, as rows to compare between two builds:
    one fingerprint per message and item it answers, and one per theme escalation. -#}
{% macro notify_fingerprints(message_items, escalations) -%}
    select
        message_items.item_id,
        null::varchar as theme_key,
        md5(to_json(message_items)::varchar) as fingerprint
    from {{ message_items }} as message_items
    union all
    select
        null::varchar as item_id,
        escalations.theme_key,
        md5(to_json(escalations)::varchar) as fingerprint
    from {{ escalations }} as escalations
{%- endmacro %}

{#- fct_feedback's post-hook, the last of the four models: once the pass has updated them, the
    baseline is taken again and the changed set emptied, so after any night both say the same
    whichever builds ran (a night run again, a backfill) and the next pass starts from here. -#}
{% macro settle_notify_pass() -%}
    {%- if this is not none and is_incremental() -%}
        delete from {{ ref('int_notify_baseline') }};
        insert into {{ ref('int_notify_baseline') }}
        {{ notify_fingerprints(ref('int_message_items'), ref('stg_loopkeeper__escalations')) }};
        delete from {{ ref('int_notify_changed_items') }}
    {%- else -%}
        select 1
    {%- endif -%}
{%- endmacro %}
