{#- For the stale digest: accounts renewing within var renewal_watch_days of the night with
    open items (fct_feedback.is_open) received in the last var open_item_days. -#}
with

accounts as (

    select * from {{ ref('dim_accounts') }}
    where days_to_renewal between 0 and {{ var('renewal_watch_days') }}

),

open_items as (

    select * from {{ ref('fct_feedback') }}
    where
        is_open
        and received_at >= {{ as_of() }} - interval {{ var('open_item_days') }} day

),

final as (

    select
        accounts.account_id,
        coalesce(accounts.csm_name, '') as csm_name,
        coalesce(accounts.csm_email, '') as csm_email,
        accounts.account_name,
        coalesce(accounts.tier, '') as tier,
        accounts.arr,
        accounts.renewal_date,
        count(*) as open_items
    from accounts
    inner join open_items
        on accounts.account_id = open_items.account_id
    group by
        accounts.account_id,
        accounts.csm_name,
        accounts.csm_email,
        accounts.account_name,
        accounts.tier,
        accounts.arr,
        accounts.renewal_date

)

select * from final
