with

source as (

    select
        *,
        rowid as raw_row_id  -- the latest version of a row is picked by it
    from {{ source('crm', 'accounts') }}

),

latest_row_ids as (

    -- an account re-exported with changes lands once per version: the latest load wins
    select
        arg_max(
            rowid,
            {{ latest_first(['_loaded_at', '_file', '_record']) }}
        ) as raw_row_id
    from {{ source('crm', 'accounts') }}
    where {{ clean_text('account_id') }} is not null
    group by trim(account_id)

),

latest as (

    select * from source
    where raw_row_id in (select raw_row_id from latest_row_ids)  -- noqa: RF02

),

renamed as (

    select
        trim(account_id) as account_id,
        {{ clean_text('account_name') }} as account_name,
        {{ clean_text('website') }} as website,
        case lower(regexp_replace(trim(tier), '[\s_-]+', '', 'g'))
            when 'enterprise' then 'Enterprise'
            when 'midmarket' then 'Mid-Market'
            when 'smb' then 'SMB'
            else {{ clean_text('tier') }}
        end as tier,
        try_cast(replace(trim(arr), ',', '') as decimal(14, 2)) as arr,
        try_cast(trim(renewal_date) as date) as renewal_date,
        {{ clean_text('csm_name') }} as csm_name,
        {{ clean_email('csm_email') }} as csm_email,
        {{ clean_text('contact_name') }} as contact_name,
        {{ clean_email('contact_email') }} as contact_email,
        _loaded_at as loaded_at,
        nullif(
            regexp_replace(
                regexp_replace(lower(trim(website)), '^[a-z][a-z0-9+.-]*://', ''),
                '^www\.|[:/?#].*$',
                '',
                'g'
            ),
            ''
        ) as account_domain

    from latest

),

final as (

    select
        account_id,
        account_name,
        website,
        account_domain,
        tier,
        arr,
        renewal_date,
        csm_name,
        csm_email,
        contact_name,
        contact_email,
        loaded_at
    from renamed

)

select * from final
