with

source as (

    select * from {{ source('loopkeeper', 'feedback_tags') }}

),

current_version as (

    -- re-tagging with a new model adds rows: the most recent tagging is the item's tags
    select
        *,
        -- when the item was first triaged, whichever model version did it
        min(tagged_at) over (partition by item_id) as first_tagged_at
    from source
    where item_id is not null
    qualify
        row_number() over (
            partition by item_id
            order by tagged_at desc nulls last, model_version desc
        ) = 1

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
        tagged_at,
        first_tagged_at
    from current_version

)

select * from final
