{#- CSAT and CES by month the item was received, account tier and segment. CSAT pools survey
    answers (1-5: 4-5 satisfied, 3 neutral, 1-2 unsatisfied) and Zendesk ticket ratings (good is
    satisfied, bad unsatisfied), dated by the survey response or the ticket's creation. Zendesk
    says which tickets were offered the survey, so response_rate is ticket ratings over tickets
    offered; survey exports carry no sends, so survey answers are not in it. -#}
with

feedback as (

    select * from {{ ref('fct_feedback') }}
    where
        csat_source is not null
        or ces_score is not null
        or is_csat_offered

),

counted as (

    select
        date_trunc('month', received_at)::date as response_month,
        coalesce(tier, 'Unmatched') as tier,
        account_segment,
        count(csat_source) as csat_responses,
        count(*) filter (where csat_source = 'survey') as survey_csat_responses,
        count(*) filter (where csat_source = 'ticket') as ticket_csat_responses,
        count(*) filter (where is_csat_satisfied) as satisfied,
        count(*) filter (where csat_score = 3) as neutral,
        count(*) filter (where not is_csat_satisfied and coalesce(csat_score, 0) <> 3)
            as unsatisfied,
        avg(csat_score) as avg_survey_csat_score,
        count(ces_score) as ces_responses,
        avg(ces_score) as avg_ces_score,
        count(*) filter (where is_high_effort) as high_effort_responses,
        count(*) filter (where is_csat_offered) as ticket_csat_offered
    from feedback
    group by all

),

final as (

    select
        strftime(response_month, '%Y-%m') || ':' || tier || ':' || account_segment
            as csat_month_segment_key,
        response_month,
        tier,
        account_segment,
        csat_responses,
        survey_csat_responses,
        ticket_csat_responses,
        satisfied,
        neutral,
        unsatisfied,
        round(100.0 * satisfied / nullif(csat_responses, 0), 1) as csat,
        round(avg_survey_csat_score, 2) as avg_survey_csat_score,
        ces_responses,
        round(avg_ces_score, 2) as avg_ces_score,
        high_effort_responses,
        ticket_csat_offered,
        round(ticket_csat_responses / nullif(ticket_csat_offered, 0), 4) as response_rate
    from counted

)

select * from final
