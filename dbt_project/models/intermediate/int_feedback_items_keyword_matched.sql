{{
    config(
        materialized='incremental',
        unique_key='item_id',
        incremental_strategy='delete+insert',
        on_schema_change='fail',
        post_hook="delete from {{ this }} where item_id not in (select tagged.item_id from {{ ref('int_feedback_items_tagged') }} as tagged where tagged.theme_key is not null)"
    )
}}

{#- One row per themed feedback item with the keywords of roadmap items (existing at as_of) its
    text holds as whole words, case aside ("Dark-Mode" holds "dark mode"); an item that holds
    none has an empty list. int_feedback_roadmap_mentions gives them a row each.

    Incremental, because matching every item's text against the roadmap is the costliest step of
    a night's marts: a night matches only items whose row changed (another row_version of
    int_feedback_items_tagged: new text, a new theme, new tags) and, when the roadmap's keywords
    changed (a new roadmap item, new keywords, the clock reaching a roadmap item's first status),
    every item again. The post-hook drops items that left int_feedback_items_tagged or their
    theme, so the rows always equal a full rebuild (tests/dbt/test_incremental.py). With the
    tagged items as the last marts build read them (macro tagged_items_settled), no item is
    compared: all are matched again, or none (tests/dbt/test_tagged_items_settled.py).

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

keyword_set as (

    -- the roadmap's keywords at as_of as one value: when it differs from the one an item was
    -- matched against, the item is matched again
    select
        coalesce(
            md5(
                string_agg(
                    roadmap_item_id || '|' || keyword, chr(10) order by roadmap_item_id, keyword
                )
            ),
            ''
        ) as keywords_version
    from keywords

),

pending_items as (

    select
        tagged_items.item_id,
        tagged_items.theme_key,
        tagged_items.row_version,
        keyword_set.keywords_version,
        -- `_` is a word character to the regex's \b but a separator to padded_words
        replace(
            coalesce(tagged_items.redacted_text, tagged_items.feedback_text, ''), '_', ' '
        ) as item_text
    from tagged_items
    cross join keyword_set
    {% if is_incremental() and tagged_items_settled() %}
        -- the tagged items as the last marts build read them, so no item's row changed: the
        -- items are matched again only if a themed item has no row matched against tonight's
        -- keywords (the roadmap's keywords changed, or a build stopped half-way), and then all
        -- of them; two counts tell it without reading any text
        where (
            select count(*) from {{ this }} as kept
            where kept.keywords_version = (select ks.keywords_version from keyword_set as ks)
        ) <> (
            select count(*) from {{ ref('int_feedback_items_tagged') }} as themed
            where themed.theme_key is not null
        )
    {% elif is_incremental() %}
        where not exists (
                select 1 from {{ this }} as kept
                where
                    kept.item_id = tagged_items.item_id
                    and kept.row_version = tagged_items.row_version
                    and kept.keywords_version = keyword_set.keywords_version
            )
    {% endif %}

),

item_first_words as (

    -- each keyword first word the item holds as a whole word, once
    select
        item_id,
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
    from pending_items
    {% if not first_words %}where false{% endif %}

),

mentions as (

    select
        item_first_words.item_id,
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

item_mentions as (

    select
        item_id,
        list(
            struct_pack(roadmap_item_id, keyword)
            order by roadmap_item_id, keyword
        ) as mentions
    from mentions
    group by item_id

),

final as (

    select
        pending_items.item_id,
        pending_items.theme_key,
        pending_items.row_version,
        pending_items.keywords_version,
        coalesce(
            item_mentions.mentions,
            []::struct(roadmap_item_id varchar, keyword varchar)[]
        ) as mentions
    from pending_items
    left join item_mentions
        on pending_items.item_id = item_mentions.item_id

)

select * from final
