{#- Tables of models a release removed (schema, name). dbt never drops a relation whose model
    is gone, so a warehouse built before would keep a stale copy analysts could read:
    on-run-start drops them. A release that removes a model adds it here. Only tables that
    exist are named, so a run on a read-only warehouse (the analyst target) writes nothing. -#}
{% macro drop_retired_relations() -%}
    {%- set retired = [
        ('intermediate', 'int_notify_baseline'),
        ('intermediate', 'int_notify_changed_items'),
    ] -%}
    {%- set statements = [] -%}
    {%- if execute -%}
        {%- for schema, name in retired -%}
            {%- set relation = adapter.get_relation(
                database=target.database, schema=schema, identifier=name
            ) -%}
            {%- if relation is not none -%}
                {%- do statements.append('drop table if exists ' ~ relation) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
    {{ statements | join(';\n') if statements else 'select 1' }}
{%- endmacro %}
