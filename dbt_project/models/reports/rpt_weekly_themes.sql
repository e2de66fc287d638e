{#- The weekly report's themes: one row per ISO week (Monday, UTC) and theme with items that
    week - items, accounts, ARR affected, negative share, and the quote that typifies it (the
    item whose sentiment is nearest the theme's mean that week: typical, not the loudest).
    theme_rank orders them as the report lists them. -#}
with

feedback as (

    select
        feedback.*,
        date_trunc('week', feedback.received_at)::date as week_start,
        coalesce(themes.theme_label, feedback.theme_label) as current_theme_label
    from {{ ref('fct_feedback') }} as feedback
    left join {{ ref('dim_themes') }} as themes
        on feedback.theme_key = themes.theme_key
    where feedback.theme_key is not null

),

stats as (

    select
        week_start,
        theme_key,
        any_value(current_theme_label) as theme_label,
        count(*) as items,
        count(distinct account_id) as accounts_affected,
        avg(case when sentiment = 'negative' then 1 else 0 end) as negative_share,
        avg(sentiment_score) as mean_sentiment_score
    from feedback
    group by week_start, theme_key

),

theme_accounts as (

    -- ARR counts once per account, however many items it gave
    select distinct
        week_start,
        theme_key,
        account_id,
        arr
    from feedback
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

quotes as (

    -- the week's quote of each theme: the text nearest the theme's mean sentiment, rounded (the
    -- mean's last bits depend on the order DuckDB sums in, and two items as near it either side
    -- must tie), then the latest, then the first id; shorter texts ("Slow.") say little as a
    -- quote. One aggregate per week and theme, where numbering every item sorted each group.
    select
        feedback.week_start,
        feedback.theme_key,
        arg_min(
            feedback.redacted_text,
            {
                'no_score': feedback.sentiment_score is null,
                'distance': coalesce(
                    round(abs(feedback.sentiment_score - stats.mean_sentiment_score), 9), 0
                ),
                'newest_first': -epoch_us(feedback.received_at),
                'item_id': feedback.item_id
            }
        ) as redacted_text
    from feedback
    inner join stats
        on
            feedback.week_start = stats.week_start
            and feedback.theme_key = stats.theme_key
    where length(trim(feedback.redacted_text)) >= 20
    group by feedback.week_start, feedback.theme_key

),

final as (

    select
        stats.week_start || ':' || stats.theme_key as week_theme_key,
        stats.week_start,
        stats.theme_key,
        stats.theme_label,
        stats.items,
        stats.accounts_affected,
        coalesce(arr.arr_affected, 0) as arr_affected,
        stats.negative_share,
        quotes.redacted_text as quote_text,
        row_number() over (
            partition by stats.week_start
            order by stats.items desc, coalesce(arr.arr_affected, 0) desc, stats.theme_key asc
        ) as theme_rank
    from stats
    left join arr
        on
            stats.week_start = arr.week_start
            and stats.theme_key = arr.theme_key
    left join quotes
        on
            stats.week_start = quotes.week_start
            and stats.theme_key = quotes.theme_key

)

select * from final
