{#- For the escalation step: the items of the current window (var theme_current_window_days)
    of each theme product could still be asked about - the evidence its document quotes. -#}
with

themes as (

    select * from {{ ref('dim_themes') }}
    where
        not is_praise
        and coalesce(roadmap_status, '') not in ('shipped', 'declined')

),

feedback as (

    select * from {{ ref('fct_feedback') }}
    where received_at >= {{ as_of() }} - interval {{ var('theme_current_window_days') }} day

),

final as (

    select
        feedback.item_id,
        feedback.theme_key,
        feedback.received_at
    from feedback
    inner join themes
        on feedback.theme_key = themes.theme_key

)

select * from final
