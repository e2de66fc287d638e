with

source as (

    select * from {{ source('widget', 'events') }}

),

latest as (

    select * from source
    where {{ clean_text('event_id') }} is not null
    qualify
        row_number() over (
            partition by trim(event_id)
            order by _loaded_at desc, _file desc, _record desc
        ) = 1

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
