{{ config(materialized='ephemeral') }}

{#- The theme keywords of the roadmap items that exist at as_of, normalised to words: runs of
    ASCII letters and digits, case aside ("Dark-Mode" holds "dark mode"). Both the theme links
    and the per-item mentions match on these. -#}
with

roadmap_items as (

    select * from {{ ref('stg_roadmap__items') }}
    where roadmap_item_id in (
            select status_changes.roadmap_item_id
            from {{ ref('int_roadmap_status_changes') }} as status_changes
        )

),

roadmap_keywords as (

    select
        roadmap_item_id,
        unnest(theme_keywords) as keyword
    from roadmap_items

),

final as (

    select distinct
        roadmap_item_id,
        keyword,
        {{ padded_words('keyword') }} as keyword_words,
        split_part(trim({{ padded_words('keyword') }}), ' ', 1) as first_word
    from roadmap_keywords
    where trim({{ padded_words('keyword') }}) <> ''

)

select * from final
