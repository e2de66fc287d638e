{{ config(materialized='table') }}

{#- One row per matched feedback item that can be evidence of an at-risk signal at as_of, with
    which signal it is evidence of: the items of the last 90 days (the longest window a signal
    reads) and each account's latest NPS answer, however old. int_account_risk_signals counts
    these flags into the signals, and the at-risk alert quotes the same items, so what an alert
    quotes is what raised its flag. An older item raises no flag, so it has no row: the table is
    rebuilt every build (its flags move with the clock), and a year of history made it four
    times the rows to write, test and read for the same signals. It is a table so that its data
    tests, the signals and the alert's evidence read it once instead of recomputing a view over
    every item each. -#}
with

items as (

    select * from {{ ref('int_feedback_items_tagged') }}
    where account_id is not null

),

handed_off_items as (

    -- a hand-off counts, sent or not (the item was escalated to a human), from the night after
    -- the one that queued it: that night judged at-risk before queueing it, and a re-run of the
    -- night judges as it did
    select distinct item_id
    from {{ ref('int_message_items') }}
    where
        kind = 'handoff'
        and {{ done_before_night('created_at') }}

),

latest_nps as (

    -- each account's latest NPS answer, the last item_id breaking a tie: one aggregate, where a
    -- row_number() sorted every account's items (the model's query 0.9 s -> 0.3 s at a million)
    select arg_max(item_id, (received_at, item_id)) as item_id
    from items
    where source = 'nps'
    group by account_id

),

windows as (

    select
        items.item_id,
        items.account_id,
        items.received_at,
        items.source,
        items.nps_score,
        items.competitors,
        items.is_csat_satisfied,
        coalesce(items.has_churn_or_competitor_mention, false)
            as has_churn_or_competitor_mention,
        items.severity = 'critical' or handed_off_items.item_id is not null as is_escalated,
        items.received_at >= {{ as_of() }} - interval 30 day as is_in_last_30d,
        items.received_at >= {{ as_of() }} - interval 60 day
        and items.received_at < {{ as_of() }} - interval 30 day as is_in_prior_30d,
        items.received_at >= {{ as_of() }} - interval 90 day as is_in_last_90d,
        latest_nps.item_id is not null as is_latest_nps
    from items
    left join handed_off_items
        on items.item_id = handed_off_items.item_id
    left join latest_nps
        on items.item_id = latest_nps.item_id

),

final as (

    select
        item_id,
        account_id,
        received_at,
        source,
        nps_score,
        coalesce(competitors, []) as competitors,
        is_csat_satisfied,
        is_in_last_30d,
        is_in_prior_30d,
        is_latest_nps,
        is_in_last_30d and is_escalated as is_escalation_30d,
        is_in_last_90d and has_churn_or_competitor_mention
            as is_churn_or_competitor_mention_90d,
        coalesce(is_in_last_30d and not is_csat_satisfied, false) as is_csat_unsatisfied_30d,
        coalesce(is_latest_nps and nps_score <= 6, false) as is_detractor_response
    from windows
    -- every flag above reads one of these two
    where is_in_last_90d or is_latest_nps

)

select * from final
