with

source as (

    select * from {{ source('nps', 'responses') }}

),

latest as (

    select * from source
    where {{ clean_text('response_id') }} is not null
    qualify
        row_number() over (
            partition by trim(response_id)
            order by _loaded_at desc, _file desc, _record desc
        ) = 1

),

final as (

    select
        trim(response_id) as response_id,
        {{ clean_email('email') }} as respondent_email,
        try_cast(trim(score) as integer) as score,
        {{ clean_text('comment') }} as comment,
        {{ to_utc_timestamp('responded_at') }} as responded_at,
        {{ clean_text('survey_id') }} as survey_id,
        try_cast(trim(ces_score) as integer) as ces_score,
        try_cast(trim(csat_score) as integer) as csat_score,
        _loaded_at as loaded_at
    from latest

)

select * from final
