{#- NPS by month of response and account tier: fct_nps without the segment split. -#}
with

nps as (

    select * from {{ ref('fct_nps') }}

),

counted as (

    select
        response_month,
        tier,
        sum(responses)::bigint as responses,
        sum(promoters)::bigint as promoters,
        sum(passives)::bigint as passives,
        sum(detractors)::bigint as detractors
    from nps
    group by response_month, tier

),

final as (

    select
        strftime(response_month, '%Y-%m') || ':' || tier as nps_month_tier_key,
        response_month,
        tier,
        responses,
        promoters,
        passives,
        detractors,
        {{ nps('promoters', 'detractors', 'responses') }} as nps
    from counted

)

select * from final
