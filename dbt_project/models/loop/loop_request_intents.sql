{#- The intents that ask for something a roadmap item can deliver (var
    closed_loop_request_intents), one per row: the closed loop reads each customer sentence with
    the tagger and counts it as asking when it carries one of these. -#}
with

final as (

    select unnest({{ var('closed_loop_request_intents') }}) as intent

)

select * from final
