{#- Every tagging of every item (one row per item and model version): when an item was first
    triaged. stg_loopkeeper__feedback_tags keeps only the current one. -#}
with

source as (

    select * from {{ source('loopkeeper', 'feedback_tags') }}

),

final as (

    select
        item_id || ':' || model_version as tagging_id,
        item_id,
        model_version,
        tagged_at
    from source
    where item_id is not null

)

select * from final
