{#- One row per planned campaign (seed campaign_plans) and selected audience member: the
    contact list to send, with the pilot / rollout phase and the treatment / control arm.
    Selection: the plan's audience without the suppressed members (opted out of the channel,
    over the frequency cap: campaign_audience_eligibility) ranked by ranking_score
    (campaign_response_scores: the response model's P(outcome | treated), or the uplift when
    var campaign_audience_ranking is uplift; then the audience's source score, then customer_id), the top
    max_contacts (all when empty). Assignment is deterministic: u_phase and u_arm are two
    independent uniform numbers from the MD5 of campaign_id:customer_id (macro
    hash_unit_interval), phase = pilot when u_phase < pilot share, arm = control when
    u_arm < control share. The same customer always lands in the same phase and arm of a
    campaign, whatever else is in the audience and whenever the build runs. -#}
with plans as (
    select * from {{ ref('campaign_definitions') }} where is_planned
),

ranked as (
    select
        plans.campaign_id,
        plans.audience_name,
        members.rule_version,
        members.rule_hash,
        members.customer_id,
        scores.predicted_response,
        scores.model_version as response_model_version,
        members.source_score,
        plans.planned_pilot_share,
        plans.planned_control_share,
        plans.max_contacts,
        cast(row_number() over (
            partition by plans.campaign_id
            order by coalesce(scores.ranking_score, -2) desc,
                     coalesce(members.source_score, -1) desc,
                     members.customer_id) as {{ dbt.type_bigint() }}) as audience_rank,
        {{ hash_unit_interval(dbt.concat(['plans.campaign_id', "':'", 'members.customer_id']), 0) }} as u_phase,
        {{ hash_unit_interval(dbt.concat(['plans.campaign_id', "':'", 'members.customer_id']), 1) }} as u_arm,
        members.as_of_date
    from plans
    inner join {{ ref('campaign_audience_eligibility') }} as members
        on plans.campaign_id = members.campaign_id
        and members.suppression_reason is null
    left join {{ ref('campaign_response_scores') }} as scores
        on plans.campaign_id = scores.campaign_id
        and members.customer_id = scores.customer_id
)

select
    campaign_id,
    audience_name,
    rule_version,
    rule_hash,
    customer_id,
    audience_rank,
    predicted_response,
    response_model_version,
    u_phase,
    u_arm,
    case when u_phase < planned_pilot_share then 'pilot' else 'rollout' end as phase,
    case when u_arm < planned_control_share then 'control' else 'treatment' end as arm,
    as_of_date
from ranked
where max_contacts is null or audience_rank <= max_contacts
