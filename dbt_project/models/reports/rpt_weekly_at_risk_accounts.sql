{#- The weekly report's at-risk accounts (dim_accounts.is_at_risk, with its reasons) and whether
    their CSM was told: the last night within 30 days of as_of (the window the at-risk flags look
    back over) for which the outbox sent an at-risk alert or a hand-off about the account. The
    night (run_date), not the wall clock, so a backfill counts the same. A view: the night's own
    alerts are queued after the marts are built, and the report must see them. -#}
{{ config(materialized='view') }}

with

accounts as (

    select * from {{ ref('dim_accounts') }}
    where is_at_risk

),

outbox as (

    select * from {{ ref('stg_loopkeeper__outbox') }}

),

told as (

    select
        account_id,
        max(run_date) as told_on
    from outbox
    where
        kind in ('at_risk_alert', 'handoff')
        and status = 'sent'
        and run_date > cast({{ as_of() }} as date) - 30
        and run_date <= cast({{ as_of() }} as date)
    group by account_id

),

final as (

    select
        accounts.account_id,
        accounts.account_name,
        accounts.tier,
        accounts.arr,
        accounts.days_to_renewal,
        accounts.csm_name,
        accounts.at_risk_reasons,
        told.told_on
    from accounts
    left join told
        on accounts.account_id = told.account_id

)

select * from final
