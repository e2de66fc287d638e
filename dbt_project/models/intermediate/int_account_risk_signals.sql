{{ config(materialized='table') }}

{#- One row per CRM account with the at-risk signals of its recent feedback, judged at as_of,
    and the reason for each flag. The one definition of "at risk": dim_accounts.is_at_risk and
    the CSM's at-risk alert (loop_at_risk_alerts) both read it. Thresholds are vars the nightly
    may override from its settings (at_risk_min_escalations_30d, csat_falling_min_drop). A table
    rebuilt every build (the signals move with the clock): as a view, each of its data tests
    recomputed it from every item. -#}
with

accounts as (

    select account_id from {{ ref('stg_crm__accounts') }}

),

risk_items as (

    select * from {{ ref('int_account_risk_items') }}

),

latest_nps as (

    select
        account_id,
        nps_score as latest_nps_score,
        received_at as latest_nps_responded_at
    from risk_items
    where is_latest_nps

),

per_account as (

    select
        account_id,
        count(*) filter (where is_escalation_30d) as escalated_items_30d,
        count(*) filter (
            where is_churn_or_competitor_mention_90d
        ) as churn_or_competitor_mentions_90d,
        list_sort(list_distinct(flatten(
            list(competitors) filter (where is_churn_or_competitor_mention_90d)
        ))) as competitors_mentioned_90d,
        count(is_csat_satisfied) filter (where is_in_last_30d) as csat_responses_30d,
        avg(is_csat_satisfied::integer) filter (
            where is_in_last_30d
        ) as csat_satisfied_share_30d,
        count(is_csat_satisfied) filter (where is_in_prior_30d) as csat_responses_prior_30d,
        avg(is_csat_satisfied::integer) filter (
            where is_in_prior_30d
        ) as csat_satisfied_share_prior_30d
    from risk_items
    group by account_id

),

flags as (

    select
        accounts.account_id,
        latest_nps.latest_nps_score,
        latest_nps.latest_nps_responded_at,
        coalesce(per_account.escalated_items_30d, 0) as escalated_items_30d,
        coalesce(per_account.churn_or_competitor_mentions_90d, 0)
            as churn_or_competitor_mentions_90d,
        coalesce(per_account.competitors_mentioned_90d, []) as competitors_mentioned_90d,
        coalesce(per_account.csat_responses_30d, 0) as csat_responses_30d,
        round(per_account.csat_satisfied_share_30d, 4) as csat_satisfied_share_30d,
        coalesce(per_account.csat_responses_prior_30d, 0) as csat_responses_prior_30d,
        round(per_account.csat_satisfied_share_prior_30d, 4) as csat_satisfied_share_prior_30d,
        coalesce(latest_nps.latest_nps_score <= 6, false) as is_detractor,
        coalesce(
            per_account.escalated_items_30d >= {{ var('at_risk_min_escalations_30d') }},
            false
        ) as has_several_escalations_30d,
        coalesce(
            per_account.churn_or_competitor_mentions_90d > 0, false
        ) as has_churn_or_competitor_mention_90d,
        coalesce(
            per_account.csat_satisfied_share_prior_30d
            - per_account.csat_satisfied_share_30d
            >= {{ var('csat_falling_min_drop') }},
            false
        ) as is_csat_falling
    from accounts
    left join latest_nps
        on accounts.account_id = latest_nps.account_id
    left join per_account
        on accounts.account_id = per_account.account_id

),

final as (

    select
        *,
        is_detractor
        or has_several_escalations_30d
        or has_churn_or_competitor_mention_90d
        or is_csat_falling as is_at_risk,
        -- reason codes, in this order: the at-risk alert's signals (notifications.AtRiskSignal)
        list_filter(
            [
                case when has_several_escalations_30d then 'several_escalations_30d' end,
                case
                    when has_churn_or_competitor_mention_90d
                        then 'churn_or_competitor_mention'
                end,
                case when is_csat_falling then 'csat_falling' end,
                case when is_detractor then 'detractor' end
            ],
            lambda reason: reason is not null
        ) as at_risk_reasons
    from flags

)

select * from final
