with

source as (

    select * from {{ source('loopkeeper', 'themes') }}

),

final as (

    select
        theme_key,
        theme_label,
        bucket as theme_bucket,
        model_version,
        created_at
    from source

)

select * from final
