{{ config(materialized='table') }}

{#- Which feedback items mention which roadmap items: one row per item and keyword of a roadmap
    item (existing at as_of) that the item's text holds as whole words. The links of themes to
    roadmap items count these rows, and the closed loop tells a customer about a roadmap item
    only when their own words named it.

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
{#- With no multi-word keyword (or no roadmap at all) there is no phrase to check. -#}
{%- set phrases = [] -%}
{%- for words in keyword_words if ' ' in words -%}
    {%- do phrases.append(words) -%}
{%- endfor -%}
{%- set first_words_regex = '(?i)\\b(' ~ (first_words | join('|') or 'none') ~ ')\\b' %}


with

tagged_items as (

    select * from {{ ref('int_feedback_items_tagged') }}
    where theme_key is not null

),

keywords as (

    select * from {{ ref('int_roadmap_keywords') }}

),

item_texts as (

    select
        item_id,
        theme_key,
        -- `_` is a word character to the regex's \b but a separator to padded_words
        replace(coalesce(redacted_text, feedback_text, ''), '_', ' ') as item_text
    from tagged_items

),

item_first_words as (

    -- each keyword first word the item holds as a whole word, once
    select
        item_id,
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

mentions as (

    select
        item_first_words.item_id,
        item_first_words.theme_key,
        keywords.roadmap_item_id,
        keywords.keyword
    from item_first_words
    inner join keywords
        on item_first_words.first_word = keywords.first_word
    where
        -- a phrase is checked only on the items holding its first word, by a regex of its own
        {% if phrases -%}
            case keywords.keyword_words
                {% for words in phrases -%}
                    when ' {{ words }} '
                        then regexp_matches(
                            item_first_words.item_text,
                            '(?i)\b{{ words | replace(' ', '[^a-z0-9]+') }}\b'
                        )
                {% endfor -%}
                else true
            end
        {%- else -%}
            true
        {%- endif %}

),

final as (

    select
        item_id || '|' || roadmap_item_id || '|' || keyword as feedback_roadmap_mention_id,
        item_id,
        theme_key,
        roadmap_item_id,
        keyword
    from mentions

)

select * from final
