{#- One row per outbox message and feedback item it answers: the item the message names, and
    every other item a combined message (one per person and night) answers beside it. What
    counts a message for an item (acknowledged, handed off, closed) reads this. -#}
with

outbox as (

    select * from {{ ref('stg_loopkeeper__outbox') }}

),

message_items as (

    select * from {{ ref('stg_loopkeeper__message_items') }}

),

named as (

    select
        message_key,
        item_id
    from outbox
    where item_id is not null

),

combined as (

    select
        message_key,
        item_id
    from message_items

),

answered as (

    select * from named
    union
    select * from combined

),

final as (

    select
        answered.message_key || ':' || answered.item_id as message_item_id,
        answered.item_id,
        outbox.message_key,
        outbox.kind,
        outbox.status,
        outbox.created_at,
        outbox.sent_at,
        outbox.run_date,
        outbox.theme_key
    from answered
    inner join outbox
        on answered.message_key = outbox.message_key

)

select * from final
