{#- Net Promoter Score: percent promoters minus percent detractors, one decimal; null without
    responses. The one formula every NPS figure (marts and reports) is computed with. -#}
{% macro nps(promoters, detractors, responses) -%}
    round(100.0 * ({{ promoters }} - {{ detractors }}) / nullif({{ responses }}, 0), 1)
{%- endmacro %}
