{#- For the escalation step: each theme product could still be asked about (one that is
    dim_themes.is_for_product, its roadmap item neither shipped nor declined) with the accounts its items of the current
    window (var theme_current_window_days, fct_theme_impact's) came from. An account is at
    retention risk when one of those items mentions leaving or a competitor, or
    dim_accounts flags it at risk. The step's thresholds (notifications) decide which cross. -#}
with

themes as (

    select * from {{ ref('dim_themes') }}
    where
        is_for_product
        and coalesce(roadmap_status, '') not in ('shipped', 'declined')

),

feedback as (

    select * from {{ ref('fct_feedback') }}
    where received_at >= {{ as_of() }} - interval {{ var('theme_current_window_days') }} day

),

accounts as (

    select * from {{ ref('dim_accounts') }}

),

final as (

    select
        themes.theme_key || '|' || feedback.account_id as theme_account_id,
        themes.theme_key,
        themes.theme_label,
        coalesce(themes.product_area, '') as product_area,
        feedback.account_id,
        accounts.account_name,
        coalesce(accounts.tier, '') as tier,
        coalesce(accounts.arr, 0) as arr,
        accounts.renewal_date,
        bool_or(
            coalesce(feedback.has_churn_or_competitor_mention, false) or accounts.is_at_risk
        ) as is_at_retention_risk
    from themes
    inner join feedback
        on themes.theme_key = feedback.theme_key
    inner join accounts
        on feedback.account_id = accounts.account_id
    group by
        themes.theme_key,
        themes.theme_label,
        themes.product_area,
        feedback.account_id,
        accounts.account_name,
        accounts.tier,
        accounts.arr,
        accounts.renewal_date

)

select * from final
