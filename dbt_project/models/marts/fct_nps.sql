{#- NPS by month of response, account tier and account segment (ARR band, see arr_band), from
    responses before as_of. Respondents matched to no account count under tier `Unmatched` and
    segment `Unknown`, so totals add up. The survey exports carry no send counts, so
    survey_sends and response_rate stay null until a sends export is loaded. -#}
with

feedback as (

    select * from {{ ref('fct_feedback') }}
    where source = 'nps'

),

counted as (

    select
        date_trunc('month', received_at)::date as response_month,
        coalesce(tier, 'Unmatched') as tier,
        account_segment,
        count(*) as responses,
        count(*) filter (where nps_category = 'promoter') as promoters,
        count(*) filter (where nps_category = 'passive') as passives,
        count(*) filter (where nps_category = 'detractor') as detractors
    from feedback
    group by all

),

final as (

    select
        strftime(response_month, '%Y-%m') || ':' || tier || ':' || account_segment
            as nps_month_segment_key,
        response_month,
        tier,
        account_segment,
        responses,
        promoters,
        passives,
        detractors,
        {{ nps('promoters', 'detractors', 'responses') }} as nps,
        null::bigint as survey_sends,
        null::double as response_rate
    from counted

)

select * from final
