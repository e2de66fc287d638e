{#- For the closed loop: the customers' own items that asked for something (their main intent
    in var closed_loop_request_intents), from a source they wrote in themselves, with an address to
    answer. flows/loop/closed_loop.py scores them by meaning against each roadmap item that
    shipped or was declined, and tells those whose items asked for it. -#}
with

feedback as (

    select * from {{ ref('fct_feedback') }}

),

final as (

    select
        item_id,
        account_id,
        source,
        received_at,
        intent,
        intents,
        feedback_text
    from feedback
    where
        -- the item's main intent: a bug report that also wishes for something is a bug report
        list_contains({{ var('closed_loop_request_intents') }}, intent)
        and source in ('nps', 'ticket', 'widget')
        and contact_email is not null
        and coalesce(trim(feedback_text), '') <> ''

)

select * from final
