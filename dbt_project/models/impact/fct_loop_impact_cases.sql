{#- One row per case: a customer (contact email, matched to an account) who gave feedback of one
    kind (the item's intent) in one month, through a channel the loop answers (NPS, ticket,
    widget). What the loop did about it and what followed it:
    - told: a closed-loop or declined note about one of the case's items was sent
      (fct_feedback_stages' closed_loop stage); the follow-up starts then, else at the case's
      last item;
    - acknowledged fast: its first item acknowledged within var impact_fast_ack_hours;
    - the next NPS answer from the same person after the follow-up start, within
      var impact_followup_days; was the person a detractor going in (their last NPS answer
      before the case's last item), and are they no longer one;
    - the account's first renewal after the follow-up start (stg_crm__renewals), within
      var impact_renewal_days, and the ARR it kept.
    An outcome whose window has not closed by as_of and has not happened is null, not "no".
    A case left untold whose person was told about another kind of feedback the same month
    is not a comparison case (is_comparable false): the message reached them all the same. -#}
with

feedback as (

    select * from {{ ref('fct_feedback') }}

),

stages as (

    select * from {{ ref('fct_feedback_stages') }}
    where stage = 'closed_loop'

),

renewals as (

    select * from {{ ref('stg_crm__renewals') }}
    where renewed_on < {{ as_of() }}

),

items as (

    select
        feedback.item_id,
        feedback.contact_email,
        feedback.account_id,
        feedback.tier,
        coalesce(feedback.intent, 'untagged') as feedback_kind,
        date_trunc('month', feedback.received_at)::date as feedback_month,
        feedback.received_at,
        feedback.acknowledged_at,
        feedback.hours_to_ack,
        stages.entered_at as closed_loop_at
    from feedback
    left join stages
        on feedback.item_id = stages.item_id
    where
        feedback.source in ('nps', 'ticket', 'widget')
        and feedback.contact_email is not null
        and feedback.account_id is not null

),

cases as (

    select
        md5(contact_email || '|' || feedback_month || '|' || feedback_kind) as case_id,
        contact_email,
        -- the account of the person's latest item: one case even if they moved within the month
        arg_max(account_id, received_at) as account_id,
        coalesce(arg_max(tier, received_at), 'unknown') as tier,
        feedback_kind,
        feedback_month,
        count(*) as items,
        min(received_at) as first_received_at,
        max(received_at) as last_received_at,
        min(closed_loop_at) as closed_loop_at,
        arg_min_null(acknowledged_at, received_at) as first_item_acknowledged_at,
        arg_min_null(hours_to_ack, received_at) as hours_to_ack
    from items
    group by contact_email, feedback_kind, feedback_month

),

told_months as (

    select distinct
        contact_email,
        feedback_month
    from cases
    where closed_loop_at is not null

),

nps_answers as (

    select
        contact_email,
        received_at as responded_at,
        nps_score,
        nps_category
    from feedback
    where source = 'nps' and nps_score is not null and contact_email is not null

),

followed as (

    select
        cases.*,
        cases.closed_loop_at is not null as is_closed_loop,
        cases.closed_loop_at is not null or told_months.contact_email is null as is_comparable,
        coalesce(cases.closed_loop_at, cases.last_received_at) as followed_from
    from cases
    left join told_months
        on
            cases.contact_email = told_months.contact_email
            and cases.feedback_month = told_months.feedback_month

),

before_answers as (

    -- the person's NPS category going in: their last answer up to the case's last item
    select
        followed.case_id,
        arg_max(nps_answers.nps_category, nps_answers.responded_at) as prior_nps_category
    from followed
    inner join nps_answers
        on
            followed.contact_email = nps_answers.contact_email
            and followed.last_received_at >= nps_answers.responded_at
    group by followed.case_id

),

next_answers as (

    select
        followed.case_id,
        min(nps_answers.responded_at) as next_responded_at,
        arg_min(nps_answers.nps_score, nps_answers.responded_at) as next_nps_score,
        arg_min(nps_answers.nps_category, nps_answers.responded_at) as next_nps_category
    from followed
    inner join nps_answers
        on
            followed.contact_email = nps_answers.contact_email
            and followed.followed_from < nps_answers.responded_at
            and nps_answers.responded_at
            <= followed.followed_from + to_days({{ var('impact_followup_days') }})
    group by followed.case_id

),

next_renewals as (

    select
        followed.case_id,
        min(renewals.renewed_on) as renewed_on,
        arg_min(renewals.renewal_outcome, renewals.renewed_on) as renewal_outcome,
        arg_min(renewals.arr_before_renewal, renewals.renewed_on) as arr_before_renewal,
        arg_min(renewals.arr_after_renewal, renewals.renewed_on) as arr_after_renewal
    from followed
    inner join renewals
        on
            followed.account_id = renewals.account_id
            and renewals.renewed_on > followed.followed_from::date
            and renewals.renewed_on
            <= followed.followed_from::date + to_days({{ var('impact_renewal_days') }})
    group by followed.case_id

),

account_cases as (

    -- one case per account and month answers the renewal question: the told one if any (the
    -- first told), else the one with the latest item, then the first id. One aggregate per
    -- account and month: numbering the cases sorted each group (1.7 of 5.3 s of the model's
    -- operators at a million items).
    select
        account_id,
        feedback_month,
        arg_min(
            case_id,
            {
                'untold': closed_loop_at is null,
                'told_at': coalesce(epoch_us(closed_loop_at), 0),
                'no_last_item': last_received_at is null,
                'newest_first': coalesce(-epoch_us(last_received_at), 0),
                'case_id': case_id
            }
        ) as account_case_id
    from followed
    group by account_id, feedback_month

),

joined as (

    select
        followed.*,
        before_answers.prior_nps_category,
        next_answers.next_responded_at,
        next_answers.next_nps_score,
        next_answers.next_nps_category,
        next_renewals.renewed_on,
        next_renewals.renewal_outcome,
        next_renewals.arr_before_renewal,
        next_renewals.arr_after_renewal,
        followed.followed_from + to_days({{ var('impact_followup_days') }})
        <= {{ as_of() }} as is_survey_window_closed,
        followed.case_id = account_cases.account_case_id as is_account_case
    from followed
    left join before_answers on followed.case_id = before_answers.case_id
    left join next_answers on followed.case_id = next_answers.case_id
    left join next_renewals on followed.case_id = next_renewals.case_id
    left join account_cases
        on
            followed.account_id is not distinct from account_cases.account_id
            and followed.feedback_month is not distinct from account_cases.feedback_month

),

final as (

    select
        case_id,
        contact_email,
        account_id,
        tier,
        feedback_kind,
        feedback_month,
        items,
        first_received_at,
        last_received_at,
        is_closed_loop,
        closed_loop_at,
        first_item_acknowledged_at,
        hours_to_ack,
        coalesce(hours_to_ack <= {{ var('impact_fast_ack_hours') }}, false) as is_fast_ack,
        is_comparable,
        followed_from,
        prior_nps_category,
        prior_nps_category = 'detractor' as was_detractor,
        next_responded_at,
        next_nps_score,
        next_nps_category,
        case
            when next_responded_at is not null then true
            when is_survey_window_closed then false
        end as has_next_response,
        case
            when prior_nps_category = 'detractor' and next_nps_category is not null
                then next_nps_category in ('passive', 'promoter')
        end as is_detractor_recovered,
        is_account_case,
        renewed_on,
        renewal_outcome,
        case when renewal_outcome is not null then renewal_outcome = 'renewed' end
            as is_renewed,
        arr_before_renewal,
        arr_after_renewal,
        case
            when arr_before_renewal > 0
                then arr_after_renewal::double / arr_before_renewal::double
        end as arr_retained_share
    from joined

)

select * from final
