with

source as (

    select * from {{ source('loopkeeper', 'feedback_stages_reached') }}

),

final as (

    select
        item_id || ':' || stage as feedback_stage_id,
        item_id,
        stage,
        entered_at,
        run_date
    from source

)

select * from final
