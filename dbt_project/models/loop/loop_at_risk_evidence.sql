{#- The feedback items behind each at-risk alert of tonight, newest first: the items that
    raised the flag (int_account_risk_items), which the alert quotes to its CSM. -#}
with

alerts as (

    select * from {{ ref('loop_at_risk_alerts') }}

),

risk_items as (

    select * from {{ ref('int_account_risk_items') }}

),

evidence as (

    select
        alerts.at_risk_alert_id,
        alerts.account_id,
        alerts.at_risk_signal,
        risk_items.item_id,
        risk_items.received_at
    from alerts
    inner join risk_items
        on
            alerts.account_id = risk_items.account_id
            and case alerts.at_risk_signal
                when 'several_escalations_30d' then risk_items.is_escalation_30d
                when 'churn_or_competitor_mention'
                    then risk_items.is_churn_or_competitor_mention_90d
                when 'csat_falling' then risk_items.is_csat_unsatisfied_30d
                when 'detractor' then risk_items.is_detractor_response
                else false
            end

),

final as (

    select
        at_risk_alert_id || '|' || item_id as at_risk_evidence_id,
        at_risk_alert_id,
        account_id,
        at_risk_signal,
        item_id,
        received_at,
        row_number() over (
            partition by at_risk_alert_id
            order by received_at desc, item_id asc
        ) as evidence_rank
    from evidence

)

select * from final
