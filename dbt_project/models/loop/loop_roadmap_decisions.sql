{#- Every roadmap item existing at as_of with its status then and when it entered it: the closed
    loop tells customers about those shipped or declined in its window, and judges which roadmap
    item an item asks for among all of them. -#}
with

items as (

    select * from {{ ref('stg_roadmap__items') }}

),

status_changes as (

    select * from {{ ref('int_roadmap_status_changes') }}

),

latest_changes as (

    -- the same latest status dim_themes reads
    select
        roadmap_item_id,
        status,
        entered_at as status_entered_at
    from status_changes
    qualify
        row_number() over (
            partition by roadmap_item_id
            order by entered_at desc, loaded_at desc
        ) = 1

),

final as (

    select
        items.roadmap_item_id,
        items.title,
        items.theme_keywords,
        latest_changes.status,
        latest_changes.status_entered_at,
        latest_changes.status in ('shipped', 'declined') as is_decided
    from items
    inner join latest_changes
        on items.roadmap_item_id = latest_changes.roadmap_item_id

)

select * from final
