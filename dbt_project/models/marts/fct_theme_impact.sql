{#- One row per theme and period: each calendar month the theme had items in (period_type
    month), and the current view, the var('theme_current_window_days') days before as_of
    (period_type current). Accounts are judged as they are at as_of (ARR, renewal, detractor).
    - trend: items in the 30 days before the period's end against the 30 days before those.
    - impact_score: (ARR affected + ARR renewing within 90 days) in thousands, times
      (1 + share of affected accounts that are detractors).
    - confidence: 0.1 per distinct account plus 0.1 per distinct source, at most 1.
    - effort: the primary linked roadmap item's effort (1-5), else var('theme_default_effort').
    - priority_score: impact_score x confidence / effort; priority_rank 1 is the highest within
      the period (ties: more ARR, more items, then theme_key). -#}
with

feedback as (

    select * from {{ ref('fct_feedback') }}
    where theme_key is not null

),

accounts as (

    select * from {{ ref('dim_accounts') }}

),

primary_links as (

    select * from {{ ref('int_roadmap_theme_links') }}
    where is_primary

),

roadmap_items as (

    select * from {{ ref('stg_roadmap__items') }}

),

month_periods as (

    select distinct
        theme_key,
        'month' as period_type,
        date_trunc('month', received_at)::timestamp as period_start,
        least(
            date_trunc('month', received_at)::timestamp + interval 1 month, {{ as_of() }}
        ) as period_end
    from feedback

),

current_periods as (

    select distinct
        theme_key,
        'current' as period_type,
        {{ as_of() }} - to_days({{ var('theme_current_window_days') }}) as period_start,
        {{ as_of() }} as period_end
    from feedback
    where received_at >= {{ as_of() }} - to_days({{ var('theme_current_window_days') }})

),

periods as (

    select * from month_periods
    union all
    select * from current_periods

),

period_items as (

    select
        periods.theme_key,
        periods.period_type,
        periods.period_start,
        feedback.item_id,
        feedback.account_id,
        feedback.source
    from periods
    inner join feedback
        on
            periods.theme_key = feedback.theme_key
            and periods.period_start <= feedback.received_at
            and periods.period_end > feedback.received_at

),

item_counts as (

    select
        theme_key,
        period_type,
        period_start,
        count(*) as items,
        count(distinct account_id) as accounts_affected,
        count(distinct source) as sources
    from period_items
    group by theme_key, period_type, period_start

),

account_impact as (

    select
        affected.theme_key,
        affected.period_type,
        affected.period_start,
        coalesce(sum(accounts.arr), 0) as arr_affected,
        coalesce(
            sum(accounts.arr) filter (
                where accounts.days_to_renewal between 0 and 90
            ),
            0
        ) as arr_renewing_90d,
        coalesce(
            sum(accounts.arr) filter (
                where accounts.days_to_renewal between 0 and 180
            ),
            0
        ) as arr_renewing_180d,
        count(*) filter (where accounts.is_detractor) as detractor_accounts
    from (
        select distinct
            theme_key,
            period_type,
            period_start,
            account_id
        from period_items
        where account_id is not null
    ) as affected
    inner join accounts
        on affected.account_id = accounts.account_id
    group by affected.theme_key, affected.period_type, affected.period_start

),

daily_items as (

    select
        theme_key,
        received_at::date as received_date,
        count(*) as items
    from feedback
    group by theme_key, received_at::date

),

trends as (

    select
        periods.theme_key,
        periods.period_type,
        periods.period_start,
        coalesce(
            sum(daily_items.items) filter (
                where daily_items.received_date >= periods.period_end - interval 30 day
            ),
            0
        ) as items_last_30d,
        coalesce(
            sum(daily_items.items) filter (
                where daily_items.received_date < periods.period_end - interval 30 day
            ),
            0
        ) as items_prior_30d
    from periods
    left join daily_items
        on
            periods.theme_key = daily_items.theme_key
            and daily_items.received_date >= periods.period_end - interval 60 day
            and periods.period_end > daily_items.received_date
    group by periods.theme_key, periods.period_type, periods.period_start

),

scored as (

    select
        periods.theme_key,
        periods.period_type,
        periods.period_start,
        periods.period_end,
        item_counts.items,
        item_counts.accounts_affected,
        item_counts.sources,
        coalesce(account_impact.arr_affected, 0) as arr_affected,
        coalesce(account_impact.arr_renewing_90d, 0) as arr_renewing_90d,
        coalesce(account_impact.arr_renewing_180d, 0) as arr_renewing_180d,
        coalesce(
            account_impact.detractor_accounts / nullif(item_counts.accounts_affected, 0), 0
        ) as detractor_account_share,
        trends.items_last_30d::bigint as items_last_30d,
        trends.items_prior_30d::bigint as items_prior_30d,
        primary_links.roadmap_item_id,
        coalesce(roadmap_items.effort, {{ var('theme_default_effort') }}) as effort
    from periods
    inner join item_counts
        on
            periods.theme_key = item_counts.theme_key
            and periods.period_type = item_counts.period_type
            and periods.period_start = item_counts.period_start
    left join account_impact
        on
            periods.theme_key = account_impact.theme_key
            and periods.period_type = account_impact.period_type
            and periods.period_start = account_impact.period_start
    inner join trends
        on
            periods.theme_key = trends.theme_key
            and periods.period_type = trends.period_type
            and periods.period_start = trends.period_start
    left join primary_links
        on periods.theme_key = primary_links.theme_key
    left join roadmap_items
        on primary_links.roadmap_item_id = roadmap_items.roadmap_item_id

),

prioritised as (

    select
        *,
        round(
            (arr_affected + arr_renewing_90d) / 1000.0 * (1 + detractor_account_share), 4
        ) as impact_score,
        least(1.0, 0.1 * accounts_affected + 0.1 * sources) as confidence
    from scored

),

final as (

    select
        theme_key
        || ':'
        || case
            when period_type = 'current' then 'current'
            else strftime(period_start, '%Y-%m')
        end as theme_period_id,
        theme_key,
        period_type,
        period_start,
        period_end,
        items,
        accounts_affected,
        sources,
        arr_affected,
        arr_renewing_90d,
        arr_renewing_180d,
        round(detractor_account_share, 4) as detractor_account_share,
        items_last_30d,
        items_prior_30d,
        case
            when items_prior_30d = 0 and items_last_30d > 0 then 'new'
            when items_last_30d > items_prior_30d then 'rising'
            when items_last_30d < items_prior_30d then 'falling'
            else 'flat'
        end as trend,
        round(100.0 * (items_last_30d - items_prior_30d) / nullif(items_prior_30d, 0), 1)
            as trend_pct,
        roadmap_item_id,
        effort,
        impact_score,
        confidence,
        round(impact_score * confidence / effort, 4) as priority_score,
        row_number() over (
            partition by period_type, period_start
            order by
                impact_score * confidence / effort desc,
                arr_affected desc,
                items desc,
                theme_key asc
        ) as priority_rank
    from prioritised

)

select * from final
