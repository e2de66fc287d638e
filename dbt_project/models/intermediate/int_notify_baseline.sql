{{ config(materialized='table') }}

{#- What notify's writes looked like when the night's first marts build ran
    (macro notify_fingerprints). Built by that build and left alone by the build after notify
    (selector marts_after_notify excludes it), which compares the ops tables with it to find the
    items notify touched (int_notify_changed_items). -#}
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
