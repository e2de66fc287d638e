{{ config(materialized='table') }}

{#- Which roadmap items answer which themes. A roadmap item links to a theme when one of its
    theme_keywords, as whole words, appears in the theme's key or label, or in the text of at
    least var('roadmap_link_min_text_share') of the theme's items. A theme's primary link (the
    one its stages and effort follow) is a name match before a text match, then the larger
    share of matching items, then the lowest roadmap_item_id. Only roadmap items that exist at
    as_of link.

    Words are runs of ASCII letters and digits, case aside ("Dark-Mode" holds "dark mode").
    Searching every item's text for every keyword costs items x keywords; instead one regular
    expression of the keywords' first words, a constant built from the roadmap here, finds the
    candidate keywords of an item in one pass, and only multi-word keywords are then checked as
    phrases. -#}

{%- set keyword_words_sql -%}
    select distinct trim({{ padded_words('keyword') }}) as words
    from (select unnest(theme_keywords) as keyword from {{ ref('stg_roadmap__items') }})
    where trim({{ padded_words('keyword') }}) <> ''
    order by words
{%- endset -%}
{#- Normalised keywords hold only [a-z0-9 ], so they are safe inside the SQL and the regexes. -#}
{%- set keyword_words = run_query(keyword_words_sql).columns[0].values() if execute else [] -%}
{%- set first_words = [] -%}
{%- for words in keyword_words if words.split(' ')[0] not in first_words -%}
    {%- do first_words.append(words.split(' ')[0]) -%}
{%- endfor -%}
{%- set first_words_regex = '(?i)\\b(' ~ (first_words | join('|') or 'none') ~ ')\\b' %}

with

tagged_items as (

    select * from {{ ref('int_feedback_items_tagged') }}
    where theme_key is not null

),

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

keywords as (

    select distinct
        roadmap_item_id,
        keyword,
        {{ padded_words('keyword') }} as keyword_words,
        split_part(trim({{ padded_words('keyword') }}), ' ', 1) as first_word,
        contains(trim({{ padded_words('keyword') }}), ' ') as is_phrase
    from roadmap_keywords
    where trim({{ padded_words('keyword') }}) <> ''

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

item_texts as (

    select
        theme_key,
        -- `_` is a word character to the regex's \b but a separator to padded_words
        replace(coalesce(redacted_text, feedback_text, ''), '_', ' ') as item_text
    from tagged_items

),

item_first_words as (

    -- each keyword first word the item holds as a whole word, once
    select
        theme_key,
        item_text,
        unnest(
            list_distinct(
                list_transform(
                    regexp_extract_all(
                        item_text,
                        '{{ first_words_regex }}',
                        1
                    ),
                    lambda word: lower(word)
                )
            )
        ) as first_word
    from item_texts
    {% if not first_words %}where false{% endif %}

),

text_hits as (

    select
        item_first_words.theme_key,
        keywords.roadmap_item_id,
        keywords.keyword,
        count(*) as matching_items
    from item_first_words
    inner join keywords
        on item_first_words.first_word = keywords.first_word
    where
        -- a phrase is checked only on the items holding its first word, by a regex of its own
        case keywords.keyword_words
            {% for words in keyword_words if ' ' in words -%}
                when ' {{ words }} '
                    then regexp_matches(
                        item_first_words.item_text,
                        '(?i)\b{{ words | replace(' ', '[^a-z0-9]+') }}\b'
                    )
            {% endfor -%}
            else true
        end
    group by item_first_words.theme_key, keywords.roadmap_item_id, keywords.keyword

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
