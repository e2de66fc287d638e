{#- One row per CRM account with its renewal clock, latest NPS and the at-risk signals of its
    recent feedback, judged at as_of. Windows are the days before as_of. -#}
with

accounts as (

    select * from {{ ref('stg_crm__accounts') }}

),

feedback as (

    select * from {{ ref('fct_feedback') }}
    where account_id is not null

),

handed_off_items as (

    -- a hand-off queued by as_of counts, sent or not: the item was escalated to a human
    select distinct item_id
    from {{ ref('int_message_items') }}
    where
        kind = 'handoff'
        and {{ done_by_night('created_at') }}

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
        feedback.account_id,
        count(*) filter (
            where feedback.received_at >= {{ as_of() }} - interval 30 day
        ) as feedback_items_30d,
        count(*) filter (
            where
            feedback.received_at >= {{ as_of() }} - interval 30 day
            and (feedback.severity = 'critical' or handed_off_items.item_id is not null)
        ) as escalated_items_30d,
        coalesce(
            bool_or(
                feedback.has_churn_or_competitor_mention
                and feedback.received_at >= {{ as_of() }} - interval 90 day
            ),
            false
        ) as has_churn_or_competitor_mention_90d,
        count(feedback.is_csat_satisfied) filter (
            where feedback.received_at >= {{ as_of() }} - interval 30 day
        ) as csat_responses_30d,
        avg(feedback.is_csat_satisfied::integer) filter (
            where feedback.received_at >= {{ as_of() }} - interval 30 day
        ) as csat_satisfied_share_30d,
        count(feedback.is_csat_satisfied) filter (
            where
            feedback.received_at >= {{ as_of() }} - interval 60 day
            and feedback.received_at < {{ as_of() }} - interval 30 day
        ) as csat_responses_prior_30d,
        avg(feedback.is_csat_satisfied::integer) filter (
            where
            feedback.received_at >= {{ as_of() }} - interval 60 day
            and feedback.received_at < {{ as_of() }} - interval 30 day
        ) as csat_satisfied_share_prior_30d
    from feedback
    left join handed_off_items
        on feedback.item_id = handed_off_items.item_id
    group by feedback.account_id

),

joined as (

    select
        accounts.*,
        latest_nps.latest_nps_score,
        latest_nps.latest_nps_responded_at,
        coalesce(recent_feedback.feedback_items_30d, 0) as feedback_items_30d,
        coalesce(recent_feedback.escalated_items_30d, 0) as escalated_items_30d,
        coalesce(recent_feedback.csat_responses_30d, 0) as csat_responses_30d,
        recent_feedback.csat_satisfied_share_30d,
        coalesce(recent_feedback.csat_responses_prior_30d, 0) as csat_responses_prior_30d,
        recent_feedback.csat_satisfied_share_prior_30d,
        coalesce(latest_nps.latest_nps_score <= 6, false) as is_detractor,
        coalesce(
            recent_feedback.escalated_items_30d >= {{ var('at_risk_min_escalations_30d') }},
            false
        ) as has_several_escalations_30d,
        coalesce(
            recent_feedback.has_churn_or_competitor_mention_90d, false
        ) as has_churn_or_competitor_mention_90d,
        coalesce(
            recent_feedback.csat_satisfied_share_prior_30d
            - recent_feedback.csat_satisfied_share_30d
            >= {{ var('csat_falling_min_drop') }},
            false
        ) as is_csat_falling
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
        round(csat_satisfied_share_30d, 4) as csat_satisfied_share_30d,
        csat_responses_prior_30d,
        round(csat_satisfied_share_prior_30d, 4) as csat_satisfied_share_prior_30d,
        is_detractor,
        has_several_escalations_30d,
        has_churn_or_competitor_mention_90d,
        is_csat_falling,
        is_detractor
        or has_several_escalations_30d
        or has_churn_or_competitor_mention_90d
        or is_csat_falling as is_at_risk,
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
    from joined

)

select * from final
