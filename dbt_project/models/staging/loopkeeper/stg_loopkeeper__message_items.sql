with

source as (

    select * from {{ source('ops', 'message_items') }}

),

final as (

    select
        message_key || ':' || item_id as message_item_id,
        message_key,
        item_id,
        kind
    from source

)

select * from final
