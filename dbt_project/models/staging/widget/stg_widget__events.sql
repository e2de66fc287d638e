with

source as (

    select
        *,
        rowid as raw_row_id  -- the latest version of a row is picked by it
    from {{ source('widget', 'events') }}

),

latest_row_ids as (

    -- an event re-delivered with changes lands once per version: the latest load wins
    select
        arg_max(
            rowid,
            {{ latest_first(['_loaded_at', '_file', '_record']) }}
        ) as raw_row_id
    from {{ source('widget', 'events') }}
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
        _loaded_at as loaded_at
    from latest

)

select * from final
