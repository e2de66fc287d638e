{{
    config(
        materialized='incremental',
        unique_key='ticket_id',
        incremental_strategy='delete+insert',
        on_schema_change='fail',
        post_hook="{{ delete_vanished_rows(source('zendesk', 'tickets')) }}"
    )
}}

with

-- the keys whose latest version this build picks: every key on a full build; on a night's
-- build those with a row loaded since the last build, and those whose kept row left raw
touched as (

    select distinct trim(ticket_id) as ticket_id
    from {{ source('zendesk', 'tickets') }}
    where
        {{ clean_text('ticket_id') }} is not null
        {% if is_incremental() %}
            and _loaded_at > {{ last_build_load() }}
        {% endif %}
    {% if is_incremental() %}
        union
        select vanished.ticket_id
        from ({{ vanished_rows(source('zendesk', 'tickets')) }}) as vanished
    {% endif %}

),

source as (

    select
        *,
        rowid as raw_row_id  -- the latest version of a row is picked by it
    from {{ source('zendesk', 'tickets') }}
    {% if is_incremental() %}
        where trim(ticket_id) in (select touched.ticket_id from touched)
    {% endif %}

),

latest_row_ids as (

    -- a ticket re-appears on a later export page when it changes: the latest version wins
    select
        arg_max(
            raw_row_id,
            {{ latest_first([to_utc_timestamp('updated_at'), '_loaded_at', '_file', '_record']) }}
        ) as raw_row_id
    from source
    where {{ clean_text('ticket_id') }} is not null
    group by trim(ticket_id)

),

latest as (

    select
        *,
        {{ to_utc_timestamp('updated_at') }} as updated_at_utc
    from source
    where raw_row_id in (select raw_row_id from latest_row_ids)  -- noqa: RF02

),

final as (

    select
        trim(ticket_id) as ticket_id,
        {{ clean_email('requester_email') }} as requester_email,
        {{ clean_text('requester_name') }} as requester_name,
        {{ clean_text('subject') }} as subject,
        {{ clean_text('description') }} as description,
        {{ split_list('tags', sep=',') }} as ticket_tags,
        lower({{ clean_text('priority') }}) as priority,
        lower({{ clean_text('status') }}) as status,
        {{ to_utc_timestamp('created_at') }} as created_at,
        updated_at_utc as updated_at,
        case lower(trim(satisfaction_score))
            when 'good' then 'good'
            when 'bad' then 'bad'
        end as csat_rating,
        -- offered, good and bad all mean the survey went out: the send count CSAT rates need
        coalesce(lower(trim(satisfaction_score)) in ('offered', 'good', 'bad'), false)
            as is_csat_offered,
        {{ clean_text('satisfaction_comment') }} as csat_comment,
        _file as raw_file,
        _record as raw_record,
        _loaded_at as loaded_at
    from latest

)

select * from final
