{{ config(materialized='table') }}

{#- Which feedback items mention which roadmap items: one row per item and keyword of a roadmap
    item (existing at as_of) that the item's text holds as whole words. The links of themes to
    roadmap items count these rows, and the closed loop tells a customer about a roadmap item
    only when their own words named it. The matching itself is incremental, one row per item
    (int_feedback_items_keyword_matched); this table lays its lists out a row per mention. -#}
with

matched_items as (

    select * from {{ ref('int_feedback_items_keyword_matched') }}

),

mentions as (

    select
        item_id,
        theme_key,
        unnest(mentions) as mention
    from matched_items

),

final as (

    select
        mentions.item_id
        || '|' || mentions.mention.roadmap_item_id
        || '|' || mentions.mention.keyword as feedback_roadmap_mention_id,
        mentions.item_id,
        mentions.theme_key,
        mentions.mention.roadmap_item_id,
        mentions.mention.keyword
    from mentions

)

select * from final
