{#- The four feedback sources in one shape, before account matching. Notes carry no contact: it
    is the account's primary contact, filled in once the account is known. -#}
with

nps_responses as (

    select * from {{ ref('stg_nps__responses') }}

),

tickets as (

    select * from {{ ref('stg_zendesk__tickets') }}

),

widget_events as (

    select * from {{ ref('stg_widget__events') }}

),

note_items as (

    select * from {{ ref('stg_notes__items') }}

),

nps_items as (

    select
        'nps:' || response_id as item_id,
        'nps' as source,
        response_id as source_record_id,
        responded_at as received_at,
        comment as feedback_text,
        respondent_email as contact_email,
        null::varchar as contact_name,
        null::varchar as explicit_account_id,
        score as nps_score,
        null::varchar as csat_rating,
        null::varchar as csat_comment,
        null::varchar as ticket_status,
        null::varchar as ticket_priority,
        null::varchar as note_type,
        ces_score,
        csat_score,
        null::boolean as is_csat_offered,
        loaded_at
    from nps_responses
    -- a response without a score is not an NPS answer
    where score is not null

),

ticket_items as (

    select
        'ticket:' || ticket_id as item_id,
        'ticket' as source,
        ticket_id as source_record_id,
        created_at as received_at,
        nullif(concat_ws(chr(10) || chr(10), subject, description), '') as feedback_text,
        requester_email as contact_email,
        requester_name as contact_name,
        null::varchar as explicit_account_id,
        null::integer as nps_score,
        csat_rating,
        csat_comment,
        status as ticket_status,
        priority as ticket_priority,
        null::varchar as note_type,
        null::integer as ces_score,
        null::integer as csat_score,
        is_csat_offered,
        loaded_at
    from tickets

),

widget_items as (

    select
        'widget:' || event_id as item_id,
        'widget' as source,
        event_id as source_record_id,
        created_at as received_at,
        message as feedback_text,
        user_email as contact_email,
        user_name as contact_name,
        account_id as explicit_account_id,
        null::integer as nps_score,
        null::varchar as csat_rating,
        null::varchar as csat_comment,
        null::varchar as ticket_status,
        null::varchar as ticket_priority,
        null::varchar as note_type,
        null::integer as ces_score,
        null::integer as csat_score,
        null::boolean as is_csat_offered,
        loaded_at
    from widget_events
    -- other webhook events (widget opened, closed) carry no feedback
    where message is not null

),

note_feedback_items as (

    select
        'note:' || note_item_id as item_id,
        'note' as source,
        note_item_id as source_record_id,
        note_date::timestamp as received_at,
        item_text as feedback_text,
        null::varchar as contact_email,
        null::varchar as contact_name,
        account_id as explicit_account_id,
        null::integer as nps_score,
        null::varchar as csat_rating,
        null::varchar as csat_comment,
        null::varchar as ticket_status,
        null::varchar as ticket_priority,
        note_type,
        null::integer as ces_score,
        null::integer as csat_score,
        null::boolean as is_csat_offered,
        loaded_at
    from note_items
    where item_text is not null

),

final as (

    select * from nps_items
    union all
    select * from ticket_items
    union all
    select * from widget_items
    union all
    select * from note_feedback_items

)

select * from final
