with

source as (

    select * from {{ source('ops', 'outbox') }}

),

final as (

    select
        message_key,
        kind,
        item_id,
        account_id,
        to_email,
        status,
        created_at,
        sent_at,
        run_date,
        theme_key,
        channel
    from source

)

select * from final
