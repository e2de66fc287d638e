{{ config(materialized='table') }}

{#- The items whose rows the night's notify step can have changed, for the build after notify
    (dbt_project/macros/after_notify.sql): items a message written, sent or changed since the
    first build answers, and every item of a theme escalated since; emptied once the pass is done
    (macro settle_notify_pass). Empty in any other build, where nothing reads it. -#}
with

baseline as (

    select * from {{ ref('int_notify_baseline') }}

),

message_items as (

    select * from {{ ref('int_message_items') }}

),

escalations as (

    select * from {{ ref('stg_loopkeeper__escalations') }}

),

items as (

    select * from {{ ref('int_feedback_items_tagged') }}

),

current_state as (

    {{ notify_fingerprints('message_items', 'escalations') }}

),

changed as (

    (
        select * from current_state
        except all
        select * from baseline
    )
    union all
    (
        select * from baseline
        except all
        select * from current_state
    )

),

final as (

    select changed.item_id from changed
    where changed.item_id is not null
    union
    select items.item_id
    from items
    inner join changed
        on items.theme_key = changed.theme_key

)

select * from final
where {{ in_notify_pass() }}
