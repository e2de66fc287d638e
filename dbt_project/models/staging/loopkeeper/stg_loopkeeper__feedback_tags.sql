with

source as (

    select
        *,
        rowid as raw_row_id  -- the latest version of a row is picked by it
    from {{ source('loopkeeper', 'feedback_tags') }}

),

current_version_row_ids as (

    -- re-tagging with a new model adds rows: the most recent tagging is the item's tags
    select
        arg_max(
            rowid,
            {{ latest_first(['tagged_at', 'model_version']) }}
        ) as raw_row_id
    from {{ source('loopkeeper', 'feedback_tags') }}
    where item_id is not null
    group by item_id

),

current_version as (

    select * from source
    where raw_row_id in (select raw_row_id from current_version_row_ids)  -- noqa: RF02

),

final as (

    select
        item_id,
        model_version,
        {{ split_list('intents') }} as intents,
        {{ clean_text('intent') }} as intent,
        lower({{ clean_text('sentiment') }}) as sentiment,
        sentiment_score,
        lower({{ clean_text('severity') }}) as severity,
        {{ clean_text('product_area') }} as product_area,
        {{ split_list('competitors') }} as competitors,
        {{ clean_text('theme_key') }} as theme_key,
        {{ clean_text('theme_label') }} as theme_label,
        redacted_text,
        tagged_at
    from current_version

)

select * from final
