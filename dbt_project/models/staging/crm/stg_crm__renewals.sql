{#- One row per account renewal a CRM export has shown: its outcome, the date it was decided,
    the ARR after it and the ARR the account had before it. Each export carries only the
    account's last renewal, so the renewals are read from every version raw keeps, not only
    the latest: a later export's newer renewal must not hide the one before. -#}
with

source as (

    select * from {{ source('crm', 'accounts') }}
    where {{ clean_text('account_id') }} is not null

),

versions as (

    -- every export row of an account in load order, with the ARR of the version before it:
    -- the ARR the account had going into a renewal the next version reports
    select
        trim(account_id) as account_id,
        lower(trim(renewal_outcome)) as renewal_outcome,
        try_cast(trim(renewal_outcome_date) as date) as renewed_on,
        try_cast(replace(trim(arr_after_renewal), ',', '') as decimal(14, 2))
            as arr_after_renewal,
        _loaded_at,
        _file,
        _record,
        lag(try_cast(replace(trim(arr), ',', '') as decimal(14, 2))) over (
            partition by trim(account_id)
            order by _loaded_at, _file, _record
        ) as arr_of_previous_version
    from source

),

reported as (

    select * from versions
    where renewal_outcome is not null and renewed_on is not null

),

per_renewal as (

    -- a renewal repeated by later exports is one renewal: the latest export's outcome and ARR
    -- win (a correction), the ARR before is the one going into its first report
    select
        account_id,
        renewed_on,
        arg_max(
            renewal_outcome, {{ latest_first(['_loaded_at', '_file', '_record']) }}
        ) as renewal_outcome,
        arg_max(
            arr_after_renewal, {{ latest_first(['_loaded_at', '_file', '_record']) }}
        ) as arr_after_renewal,
        -- arg_min_null: a first report with no version before it gives no ARR before, not a
        -- later report's
        arg_min_null(arr_of_previous_version, (_loaded_at, _file, _record))
            as arr_before_renewal,
        min(_loaded_at) as first_reported_at
    from reported
    group by account_id, renewed_on

),

final as (

    select
        account_id || ':' || strftime(renewed_on, '%Y-%m-%d') as account_renewal_id,
        account_id,
        renewed_on,
        renewal_outcome,
        arr_before_renewal,
        arr_after_renewal,
        first_reported_at
    from per_renewal

)

select * from final
