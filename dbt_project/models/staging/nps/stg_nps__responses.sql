{{
    config(
        materialized='incremental',
        unique_key='response_id',
        incremental_strategy='delete+insert',
        on_schema_change='fail',
        post_hook="{{ delete_vanished_rows(source('nps', 'responses')) }}"
    )
}}

with

-- the keys whose latest version this build picks: every key on a full build; on a night's
-- build those with a row loaded since the last build, and those whose kept row left raw
touched as (

    select distinct trim(response_id) as response_id
    from {{ source('nps', 'responses') }}
    where
        {{ clean_text('response_id') }} is not null
        {% if is_incremental() %}
            and _loaded_at > {{ last_build_load() }}
        {% endif %}
    {% if is_incremental() %}
        union
        select vanished.response_id
        from ({{ vanished_rows(source('nps', 'responses')) }}) as vanished
    {% endif %}

),

source as (

    select
        *,
        rowid as raw_row_id  -- the latest version of a row is picked by it
    from {{ source('nps', 'responses') }}
    {% if is_incremental() %}
        where trim(response_id) in (select touched.response_id from touched)
    {% endif %}

),

latest_row_ids as (

    -- a response re-exported with changes lands once per version: the latest load wins
    select
        arg_max(
            raw_row_id,
            {{ latest_first(['_loaded_at', '_file', '_record']) }}
        ) as raw_row_id
    from source
    where {{ clean_text('response_id') }} is not null
    group by trim(response_id)

),

latest as (

    select * from source
    where raw_row_id in (select raw_row_id from latest_row_ids)  -- noqa: RF02

),

final as (

    select
        trim(response_id) as response_id,
        {{ clean_email('email') }} as respondent_email,
        try_cast(trim(score) as integer) as score,
        {{ clean_text('comment') }} as comment,
        {{ to_utc_timestamp('responded_at') }} as responded_at,
        {{ clean_text('survey_id') }} as survey_id,
        try_cast(trim(ces_score) as integer) as ces_score,
        try_cast(trim(csat_score) as integer) as csat_score,
        _file as raw_file,
        _record as raw_record,
        _loaded_at as loaded_at
    from latest

)

select * from final
