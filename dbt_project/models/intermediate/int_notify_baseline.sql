{{ config(materialized='table') }}

{#- What notify's writes looked like when the night's first marts build ran
    (macro notify_fingerprints). Built by that build; the build after notify (selector
    marts_after_notify excludes this model) compares the ops tables with it to find the items
    notify touched (int_notify_changed_items), then takes it again in fct_feedback's post-hook
    (macro settle_notify_pass). -#}
with

message_items as (

    select * from {{ ref('int_message_items') }}

),

escalations as (

    select * from {{ ref('stg_loopkeeper__escalations') }}

),

final as (

    {{ notify_fingerprints('message_items', 'escalations') }}

)

select * from final
