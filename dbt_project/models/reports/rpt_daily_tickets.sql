{#- Support tickets per day received (UTC): the weekly report's ticket chart. -#}
with

tickets as (

    select * from {{ ref('fct_feedback') }}
    where source = 'ticket'

),

final as (

    select
        received_at::date as received_date,
        count(*) as tickets
    from tickets
    group by received_at::date

)

select * from final
