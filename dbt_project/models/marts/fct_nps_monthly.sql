{#- NPS by month of response and account tier. Responses from people matched to no account
    count under the tier `Unmatched`, so monthly totals add up. -#}
with

feedback as (

    select * from {{ ref('fct_feedback') }}

),

responses as (

    select
        date_trunc('month', received_at)::date as response_month,
        coalesce(tier, 'Unmatched') as tier,
        nps_category
    from feedback
    where source = 'nps'

),

counted as (

    select
        response_month,
        tier,
        count(*) as responses,
        count(*) filter (where nps_category = 'promoter') as promoters,
        count(*) filter (where nps_category = 'passive') as passives,
        count(*) filter (where nps_category = 'detractor') as detractors
    from responses
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
        round(100.0 * (promoters - detractors) / responses, 1) as nps
    from counted

)

select * from final
