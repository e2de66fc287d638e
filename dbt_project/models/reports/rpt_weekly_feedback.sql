{#- The weekly report's volumes: one row per ISO week (Monday, UTC) items were received in -
    all items, bug reports, praise and support tickets. -#}
with

feedback as (

    select
        *,
        date_trunc('week', received_at)::date as week_start
    from {{ ref('fct_feedback') }}

),

bug_accounts as (

    -- ARR counts once per account, however many bugs it reported
    select distinct
        week_start,
        account_id,
        arr
    from feedback
    where list_contains(intents, 'bug') and account_id is not null

),

bug_arr as (

    select
        week_start,
        sum(arr) as bug_arr_affected
    from bug_accounts
    group by week_start

),

counted as (

    select
        week_start,
        count(*) as items,
        count(*) filter (where list_contains(intents, 'bug')) as bug_items,
        count(*) filter (
            where list_contains(intents, 'bug') and source = 'ticket'
        ) as bug_tickets,
        count(distinct account_id) filter (
            where list_contains(intents, 'bug')
        ) as bug_customers,
        count(*) filter (
            where list_contains(intents, 'bug') and severity in ('critical', 'high')
        ) as bug_critical_or_high,
        count(*) filter (where list_contains(intents, 'praise')) as praise_items,
        count(distinct account_id) filter (
            where list_contains(intents, 'praise')
        ) as praise_accounts,
        count(*) filter (where source = 'ticket') as tickets,
        count(*) filter (
            where source = 'ticket' and ticket_priority in ('urgent', 'high')
        ) as tickets_urgent_or_high,
        count(*) filter (
            where source = 'ticket' and sentiment = 'negative'
        ) as tickets_negative,
        count(*) filter (
            where source = 'ticket' and csat_rating = 'good'
        ) as tickets_csat_good,
        count(*) filter (
            where source = 'ticket' and csat_rating = 'bad'
        ) as tickets_csat_bad
    from feedback
    group by week_start

),

final as (

    select
        counted.*,
        coalesce(bug_arr.bug_arr_affected, 0) as bug_arr_affected
    from counted
    left join bug_arr
        on counted.week_start = bug_arr.week_start

)

select * from final
