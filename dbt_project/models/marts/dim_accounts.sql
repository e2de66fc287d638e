{#- One row per CRM account with its renewal clock, its latest NPS and the risk signals of its
    recent feedback, judged at as_of. -#}
with

accounts as (

    select * from {{ ref('stg_crm__accounts') }}

),

feedback as (

    select * from {{ ref('fct_feedback') }}
    where account_id is not null

),

latest_nps as (

    select
        account_id,
        nps_score as latest_nps_score,
        received_at as latest_nps_responded_at
    from feedback
    where source = 'nps'
    qualify
        row_number() over (
            partition by account_id
            order by received_at desc, item_id desc
        ) = 1

),

recent_feedback as (

    select
        account_id,
        count(*) filter (
            where received_at >= {{ as_of() }} - interval 30 day
        ) as feedback_items_30d,
        coalesce(
            bool_or(
                (
                    list_contains(intents, 'churn_risk')
                    or list_contains(intents, 'competitor')
                    or len(competitors) > 0
                )
                and received_at >= {{ as_of() }} - interval 90 day
            ),
            false
        ) as has_churn_or_competitor_mention_90d
    from feedback
    group by account_id

),

joined as (

    select
        accounts.*,
        latest_nps.latest_nps_score,
        latest_nps.latest_nps_responded_at,
        coalesce(recent_feedback.feedback_items_30d, 0) as feedback_items_30d,
        coalesce(latest_nps.latest_nps_score <= 6, false) as is_detractor,
        coalesce(
            recent_feedback.has_churn_or_competitor_mention_90d, false
        ) as has_churn_or_competitor_mention_90d
    from accounts
    left join latest_nps
        on accounts.account_id = latest_nps.account_id
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
        renewal_date,
        date_diff('day', {{ as_of() }}::date, renewal_date) as days_to_renewal,
        csm_name,
        csm_email,
        contact_name,
        contact_email,
        latest_nps_score,
        latest_nps_responded_at,
        feedback_items_30d,
        is_detractor,
        has_churn_or_competitor_mention_90d,
        is_detractor or has_churn_or_competitor_mention_90d as is_at_risk
    from joined

)

select * from final
