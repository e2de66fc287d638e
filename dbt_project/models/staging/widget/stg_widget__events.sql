{{
    config(
        materialized='incremental',
        unique_key='event_id',
        incremental_strategy='delete+insert',
        on_schema_change='fail',
        post_hook="{{ delete_vanished_rows(source('widget', 'events')) }}"
    )
}}

with

-- the keys whose latest version this build picks: every key on a full build; on a night's
-- build those with a row loaded since the last build, and those whose kept row left raw
touched as (

    select distinct trim(event_id) as event_id
    from {{ source('widget', 'events') }}
    where
        {{ clean_text('event_id') }} is not null
        {% if is_incremental() %}
            and _loaded_at > {{ last_build_load() }}
        {% endif %}
    {% if is_incremental() %}
        union
        select vanished.event_id
        from ({{ vanished_rows(source('widget', 'events')) }}) as vanished
    {% endif %}

),

source as (

    select
        *,
        rowid as raw_row_id  -- the latest version of a row is picked by it
    from {{ source('widget', 'events') }}
    {% if is_incremental() %}
        where trim(event_id) in (select touched.event_id from touched)
    {% endif %}

),

latest_row_ids as (

    -- an event re-delivered with changes lands once per version: the latest load wins
    select
        arg_max(
            raw_row_id,
            {{ latest_first(['_loaded_at', '_file', '_record']) }}
        ) as raw_row_id
    from source
    where {{ clean_text('event_id') }} is not null
    group by trim(event_id)

),

latest as (

    select * from source
    where raw_row_id in (select raw_row_id from latest_row_ids)  -- noqa: RF02

),

final as (

    select
        trim(event_id) as event_id,
        lower({{ clean_text('event_type') }}) as event_type,
        {{ clean_text('account_id') }} as account_id,
        {{ clean_email('user_email') }} as user_email,
        {{ clean_text('user_name') }} as user_name,
        {{ clean_text('message') }} as message,
        {{ clean_text('page_url') }} as page_url,
        {{ to_utc_timestamp('created_at') }} as created_at,
        _file as raw_file,
        _record as raw_record,
        _loaded_at as loaded_at
    from latest

)

select * from final
