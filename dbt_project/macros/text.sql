{#- Trimmed text, with empty strings as null: exports write "" for a missing value. -#}
{% macro clean_text(column) -%}
    nullif(trim({{ column }}), '')
{%- endmacro %}

{#- An email address as matched across sources: trimmed and lower-cased. -#}
{% macro clean_email(column) -%}
    nullif(lower(trim({{ column }})), '')
{%- endmacro %}

{#- A list exported as `sep`-joined text (`export;xlsx`) as a list of trimmed, non-empty
    strings; null or empty text gives []. -#}
{% macro split_list(column, sep=';') -%}
    list_filter(
        list_transform(
            string_split(coalesce({{ column }}, ''), '{{ sep }}'),
            lambda item: trim(item)
        ),
        lambda item: item <> ''
    )
{%- endmacro %}
