{#- One row per campaign, observed or planned: what a marketer reads first. The plan and the
    contacts, the SRM flag, the pilot gate (and a recorded override), the effect with its
    confidence intervals, cost and ROI. Details: campaign_pilot_gate, campaign_results,
    campaign_srm_checks, campaign_effects, campaign_segment_effects.
    campaign_status: planned (not in the data yet: see campaign_assignments), no_contacts,
    window_open (some response windows have not closed at as_of_date), complete.
    Every rate, uplift and revenue is the campaign's primary outcome (seed
    campaign_outcome_definitions) and its order revenue, measured the same way in both arms;
    verdict (scale_up / stop / inconclusive) and n_per_arm_to_decide come from
    campaign_results, roi_pct is roi x 100 and currency var campaign_currency. -#}
with outcomes as (
    select
        campaign_id,
        count(*) as n_contacts,
        count(case when arm = 'treatment' then 1 end) as n_treatment,
        count(case when arm = 'control' then 1 end) as n_control,
        count(case when phase = 'pilot' then 1 end) as n_pilot_contacts,
        count(case when phase = 'rollout' then 1 end) as n_rollout_contacts,
        count(case when not is_window_complete then 1 end) as n_window_open,
        cast(sum(n_responses_outside_window) as {{ dbt.type_bigint() }}) as n_responses_outside_window
    from {{ ref('campaign_contact_outcomes') }}
    group by campaign_id
),

assigned as (
    select campaign_id, count(*) as n_assigned from {{ ref('campaign_assignments') }} group by campaign_id
),

as_assigned as (
    select
        assignments.campaign_id,
        count(*) as n_contacts_assigned,
        count(case when assignments.phase = contacts.phase and assignments.arm = contacts.arm then 1 end) as n_contacts_as_assigned
    from {{ ref('campaign_assignments') }} as assignments
    inner join {{ ref('campaign_contact_outcomes') }} as contacts
        on {{ same_keys('assignments', 'contacts', ['campaign_id', 'customer_id']) }}
    group by assignments.campaign_id
),

srm as (
    select
        campaign_id,
        max(case when check_name = 'arm_all' then p_value end) as srm_p_value,
        max(case when is_mismatch then 1 else 0 end) as srm_mismatch_flag
    from {{ ref('campaign_srm_checks') }}
    group by campaign_id
),

as_of as (
    select as_of_date from {{ ref('stg_as_of_date') }}
),

overrides as (
    select campaign_id, cast(start_date as date) as start_date, approved_by, reason
    from {{ ref('campaign_gate_overrides') }}
)

select
    definitions.campaign_id,
    definitions.campaign_name,
    definitions.objective,
    definitions.channel,
    definitions.start_date,
    definitions.response_window_days,
    definitions.audience_name,
    definitions.experiment_id,
    definitions.is_planned_only,
    case
        when definitions.is_planned_only then 'planned'
        when coalesce(outcomes.n_contacts, 0) = 0 then 'no_contacts'
        when outcomes.n_window_open > 0 then 'window_open'
        else 'complete'
    end as campaign_status,
    coalesce(assigned.n_assigned, 0) as n_assigned,
    coalesce(as_assigned.n_contacts_as_assigned, 0) as n_contacts_as_assigned,
    coalesce(outcomes.n_contacts, 0) as n_contacts,
    coalesce(outcomes.n_treatment, 0) as n_treatment,
    coalesce(outcomes.n_control, 0) as n_control,
    coalesce(outcomes.n_pilot_contacts, 0) as n_pilot_contacts,
    coalesce(outcomes.n_rollout_contacts, 0) as n_rollout_contacts,
    coalesce(outcomes.n_window_open, 0) as n_window_open,
    coalesce(outcomes.n_responses_outside_window, 0) as n_responses_outside_window,
    srm.srm_p_value,
    case when srm.srm_mismatch_flag = 1 then true when srm.campaign_id is not null then false end as srm_mismatch,
    coalesce(gate.gate_status, case when definitions.is_planned_only then 'planned' end) as gate_status,
    gate.gate_reason,
    gate.n_treatment as pilot_n_treatment,
    gate.observed_rate as pilot_observed_rate,
    gate.ci_low as pilot_ci_low,
    gate.ci_high as pilot_ci_high,
    gate.predicted_mean as pilot_predicted_mean,
    gate.effect as pilot_effect,
    gate.recommended_n_total as recommended_pilot_size,
    overrides.reason as gate_override_reason,
    overrides.approved_by as gate_override_approved_by,
    results.verdict,
    results.verdict_reason,
    results.n_per_arm_to_decide,
    results.outcome_source,
    results.measurement_status,
    results.result_status,
    results.result_reason,
    results.response_rate_treatment,
    results.response_rate_control,
    results.uplift,
    results.uplift_ci_low,
    results.uplift_ci_high,
    results.uplift_p_value,
    results.incremental_responders,
    results.incremental_revenue_per_contact,
    results.incremental_revenue_per_contact_ci_low,
    results.incremental_revenue_per_contact_ci_high,
    results.incremental_revenue,
    results.incremental_revenue_ci_low,
    results.incremental_revenue_ci_high,
    results.cost,
    results.roi,
    results.roi_ci_low,
    results.roi_ci_high,
    results.roi * 100 as roi_pct,
    results.roi_ci_low * 100 as roi_pct_ci_low,
    results.roi_ci_high * 100 as roi_pct_ci_high,
    '{{ setting('campaign_currency') }}' as currency,
    results.response_record_rate_treatment,
    results.response_record_rate_control,
    results.response_revenue_per_contact_treatment,
    results.response_revenue_per_contact_control,
    as_of.as_of_date
from {{ ref('campaign_definitions') }} as definitions
cross join as_of
left join outcomes on definitions.campaign_id = outcomes.campaign_id
left join assigned on definitions.campaign_id = assigned.campaign_id
left join as_assigned on definitions.campaign_id = as_assigned.campaign_id
left join srm on definitions.campaign_id = srm.campaign_id
left join {{ ref('campaign_pilot_gate') }} as gate on definitions.campaign_id = gate.campaign_id
left join {{ ref('campaign_results') }} as results on definitions.campaign_id = results.campaign_id
left join overrides
    on definitions.campaign_id = overrides.campaign_id
    and (overrides.start_date is null or overrides.start_date = definitions.start_date)
