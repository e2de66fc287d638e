{#- One row per theme with at least one visible tagged item: its label, reach, linked roadmap
    item and its status at as_of, escalation, and the current view's priority. -#}
with

feedback as (

    select * from {{ ref('fct_feedback') }}
    where theme_key is not null

),

primary_links as (

    select * from {{ ref('int_roadmap_theme_links') }}
    where is_primary

),

roadmap_items as (

    select * from {{ ref('stg_roadmap__items') }}

),

roadmap_statuses as (

    select
        roadmap_item_id,
        status as roadmap_status,
        entered_at as roadmap_status_entered_at
    from {{ ref('int_roadmap_status_changes') }}
    qualify
        row_number() over (
            partition by roadmap_item_id
            order by entered_at desc, loaded_at desc
        ) = 1

),

escalations as (

    select * replace ({{ night_clock('escalated_at') }} as escalated_at)
    from {{ ref('stg_loopkeeper__escalations') }}
    where {{ done_by_night('escalated_at') }}

),

current_impact as (

    select * from {{ ref('fct_theme_impact') }}
    where period_type = 'current'

),

themes as (

    select
        theme_key,
        arg_max(theme_label, received_at) as theme_label,
        mode(product_area) as product_area,
        min(received_at) as first_received_at,
        max(received_at) as last_received_at,
        count(*) as items,
        count(distinct account_id) as accounts_affected,
        count(distinct source) as sources,
        count(*) filter (
            where list_has_any(intents, {{ var('actionable_intents') }})
        ) as actionable_items
    from feedback
    group by theme_key

),

final as (

    select
        themes.theme_key,
        themes.theme_label,
        themes.product_area,
        -- Keys are `<area>.<kind>...` since tagger 0.4 (kind: the theme's intent); a 0.3 key
        -- ended in `.praise`.
        split_part(themes.theme_key, '.', 2) = 'praise'
        or themes.theme_key like '%.praise' as is_praise,
        -- The one rule of what product is asked about (the escalation models read it): a
        -- theme most of whose items report a problem or ask for something (var
        -- actionable_intents). Praise, thanks and general remarks ("Other: general feedback")
        -- never are, whatever their reach.
        not is_praise and themes.actionable_items * 2 > themes.items as is_for_product,
        themes.first_received_at,
        themes.last_received_at,
        themes.items,
        themes.accounts_affected,
        themes.sources,
        themes.actionable_items,
        primary_links.roadmap_item_id,
        roadmap_items.title as roadmap_item_title,
        primary_links.match_method as roadmap_link_method,
        primary_links.matched_keyword as roadmap_link_keyword,
        roadmap_statuses.roadmap_status,
        roadmap_statuses.roadmap_status_entered_at,
        roadmap_items.effort as roadmap_effort,
        escalations.theme_key is not null as is_escalated,
        escalations.escalated_at,
        current_impact.items as current_items,
        current_impact.arr_affected as current_arr_affected,
        current_impact.trend as current_trend,
        current_impact.priority_score as current_priority_score,
        current_impact.priority_rank as current_priority_rank
    from themes
    left join primary_links
        on themes.theme_key = primary_links.theme_key
    left join roadmap_items
        on primary_links.roadmap_item_id = roadmap_items.roadmap_item_id
    left join roadmap_statuses
        on primary_links.roadmap_item_id = roadmap_statuses.roadmap_item_id
    left join escalations
        on themes.theme_key = escalations.theme_key
    left join current_impact
        on themes.theme_key = current_impact.theme_key

)

select * from final
