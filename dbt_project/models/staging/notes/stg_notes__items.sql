{{
    config(
        materialized='incremental',
        unique_key=['note_id', 'item_index'],
        incremental_strategy='delete+insert',
        on_schema_change='fail',
        post_hook="{{ delete_vanished_rows(source('notes', 'items')) }}"
    )
}}

with

-- the keys whose latest version this build picks: every key on a full build; on a night's
-- build those with a row loaded since the last build, and those whose kept row left raw
touched as (

    select distinct
        trim(note_id) as note_id,
        try_cast(trim(item_index) as integer) as item_index
    from {{ source('notes', 'items') }}
    where
        {{ clean_text('note_id') }} is not null
        and try_cast(trim(item_index) as integer) is not null
        {% if is_incremental() %}
            and _loaded_at > {{ last_build_load() }}
        {% endif %}
    {% if is_incremental() %}
        union
        select
            vanished.note_id,
            vanished.item_index
        from ({{ vanished_rows(source('notes', 'items')) }}) as vanished
    {% endif %}

),

source as (

    select
        *,
        rowid as raw_row_id  -- the latest version of a row is picked by it
    from {{ source('notes', 'items') }} as raw_row
    {% if is_incremental() %}
        where exists (
                select 1 from touched
                where
                    touched.note_id = trim(raw_row.note_id)
                    and touched.item_index = try_cast(trim(raw_row.item_index) as integer)
            )
    {% endif %}

),

latest_row_ids as (

    -- a note re-exported with changes lands once per version: the latest load wins
    select
        arg_max(
            raw_row_id,
            {{ latest_first(['_loaded_at', '_file', '_record']) }}
        ) as raw_row_id
    from source
    where {{ clean_text('note_id') }} is not null
        and try_cast(trim(item_index) as integer) is not null
    group by trim(note_id), try_cast(trim(item_index) as integer)

),

latest as (

    select * from source
    where raw_row_id in (select raw_row_id from latest_row_ids)  -- noqa: RF02

),

renamed as (

    select
        trim(note_id) as note_id,
        try_cast(trim(item_index) as integer) as item_index,
        {{ clean_text('account_id') }} as account_id,
        lower({{ clean_text('note_type') }}) as note_type,
        try_cast(trim(note_date) as date) as note_date,
        {{ clean_email('author_email') }} as author_email,
        {{ clean_text('attendees') }} as attendees,
        {{ clean_text('item_text') }} as item_text,
        _file as raw_file,
        _record as raw_record,
        _loaded_at as loaded_at
    from latest

),

final as (

    select
        note_id || ':' || item_index as note_item_id,
        note_id,
        item_index,
        account_id,
        note_type,
        note_date,
        author_email,
        attendees,
        item_text,
        raw_file,
        raw_record,
        loaded_at
    from renamed

)

select * from final
