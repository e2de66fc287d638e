{#- A key column: present on every row and never repeated. One pass over the model where
    `unique` plus `not_null` take two, which matters for staging views: a test re-runs the
    view, and the biggest dedupe a million ticket versions. Fails with each null or repeated
    key and how often it occurs. -#}
{% test primary_key(model, column_name) %}

    select
        {{ column_name }} as key_value,
        count(*) as occurrences
    from {{ model }}
    group by {{ column_name }}
    having {{ column_name }} is null or count(*) > 1

{% endtest %}
