{#- For the stale digest: each account's customers waiting on product - a theme escalated
    before the night that product has not answered - one row per account, theme and answer
    due date (the product-response SLA can differ by the items' policy). A theme
    escalated by this night's own run (dated as_of) has not had a day yet. -#}
with

feedback as (

    select * from {{ ref('fct_feedback') }}
    where
        account_id is not null
        and theme_escalated_at < {{ as_of() }}
        and product_responded_at is null

),

final as (

    select distinct
        account_id || '|' || theme_key || '|' || coalesce(
            product_response_due_at::date::varchar, ''
        ) as waiting_id,
        account_id,
        theme_key,
        coalesce(csm_name, '') as csm_name,
        coalesce(csm_email, '') as csm_email,
        account_name,
        coalesce(tier, '') as tier,
        arr,
        theme_label,
        theme_escalated_at::date as escalated_on,
        product_response_due_at::date as answer_due
    from feedback

)

select * from final
