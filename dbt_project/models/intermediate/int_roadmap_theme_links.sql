{{ config(materialized='table') }}

{#- Which roadmap items answer which themes. A roadmap item links to a theme when one of its
    theme_keywords, as whole words, appears in the theme's key or label, or in the text of at
    least var('roadmap_link_min_text_share') of the theme's items (int_feedback_roadmap_mentions
    finds those). A theme's primary link (the one its stages and effort follow) is a name match
    before a text match, then the larger share of matching items, then the lowest
    roadmap_item_id. Only roadmap items that exist at as_of link. -#}

with

tagged_items as (

    select * from {{ ref('int_feedback_items_tagged') }}
    where theme_key is not null

),

keywords as (

    select * from {{ ref('int_roadmap_keywords') }}

),

themes as (

    select
        theme_key,
        {{ padded_words('theme_key') }} || {{ padded_words('arg_max(theme_label, received_at)') }}
            as theme_words,
        count(*) as theme_items
    from tagged_items
    group by theme_key

),

name_matches as (

    select
        themes.theme_key,
        keywords.roadmap_item_id,
        min(keywords.keyword) as matched_keyword
    from themes
    inner join keywords
        on contains(themes.theme_words, keywords.keyword_words)
    group by themes.theme_key, keywords.roadmap_item_id

),

text_hits as (

    select
        theme_key,
        roadmap_item_id,
        keyword,
        count(*) as matching_items
    from {{ ref('int_feedback_roadmap_mentions') }}
    group by theme_key, roadmap_item_id, keyword

),

text_matches as (

    select
        text_hits.theme_key,
        text_hits.roadmap_item_id,
        -- ties go to the first keyword in alphabetical order, so a rebuild picks the same one
        first(text_hits.keyword order by text_hits.matching_items desc, text_hits.keyword asc)
            as matched_keyword,
        max(text_hits.matching_items) as matching_items
    from text_hits
    inner join themes
        on text_hits.theme_key = themes.theme_key
    where
        text_hits.matching_items
        >= {{ var('roadmap_link_min_text_share') }} * themes.theme_items
    group by text_hits.theme_key, text_hits.roadmap_item_id

),

links as (

    select
        coalesce(name_matches.theme_key, text_matches.theme_key) as theme_key,
        coalesce(name_matches.roadmap_item_id, text_matches.roadmap_item_id) as roadmap_item_id,
        case
            when name_matches.theme_key is not null then 'theme_name' else 'item_text'
        end as match_method,
        coalesce(name_matches.matched_keyword, text_matches.matched_keyword) as matched_keyword,
        coalesce(text_matches.matching_items, 0) as matching_items
    from name_matches
    full outer join text_matches
        on
            name_matches.theme_key = text_matches.theme_key
            and name_matches.roadmap_item_id = text_matches.roadmap_item_id

),

final as (

    select
        links.theme_key || '|' || links.roadmap_item_id as roadmap_theme_link_id,
        links.theme_key,
        links.roadmap_item_id,
        links.match_method,
        links.matched_keyword,
        links.matching_items,
        themes.theme_items,
        round(links.matching_items / themes.theme_items, 4) as matching_item_share,
        row_number() over (
            partition by links.theme_key
            order by
                links.match_method = 'theme_name' desc,
                links.matching_items desc,
                links.roadmap_item_id asc
        ) = 1 as is_primary
    from links
    inner join themes
        on links.theme_key = themes.theme_key

)

select * from final
