{#- One row per CRM account with its renewal clock, latest NPS and the at-risk signals of its
    recent feedback, judged at as_of. Windows are the days before as_of. What "at risk" means
    is int_account_risk_signals' alone: this mart shows it beside the account. -#}
with

accounts as (

    select * from {{ ref('stg_crm__accounts') }}

),

feedback as (

    select * from {{ ref('fct_feedback') }}
    where account_id is not null

),

risk as (

    select * from {{ ref('int_account_risk_signals') }}

),

recent_feedback as (

    select
        account_id,
        count(*) filter (
            where received_at >= {{ as_of() }} - interval 30 day
        ) as feedback_items_30d
    from feedback
    group by account_id

),

joined as (

    select
        accounts.*,
        risk.latest_nps_score,
        risk.latest_nps_responded_at,
        risk.escalated_items_30d,
        risk.csat_responses_30d,
        risk.csat_satisfied_share_30d,
        risk.csat_responses_prior_30d,
        risk.csat_satisfied_share_prior_30d,
        risk.is_detractor,
        risk.has_several_escalations_30d,
        risk.has_churn_or_competitor_mention_90d,
        risk.is_csat_falling,
        risk.is_at_risk,
        risk.at_risk_reasons,
        coalesce(recent_feedback.feedback_items_30d, 0) as feedback_items_30d
    from accounts
    left join risk
        on accounts.account_id = risk.account_id
    left join recent_feedback
        on accounts.account_id = recent_feedback.account_id

),

final as (

    select
        account_id,
        account_name,
        account_domain,
        tier,
        arr,
        {{ arr_band('arr') }} as account_segment,
        renewal_date,
        date_diff('day', {{ as_of() }}::date, renewal_date) as days_to_renewal,
        csm_name,
        csm_email,
        contact_name,
        contact_email,
        latest_nps_score,
        latest_nps_responded_at,
        feedback_items_30d,
        escalated_items_30d,
        csat_responses_30d,
        csat_satisfied_share_30d,
        csat_responses_prior_30d,
        csat_satisfied_share_prior_30d,
        is_detractor,
        has_several_escalations_30d,
        has_churn_or_competitor_mention_90d,
        is_csat_falling,
        is_at_risk,
        at_risk_reasons
    from joined

)

select * from final
