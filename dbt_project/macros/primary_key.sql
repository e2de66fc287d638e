{#- A key column: present on every row and never repeated. The staging models' key test: they
    are views, so every test re-runs the view (the tickets' one dedupes every ticket version),
    and this takes one pass where `unique` plus `not_null` take two. Tables keep the house
    style's pair. Fails with each null or repeated key and how often it occurs. -#}
{% test primary_key(model, column_name) %}

    select
        {{ column_name }} as key_value,
        count(*) as occurrences
    from {{ model }}
    group by {{ column_name }}
    having {{ column_name }} is null or count(*) > 1

{% endtest %}
