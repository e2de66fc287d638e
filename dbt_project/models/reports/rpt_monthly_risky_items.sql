{#- The monthly report's riskiest open items: for each month items were received in, the
    accounts renewing within 90 days of as_of with a negative or hand-off item still open
    (fct_feedback.is_open) received by the month's end - the worst item of each account (most
    breached SLAs, then oldest), ranked by renewal, then ARR (risk_rank). One row per account
    and month, so a single noisy account cannot fill the list. -#}
with

feedback as (

    select * from {{ ref('fct_feedback') }}

),

accounts as (

    select * from {{ ref('dim_accounts') }}
    where days_to_renewal between 0 and 90

),

months as (

    select distinct date_trunc('month', received_at)::date as report_month
    from feedback

),

candidates as (

    select
        months.report_month,
        feedback.item_id,
        feedback.account_id,
        accounts.account_name,
        accounts.tier,
        accounts.arr,
        accounts.days_to_renewal,
        accounts.csm_name,
        feedback.source,
        feedback.theme_label,
        feedback.current_stage,
        feedback.age_days,
        feedback.breached_slas,
        feedback.redacted_text,
        count(*) over (
            partition by months.report_month, feedback.account_id
        ) as open_items,
        row_number() over (
            partition by months.report_month, feedback.account_id
            order by feedback.breached_slas desc, feedback.age_days desc, feedback.item_id asc
        ) as worst
    from months
    inner join feedback
        on feedback.received_at < months.report_month + interval 1 month
    inner join accounts
        on feedback.account_id = accounts.account_id
    where
        feedback.is_open
        and (feedback.is_handoff_case or feedback.sentiment = 'negative')

),

final as (

    select
        report_month || ':' || account_id as month_account_key,
        report_month,
        item_id,
        account_id,
        account_name,
        tier,
        arr,
        days_to_renewal,
        csm_name,
        source,
        theme_label,
        current_stage,
        age_days,
        breached_slas,
        redacted_text,
        open_items,
        row_number() over (
            partition by report_month
            order by days_to_renewal asc, arr desc, item_id asc
        ) as risk_rank
    from candidates
    where worst = 1

)

select * from final
