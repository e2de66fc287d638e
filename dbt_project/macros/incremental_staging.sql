{#- Incremental staging models (stg_nps__responses, stg_zendesk__tickets, stg_widget__events,
    stg_notes__items): a night picks the latest version again only of the keys that can have a
    new one, instead of ranking every version in raw. tests/dbt/test_incremental.py compares
    nightly increments with a rebuild from scratch. -#}

{#- The last build's latest load: the rows loaded after it (later loads only: each run's
    stamp is after every load before it, flows.sources.loader.load_time) may be new versions.
    A build reads every row of the loads before it, so a night re-run after a crash between
    loading and building loses nothing: its loads come after the last build's. Taking that
    load again made the night after a big load (a first night, a backfill) read all of it
    once more: ~1.1 million ticket rows at a million items, 13 of the stage build's 16 s. -#}
{% macro last_build_load() -%}
    (select coalesce(max(kept.loaded_at), '-infinity'::timestamp) from {{ this }} as kept)
{%- endmacro %}

{#- Kept rows whose raw row is gone (set aside by hand, `loopkeeper quarantine`): their key
    falls back to its previous version, or leaves when it has none. A light scan of three raw
    columns, not a ranking of every version. -#}
{% macro vanished_rows(raw_relation) -%}
    select kept.* from {{ this }} as kept
    where not exists (
        select 1 from {{ raw_relation }} as raw_row
        where
            raw_row._file = kept.raw_file
            and raw_row._record = kept.raw_record
            and raw_row._loaded_at = kept.loaded_at
    )
{%- endmacro %}

{#- The post-hook: after the night's versions are merged, a key whose every version left raw
    leaves the model too (a rebuild would not have it). -#}
{% macro delete_vanished_rows(raw_relation) -%}
    delete from {{ this }}
    where not exists (
        select 1 from {{ raw_relation }} as raw_row
        where
            raw_row._file = {{ this.identifier }}.raw_file
            and raw_row._record = {{ this.identifier }}.raw_record
            and raw_row._loaded_at = {{ this.identifier }}.loaded_at
    )
{%- endmacro %}
