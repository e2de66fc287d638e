{#- Confidence intervals for the impact marts (models/impact), at 95% (z = 1.96).

    wilson_low / wilson_high: the Wilson score interval of a share, successes of n. Unlike the
    textbook p +- z*sqrt(p(1-p)/n) it stays inside 0..1 and does not shrink to a point at 0 or n
    successes, which small groups hit often. Null for n = 0. -#}
{% macro impact_z() -%} 1.96 {%- endmacro %}

{% macro wilson_low(successes, n) -%}
    case when {{ n }} > 0 then
        (
            ({{ successes }})::double / ({{ n }})
            + {{ impact_z() }} ^ 2 / (2 * ({{ n }}))
            - {{ impact_z() }} * sqrt(
                ({{ successes }})::double / ({{ n }}) * (1 - ({{ successes }})::double / ({{ n }}))
                / ({{ n }})
                + {{ impact_z() }} ^ 2 / (4 * ({{ n }}) ^ 2)
            )
        ) / (1 + {{ impact_z() }} ^ 2 / ({{ n }}))
    end
{%- endmacro %}

{% macro wilson_high(successes, n) -%}
    case when {{ n }} > 0 then
        (
            ({{ successes }})::double / ({{ n }})
            + {{ impact_z() }} ^ 2 / (2 * ({{ n }}))
            + {{ impact_z() }} * sqrt(
                ({{ successes }})::double / ({{ n }}) * (1 - ({{ successes }})::double / ({{ n }}))
                / ({{ n }})
                + {{ impact_z() }} ^ 2 / (4 * ({{ n }}) ^ 2)
            )
        ) / (1 + {{ impact_z() }} ^ 2 / ({{ n }}))
    end
{%- endmacro %}

{#- The variance of a share for a difference of proportions, Agresti-Caffo adjusted (one
    success and one failure added to the group): the plain Wald variance is 0 for a group of
    all successes or none, which would claim certainty a handful of cases cannot give. -#}
{% macro adjusted_share_variance(successes, n) -%}
    (({{ successes }}) + 1.0) / (({{ n }}) + 2) * (1 - (({{ successes }}) + 1.0) / (({{ n }}) + 2))
    / (({{ n }}) + 2)
{%- endmacro %}

{#- Every value lies inside its own interval, and every interval's ends are in order: fails
    with each row and figure where one does not. -#}
{% test intervals_hold(model) %}

    {% for figure in ['treated', 'control', 'difference'] %}
        {% set value = figure if figure == 'difference' else figure ~ '_value' %}
        select
            loop_impact_id,
            '{{ figure }}' as figure
        from {{ model }}
        where
            {{ figure }}_ci_low > {{ value }} + 1e-9
            or {{ value }} > {{ figure }}_ci_high + 1e-9
        {{ 'union all' if not loop.last }}
    {% endfor %}

{% endtest %}
