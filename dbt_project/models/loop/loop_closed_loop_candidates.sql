{#- For the closed loop: the customers' own items that asked for something (one of their intents
    in var closed_loop_request_intents), from a source they wrote in themselves, with an address to
    answer. flows/loop/closed_loop.py scores their sentences by meaning against each roadmap item
    that shipped or was declined, and tells those whose sentence asking for something (read alone,
    with the same intents: loop_request_intents) asked for it. The words stay in fct_feedback,
    where the step reads them: a copy here was 400,000 texts written again every night at a
    million items. -#}
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
        intents
    from feedback
    where
        -- any of its intents: praise that ends in a wish asks for something too; which sentence
        -- asked is the step's reading, so the praise itself is never taken for the request
        list_has_any(intents, {{ var('closed_loop_request_intents') }})
        and source in ('nps', 'ticket', 'widget')
        and contact_email is not null
        and coalesce(trim(feedback_text), '') <> ''

)

select * from final
