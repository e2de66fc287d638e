{#- The weekly report's praise quotes: per ISO week (Monday, UTC), each account's warmest
    quotable praise item, ranked warmest first (quote_rank). -#}
with

praise as (

    select
        *,
        date_trunc('week', received_at)::date as week_start
    from {{ ref('fct_feedback') }}
    where
        list_contains(intents, 'praise')
        and account_id is not null
        -- shorter texts ("Great!") say little as a quote
        and length(trim(redacted_text)) >= 20

),

best_per_account as (

    select *
    from praise
    qualify
        row_number() over (
            partition by week_start, account_id
            order by sentiment_score desc, item_id asc
        ) = 1

),

final as (

    select
        week_start || ':' || item_id as week_item_key,
        week_start,
        item_id,
        account_id,
        account_name,
        tier,
        redacted_text,
        row_number() over (
            partition by week_start
            order by sentiment_score desc, arr desc nulls last, item_id asc
        ) as quote_rank
    from best_per_account

)

select * from final
