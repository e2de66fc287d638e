{#- The monthly report's NPS trend: one row per month of response, all tiers together. -#}
with

nps as (

    select * from {{ ref('fct_nps_monthly') }}

),

counted as (

    select
        response_month,
        sum(responses)::bigint as responses,
        sum(promoters)::bigint as promoters,
        sum(passives)::bigint as passives,
        sum(detractors)::bigint as detractors
    from nps
    group by response_month

),

final as (

    select
        response_month,
        responses,
        promoters,
        passives,
        detractors,
        {{ nps('promoters', 'detractors', 'responses') }} as nps
    from counted

)

select * from final
