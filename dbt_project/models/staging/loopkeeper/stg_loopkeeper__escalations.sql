with

source as (

    select * from {{ source('ops', 'escalations') }}

),

final as (

    select
        theme_key,
        theme_label,
        escalated_at,
        document_path,
        accounts as escalated_accounts,
        arr as escalated_arr,
        reasons,
        run_date
    from source

)

select * from final
