{{ config(materialized='table') }}

-- Which roadmap items each feedback item names in its own words: the closed loop tells a
-- customer that a roadmap item shipped (or was declined) only when their item mentioned it,
-- not because their item shares a theme with others that did.

with

mentions as (

    select * from {{ ref('int_feedback_roadmap_mentions') }}

),

final as (

    select
        item_id || '|' || roadmap_item_id as feedback_roadmap_mention_id,
        item_id,
        roadmap_item_id,
        -- ties go to the first keyword in alphabetical order, so a rebuild picks the same one
        min(keyword) as matched_keyword,
        count(*) as matched_keywords
    from mentions
    group by item_id, roadmap_item_id

)

select * from final
