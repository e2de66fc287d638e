{#- The monthly report's themes by ARR affected: each month's themes (fct_theme_impact) with
    their label, escalation and roadmap status (dim_themes), ranked by ARR affected, then items,
    then key (theme_rank). The report lists the first few of its month. -#}
with

impact as (

    select * from {{ ref('fct_theme_impact') }}
    where period_type = 'month'

),

themes as (

    select * from {{ ref('dim_themes') }}

),

final as (

    select
        strftime(impact.period_start, '%Y-%m-%d') || ':' || impact.theme_key as month_theme_key,
        cast(impact.period_start as date) as report_month,
        impact.theme_key,
        themes.theme_label,
        impact.items,
        impact.accounts_affected,
        impact.arr_affected,
        impact.arr_renewing_90d,
        impact.trend,
        impact.trend_pct,
        themes.is_escalated,
        themes.roadmap_status,
        themes.is_for_product,
        row_number() over (
            partition by impact.period_start
            order by impact.arr_affected desc, impact.items desc, impact.theme_key asc
        ) as theme_rank
    from impact
    inner join themes
        on impact.theme_key = themes.theme_key

)

select * from final
