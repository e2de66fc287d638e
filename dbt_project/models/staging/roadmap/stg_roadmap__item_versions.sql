{#- Every distinct version of every roadmap row, as loaded: the history a status change is read
    from. stg_roadmap__items keeps only the latest. -#}
with

source as (

    select * from {{ source('roadmap', 'items') }}
    where {{ clean_text('item_id') }} is not null

),

final as (

    select
        _row_hash as roadmap_item_version_id,
        trim(item_id) as roadmap_item_id,
        {{ clean_text('title') }} as title,
        {{ split_list('lower(theme_keywords)') }} as theme_keywords,
        {{ roadmap_status('status') }} as status,
        try_cast(trim(effort) as integer) as effort,
        {{ to_utc_timestamp('created_at') }} as created_at,
        try_cast(trim(target_date) as date) as target_date,
        {{ to_utc_timestamp('shipped_at') }} as shipped_at,
        _loaded_at as loaded_at,
        _file as loaded_from_file,
        _record as loaded_from_record
    from source

)

select * from final
