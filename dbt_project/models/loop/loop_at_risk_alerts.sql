{#- What the at-risk alert step acts on tonight: one row per at-risk account and reason, with
    the figures its alert states. The reasons are int_account_risk_signals', the same that
    set dim_accounts.is_at_risk, so an account the weekly report lists as at risk is one its
    CSM is alerted about, for the same reason. -#}
with

accounts as (

    select * from {{ ref('dim_accounts') }}

),

signals as (

    select * from {{ ref('int_account_risk_signals') }}
    where is_at_risk

),

reasons as (

    select
        account_id,
        unnest(at_risk_reasons) as at_risk_signal
    from signals

),

final as (

    select
        reasons.account_id || '|' || reasons.at_risk_signal as at_risk_alert_id,
        reasons.account_id,
        reasons.at_risk_signal,
        accounts.account_name,
        coalesce(accounts.tier, '') as tier,
        accounts.arr,
        accounts.renewal_date,
        coalesce(accounts.csm_name, '') as csm_name,
        coalesce(accounts.csm_email, '') as csm_email,
        signals.escalated_items_30d,
        signals.churn_or_competitor_mentions_90d,
        signals.competitors_mentioned_90d,
        signals.csat_satisfied_share_30d,
        signals.csat_satisfied_share_prior_30d,
        signals.latest_nps_score
    from reasons
    inner join signals
        on reasons.account_id = signals.account_id
    inner join accounts
        on reasons.account_id = accounts.account_id

)

select * from final
