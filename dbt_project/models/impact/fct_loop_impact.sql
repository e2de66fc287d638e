{#- What the loop returned: for each comparison and outcome, the cases that got the loop's
    action (treated) against comparable cases that did not (control), from
    fct_loop_impact_cases.
    Comparisons: closed_loop (told by a closed-loop or declined note, against comparable cases
    never told) and fast_acknowledgment (first item acknowledged within var
    impact_fast_ack_hours, against later or never).
    Outcomes: next_survey_response and detractor_recovery (shares of cases), renewal (share of
    accounts renewed, one case per account and month) and arr_retained (mean ARR after over
    ARR before, per account).
    Comparable means the same stratum: tier, kind of feedback (intent) and month. Only strata
    holding both groups count (the others are unmatched_treated_cases). The control's
    standardised value weighs each stratum's control value by its treated cases, so the
    difference compares like with like; its interval combines the strata's variances with the
    same weights (shares: Agresti-Caffo adjusted). Shares carry Wilson intervals, the mean a
    normal one; all at 95%.
    An association, not proof of cause: who the loop tells is not random (it tells those whose
    request was built or declined), and customers it tells may differ in ways the strata do not
    hold. -#}
with

cases as (

    select * from {{ ref('fct_loop_impact_cases') }}

),

comparisons as (

    select
        spec.comparison,
        spec.comparison_order,
        spec.treated_label,
        spec.control_label
    from (
        values
        ('closed_loop', 1, 'told (closed-loop or declined note)', 'not told'),
        (
            'fast_acknowledgment', 2,
            'acknowledged within {{ var("impact_fast_ack_hours") }} h',
            'acknowledged later or not at all'
        )
    ) as spec (comparison, comparison_order, treated_label, control_label)

),

measures as (

    select
        spec.measure,
        spec.measure_order,
        spec.measure_label,
        spec.is_share
    from (
        values
        ('next_survey_response', 1, 'answered the next NPS survey', true),
        ('detractor_recovery', 2, 'detractors whose next NPS answer is passive or promoter', true),
        ('renewal', 3, 'accounts renewed at their next renewal (not churned or downgraded)', true),
        ('arr_retained', 4, 'ARR kept at the next renewal (mean of ARR after / ARR before)', false)
    ) as spec (measure, measure_order, measure_label, is_share)

),

measured as (

    select
        *,
        'next_survey_response' as measure,
        has_next_response::double as outcome
    from cases
    where has_next_response is not null
    union all
    select
        *,
        'detractor_recovery' as measure,
        is_detractor_recovered::double as outcome
    from cases
    where is_detractor_recovered is not null
    union all
    select
        *,
        'renewal' as measure,
        is_renewed::double as outcome
    from cases
    where is_account_case and is_renewed is not null
    union all
    select
        *,
        'arr_retained' as measure,
        arr_retained_share as outcome
    from cases
    where is_account_case and arr_retained_share is not null

),

compared as (

    select
        'closed_loop' as comparison,
        measure,
        tier || '|' || feedback_kind || '|' || feedback_month as stratum,
        is_closed_loop as is_treated,
        outcome
    from measured
    where is_comparable
    union all
    select
        'fast_acknowledgment' as comparison,
        measure,
        tier || '|' || feedback_kind || '|' || feedback_month as stratum,
        is_fast_ack as is_treated,
        outcome
    from measured

),

spread as (

    -- a group's variance for the mean measure when a stratum holds one case of it
    select
        comparison,
        measure,
        var_samp(outcome) as overall_variance
    from compared
    group by comparison, measure

),

strata as (

    select
        comparison,
        measure,
        stratum,
        count(*) filter (where is_treated) as treated_cases,
        coalesce(sum(outcome) filter (where is_treated), 0) as treated_sum,
        var_samp(outcome) filter (where is_treated) as treated_variance,
        count(*) filter (where not is_treated) as control_cases,
        coalesce(sum(outcome) filter (where not is_treated), 0) as control_sum,
        var_samp(outcome) filter (where not is_treated) as control_variance
    from compared
    group by comparison, measure, stratum

),

matched as (

    select
        strata.*,
        strata.treated_cases::double
        / sum(strata.treated_cases) over (partition by strata.comparison, strata.measure)
            as weight,
        case
            when measures.is_share
                then
                    {{ adjusted_share_variance('strata.treated_sum', 'strata.treated_cases') }}
                    + {{ adjusted_share_variance('strata.control_sum', 'strata.control_cases') }}
            else
                coalesce(strata.treated_variance, spread.overall_variance, 0)
                / strata.treated_cases
                + coalesce(strata.control_variance, spread.overall_variance, 0)
                / strata.control_cases
        end as difference_variance
    from strata
    inner join measures on strata.measure = measures.measure
    inner join spread
        on strata.comparison = spread.comparison and strata.measure = spread.measure
    where strata.treated_cases > 0 and strata.control_cases > 0

),

matched_rows as (

    -- the cases of matched strata, for each group's own spread
    select
        compared.comparison,
        compared.measure,
        var_samp(compared.outcome) filter (where compared.is_treated) as treated_variance,
        var_samp(compared.outcome) filter (where not compared.is_treated) as control_variance
    from compared
    inner join matched
        on
            compared.comparison = matched.comparison
            and compared.measure = matched.measure
            and compared.stratum = matched.stratum
    group by compared.comparison, compared.measure

),

combined as (

    select
        comparison,
        measure,
        count(*) as strata,
        sum(treated_cases) as treated_cases,
        sum(treated_sum) as treated_sum,
        sum(control_cases) as control_cases,
        sum(control_sum) as control_sum,
        sum(weight * control_sum / control_cases) as control_value_standardised,
        sum(weight * (treated_sum / treated_cases - control_sum / control_cases)) as difference,
        sum(weight ^ 2 * difference_variance) as difference_variance
    from matched
    group by comparison, measure

),

unmatched as (

    select
        comparison,
        measure,
        sum(treated_cases) as unmatched_treated_cases
    from strata
    where control_cases = 0
    group by comparison, measure

),

summed as (

    select
        comparisons.comparison,
        comparisons.comparison_order,
        comparisons.treated_label,
        comparisons.control_label,
        measures.measure,
        measures.measure_order,
        measures.measure_label,
        measures.is_share,
        coalesce(combined.strata, 0)::bigint as strata,
        coalesce(combined.treated_cases, 0)::bigint as treated_cases,
        coalesce(combined.treated_sum, 0)::double as treated_sum,
        coalesce(combined.control_cases, 0)::bigint as control_cases,
        coalesce(combined.control_sum, 0)::double as control_sum,
        coalesce(unmatched.unmatched_treated_cases, 0)::bigint as unmatched_treated_cases,
        combined.control_value_standardised,
        combined.difference,
        combined.difference_variance,
        matched_rows.treated_variance,
        matched_rows.control_variance
    from comparisons
    cross join measures
    left join combined
        on
            comparisons.comparison = combined.comparison
            and measures.measure = combined.measure
    left join unmatched
        on
            comparisons.comparison = unmatched.comparison
            and measures.measure = unmatched.measure
    left join matched_rows
        on
            comparisons.comparison = matched_rows.comparison
            and measures.measure = matched_rows.measure

),

valued as (

    select
        *,
        case when treated_cases > 0 then treated_sum / treated_cases end as treated_value,
        case when control_cases > 0 then control_sum / control_cases end as control_value,
        case
            when is_share then {{ wilson_low('treated_sum', 'treated_cases') }}
            when treated_cases > 1
                then treated_sum / treated_cases
                    - {{ impact_z() }} * sqrt(treated_variance / treated_cases)
        end as treated_ci_low,
        case
            when is_share then {{ wilson_high('treated_sum', 'treated_cases') }}
            when treated_cases > 1
                then treated_sum / treated_cases
                    + {{ impact_z() }} * sqrt(treated_variance / treated_cases)
        end as treated_ci_high,
        case
            when is_share then {{ wilson_low('control_sum', 'control_cases') }}
            when control_cases > 1
                then control_sum / control_cases
                    - {{ impact_z() }} * sqrt(control_variance / control_cases)
        end as control_ci_low,
        case
            when is_share then {{ wilson_high('control_sum', 'control_cases') }}
            when control_cases > 1
                then control_sum / control_cases
                    + {{ impact_z() }} * sqrt(control_variance / control_cases)
        end as control_ci_high,
        difference - {{ impact_z() }} * sqrt(difference_variance) as difference_ci_low,
        difference + {{ impact_z() }} * sqrt(difference_variance) as difference_ci_high
    from summed

),

final as (

    select
        comparison || ':' || measure as loop_impact_id,
        comparison,
        comparison_order,
        treated_label,
        control_label,
        measure,
        measure_order,
        measure_label,
        is_share,
        strata,
        treated_cases,
        case when is_share then treated_sum::bigint end as treated_successes,
        treated_value,
        treated_ci_low,
        treated_ci_high,
        control_cases,
        case when is_share then control_sum::bigint end as control_successes,
        control_value,
        control_ci_low,
        control_ci_high,
        control_value_standardised,
        difference,
        difference_ci_low,
        difference_ci_high,
        unmatched_treated_cases,
        case
            when
                treated_cases < {{ var('impact_min_cases') }}
                or control_cases < {{ var('impact_min_cases') }}
                then 'too few cases'
            when difference_ci_low > 0 then 'higher'
            when difference_ci_high < 0 then 'lower'
            else 'no clear difference'
        end as finding,
        'An association, not proof of cause: who the loop reaches is not random, and the'
        || ' strata (tier, kind of feedback, month) hold only what the warehouse knows.'
            as caveat
    from valued

)

select * from final
