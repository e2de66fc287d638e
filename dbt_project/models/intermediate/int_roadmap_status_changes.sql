{#- One row per status a roadmap item entered, read from the versions raw keeps, visible at
    as_of. When a status was entered: shipped at its shipped_at (else when the version showing
    it was loaded); the first status seen at the item's created_at, since the export carries no
    earlier history; any later change when the version showing it was loaded. -#}
with

versions as (

    select * from {{ ref('stg_roadmap__item_versions') }}
    where status is not null

),

ordered as (

    select
        *,
        lag(status) over item_history as previous_status,
        row_number() over item_history as version_number
    from versions
    window item_history as (
        partition by roadmap_item_id
        order by loaded_at, loaded_from_file, loaded_from_record
    )

),

changes as (

    select
        roadmap_item_version_id as roadmap_status_change_id,
        roadmap_item_id,
        status,
        previous_status,
        effort,
        case
            when status = 'shipped' then coalesce(shipped_at, loaded_at)
            when version_number = 1 then coalesce(created_at, loaded_at)
            else loaded_at
        end as entered_at,
        loaded_at
    from ordered
    where previous_status is distinct from status

),

final as (

    select * from changes
    where entered_at < {{ as_of() }}

)

select * from final
