with

source as (

    select
        *,
        rowid as raw_row_id  -- the latest version of a row is picked by it
    from {{ source('roadmap', 'items') }}

),

latest_row_ids as (

    -- an item re-exported with changes lands once per version: the latest load wins
    select
        arg_max(
            rowid,
            {{ latest_first(['_loaded_at', '_file', '_record']) }}
        ) as raw_row_id
    from {{ source('roadmap', 'items') }}
    where {{ clean_text('item_id') }} is not null
    group by trim(item_id)

),

latest as (

    select * from source
    where raw_row_id in (select raw_row_id from latest_row_ids)  -- noqa: RF02

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
