with

source as (

    select * from {{ source('ops', 'closed_loop_matches') }}

),

final as (

    select
        item_id || '|' || roadmap_item_id as closed_loop_match_id,
        item_id,
        roadmap_item_id,
        roadmap_status,
        score,
        matched_text,
        method,
        nearest_roadmap_item_id,
        nearest_score,
        min_score,
        is_match,
        run_date
    from source

)

select * from final
