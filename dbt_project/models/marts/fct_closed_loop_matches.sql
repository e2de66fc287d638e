{#- Who was told a roadmap item shipped (or was declined), and why: one row per customer item
    that asked for something and roadmap item decided in the closed loop's window, with the
    score of the match by meaning and the words it matched. The borderline ones, those that
    fell just short, are the rows not told with the highest scores. -#}
with

matches as (

    select * from {{ ref('stg_loopkeeper__closed_loop_matches') }}

),

roadmap_items as (

    select * from {{ ref('stg_roadmap__items') }}

),

final as (

    select
        matches.closed_loop_match_id,
        matches.item_id,
        matches.roadmap_item_id,
        roadmap_items.title as roadmap_item_title,
        matches.roadmap_status,
        matches.score,
        matches.min_score,
        matches.matched_text,
        matches.method,
        matches.nearest_roadmap_item_id,
        matches.nearest_score,
        matches.is_match,
        case
            when matches.is_match then 'told'
            when matches.score < matches.min_score then 'below threshold'
            when matches.nearest_roadmap_item_id is null then 'not asked as a request'
            else 'nearer another roadmap item'
        end as outcome,
        matches.run_date
    from matches
    left join roadmap_items
        on matches.roadmap_item_id = roadmap_items.roadmap_item_id

)

select * from final
