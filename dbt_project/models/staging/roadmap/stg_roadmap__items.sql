with

source as (

    select * from {{ source('roadmap', 'items') }}

),

latest as (

    select * from source
    where {{ clean_text('item_id') }} is not null
    qualify
        row_number() over (
            partition by trim(item_id)
            order by _loaded_at desc, _file desc, _record desc
        ) = 1

),

final as (

    select
        trim(item_id) as roadmap_item_id,
        {{ clean_text('title') }} as title,
        {{ split_list('lower(theme_keywords)') }} as theme_keywords,
        {{ roadmap_status('status') }} as status,
        try_cast(trim(effort) as integer) as effort,
        {{ to_utc_timestamp('created_at') }} as created_at,
        try_cast(trim(target_date) as date) as target_date,
        {{ to_utc_timestamp('shipped_at') }} as shipped_at,
        _loaded_at as loaded_at
    from latest

)

select * from final
