{{
    config(
        materialized='incremental',
        unique_key='item_id',
        incremental_strategy='delete+insert',
        on_schema_change='fail',
        post_hook="delete from {{ this }} where item_id not in (select visible.item_id from {{ ref('int_feedback_items_unioned') }} as visible where visible.received_at < {{ as_of() }})"
    )
}}

{#- One row per feedback item visible at as_of, matched to its account. A table, because the
    tagger reads it between the stage and marts steps; incremental, because it carries every
    item's text: a night rebuilds only the items that can have changed since the last build -
    a source row loaded after the last build's latest load (a run's loads come after every
    load before it, flows.sources.loader.load_time), an item the clock made visible, an item
    whose account or matching candidates changed, an item back at an earlier version (its kept
    one set aside) - and the post-hook drops items no longer visible (a backfill of an earlier
    night, or a new version that is no feedback any more), so the rows always equal a full
    rebuild (tests/dbt/test_incremental.py). -#}
with

accounts as (

    select * from {{ ref('stg_crm__accounts') }}

),

-- accounts loaded after the last build's latest load (new, or a new version); every account
-- on a full build
changed_accounts as (

    select * from accounts
    {% if is_incremental() %}
        where
            loaded_at > (
                select coalesce(max(kept.loaded_at), '-infinity'::timestamp)
                from {{ this }} as kept
            )
    {% endif %}

),

-- a night's items: those loaded after the last build's latest load, those the clock made
-- visible since, those a changed account matched, and those it may match now (by the id a
-- source states, a contact email, a domain)
items as (

    select * from {{ ref('int_feedback_items_unioned') }}
    where
        received_at < {{ as_of() }}
        {% if is_incremental() %}
            and (
                loaded_at > (
                    select coalesce(max(kept.loaded_at), '-infinity'::timestamp)
                    from {{ this }} as kept
                )
                or received_at >= (
                    select coalesce(max(kept.received_at), '-infinity'::timestamp)
                    from {{ this }} as kept
                )
                or item_id in (
                    select kept.item_id from {{ this }} as kept
                    where kept.account_id in (select c.account_id from changed_accounts as c)
                )
                or explicit_account_id in (select c.account_id from changed_accounts as c)
                or contact_email in (select c.contact_email from changed_accounts as c)
                or split_part(contact_email, '@', 2)
                in (select c.account_domain from changed_accounts as c)
                -- an item whose kept version was set aside by hand: an earlier one is back
                or item_id in (
                    select kept.item_id from {{ this }} as kept
                    inner join {{ ref('int_feedback_items_unioned') }} as visible
                        on
                            kept.item_id = visible.item_id
                            and kept.loaded_at <> visible.loaded_at
                )
            )
        {% endif %}

),

-- several accounts may share a contact email or a domain: the lowest account_id wins, so a
-- rebuild matches the same way
contact_email_matches as (

    select
        contact_email,
        min(account_id) as account_id
    from accounts
    where contact_email is not null
    group by contact_email

),

domain_matches as (

    select
        account_domain,
        min(account_id) as account_id
    from accounts
    where account_domain is not null
    group by account_domain

),

matched as (

    select
        items.*,
        case
            when by_account_id.account_id is not null then by_account_id.account_id
            when contact_email_matches.account_id is not null
                then contact_email_matches.account_id
            else domain_matches.account_id
        end as account_id,
        case
            when by_account_id.account_id is not null then 'account_id'
            when contact_email_matches.account_id is not null then 'contact_email'
            when domain_matches.account_id is not null then 'email_domain'
            else 'none'
        end as account_match_method
    from items
    left join accounts as by_account_id
        on items.explicit_account_id = by_account_id.account_id
    left join contact_email_matches
        on items.contact_email = contact_email_matches.contact_email
    left join domain_matches
        on split_part(items.contact_email, '@', 2) = domain_matches.account_domain

),

final as (

    select
        matched.item_id,
        matched.source,
        matched.source_record_id,
        matched.received_at,
        matched.feedback_text,
        case
            when matched.source = 'note' then accounts.contact_email
            else matched.contact_email
        end as contact_email,
        case
            when matched.source = 'note' then accounts.contact_name
            else matched.contact_name
        end as contact_name,
        matched.account_id,
        accounts.account_name,
        accounts.tier,
        accounts.arr,
        accounts.renewal_date,
        accounts.csm_name,
        accounts.csm_email,
        matched.account_id is not null as is_account_matched,
        matched.account_match_method,
        matched.nps_score,
        matched.csat_rating,
        matched.csat_comment,
        matched.ticket_status,
        matched.ticket_priority,
        matched.note_type,
        matched.ces_score,
        matched.csat_score,
        matched.is_csat_offered,
        matched.loaded_at
    from matched
    left join accounts
        on matched.account_id = accounts.account_id

)

select * from final
