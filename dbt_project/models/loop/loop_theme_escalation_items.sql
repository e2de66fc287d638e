{#- For the escalation step: the items of the current window (var theme_current_window_days)
    of each theme product could still be asked about (dim_themes.is_for_product, its roadmap
    item neither shipped nor declined) - the evidence its document quotes. -#}
with

themes as (

    select * from {{ ref('dim_themes') }}
    where
        is_for_product
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
