{#- True when the flows found what int_feedback_items_tagged reads as the last marts build under
    the same definition read it (flows/warehouse/tagged_items_record.py, environment variable
    LOOPKEEPER_TAGGED_ITEMS_SETTLED): the model keeps its rows instead of comparing every item's.
    Read at execution only, as the clock is (macro as_of), so partial parsing holds. A hand-run
    build never sets it. -#}
{% macro tagged_items_settled() -%}
    {{- return(execute and env_var('LOOPKEEPER_TAGGED_ITEMS_SETTLED', '') == '1') -}}
{%- endmacro %}
