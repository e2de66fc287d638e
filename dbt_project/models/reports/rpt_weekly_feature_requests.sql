{#- The weekly report's feature requests: one row per ISO week (Monday, UTC) and theme asked
    for that week, with the week before's count for the trend. trend_rank orders them as the
    report lists them: the biggest rise first. -#}
with

asks as (

    select
        feedback.*,
        date_trunc('week', feedback.received_at)::date as week_start,
        coalesce(themes.theme_label, feedback.theme_label) as current_theme_label
    from {{ ref('fct_feedback') }} as feedback
    left join {{ ref('dim_themes') }} as themes
        on feedback.theme_key = themes.theme_key
    where
        list_contains(feedback.intents, 'feature_request')
        and feedback.theme_key is not null

),

weeks as (

    select
        week_start,
        theme_key,
        any_value(current_theme_label) as theme_label,
        count(*) as items,
        count(distinct account_id) as accounts_affected
    from asks
    group by week_start, theme_key

),

theme_accounts as (

    -- ARR counts once per account, however many asks it made
    select distinct
        week_start,
        theme_key,
        account_id,
        arr
    from asks
    where account_id is not null

),

arr as (

    select
        week_start,
        theme_key,
        sum(arr) as arr_affected
    from theme_accounts
    group by week_start, theme_key

),

final as (

    select
        this_week.week_start || ':' || this_week.theme_key as week_theme_key,
        this_week.week_start,
        this_week.theme_key,
        this_week.theme_label,
        this_week.items,
        coalesce(last_week.items, 0) as items_last_week,
        this_week.accounts_affected,
        coalesce(arr.arr_affected, 0) as arr_affected,
        row_number() over (
            partition by this_week.week_start
            order by
                this_week.items - coalesce(last_week.items, 0) desc,
                this_week.items desc,
                this_week.theme_key asc
        ) as trend_rank
    from weeks as this_week
    left join weeks as last_week
        on
            this_week.theme_key = last_week.theme_key
            and this_week.week_start - interval 7 day = last_week.week_start
    left join arr
        on
            this_week.week_start = arr.week_start
            and this_week.theme_key = arr.theme_key

)

select * from final
