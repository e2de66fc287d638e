{#- For the closed loop: the customers' own items that asked for something (an intent in var
    closed_loop_request_intents), from a source they wrote in themselves, with an address to
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
        intents,
        feedback_text
    from feedback
    where
        list_has_any(intents, {{ var('closed_loop_request_intents') }})
        and source in ('nps', 'ticket', 'widget')
        and contact_email is not null
        and coalesce(trim(feedback_text), '') <> ''

)

select * from final
