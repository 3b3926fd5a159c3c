{#- One row per campaign: every observed campaign (stg_campaigns) and every planned one
    (seed campaign_plans) not yet in the data, with the planned split the SRM check and the
    assignment use: planned_control_share / planned_pilot_share from the plan, else vars
    campaign_control_share (0.2) / campaign_pilot_share (0.1; null for an observed campaign
    without a plan: its pilot share is then not checked). -#}
{%- do setting('campaign_gate_severity') -%}
{%- set control_share = setting('campaign_control_share') -%}
{%- set pilot_share = setting('campaign_pilot_share') -%}

with campaigns as (
    select * from {{ ref('stg_campaigns') }}
),

plans as (
    select * from {{ ref('campaign_plans') }}
),

observed as (
    select
        campaigns.campaign_id,
        coalesce(campaigns.campaign_name, plans.campaign_name) as campaign_name,
        coalesce(campaigns.objective, plans.objective) as objective,
        coalesce(campaigns.channel, plans.channel) as channel,
        campaigns.start_date,
        campaigns.end_date,
        campaigns.response_window_days,
        campaigns.experiment_id,
        campaigns.cost_per_contact,
        campaigns.fixed_cost,
        plans.audience_name,
        cast(coalesce(plans.control_share, {{ control_share }}) as {{ type_double() }}) as planned_control_share,
        cast(case when plans.campaign_id is not null then coalesce(plans.pilot_share, {{ pilot_share }}) end as {{ type_double() }}) as planned_pilot_share,
        plans.max_contacts,
        plans.campaign_id is not null as is_planned,
        false as is_planned_only
    from campaigns
    left join plans on campaigns.campaign_id = plans.campaign_id
),

planned_only as (
    select
        plans.campaign_id,
        plans.campaign_name,
        plans.objective,
        plans.channel,
        cast(null as date) as start_date,
        cast(null as date) as end_date,
        coalesce(plans.response_window_days, {{ setting('default_response_window_days') }}) as response_window_days,
        cast(null as {{ dbt.type_string() }}) as experiment_id,
        plans.cost_per_contact,
        plans.fixed_cost,
        plans.audience_name,
        cast(coalesce(plans.control_share, {{ control_share }}) as {{ type_double() }}) as planned_control_share,
        cast(coalesce(plans.pilot_share, {{ pilot_share }}) as {{ type_double() }}) as planned_pilot_share,
        plans.max_contacts,
        true as is_planned,
        true as is_planned_only
    from plans
    where plans.campaign_id not in (select campaigns.campaign_id from campaigns)
)

select * from observed
union all
select * from planned_only
