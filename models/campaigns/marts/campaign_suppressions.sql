{#- One row per planned campaign and suppression reason (every reason, 0 when none): how many
    audience members each reason left out of the contact list (campaign_suppressed_customers),
    next to the audience and the assigned counts, so audience_customers = assigned_customers +
    the campaign's n_customers over its reasons. -#}
with plans as (
    select campaign_id, audience_name, channel
    from {{ ref('campaign_definitions') }}
    where is_planned
),

as_of as (
    select as_of_date from {{ ref('stg_as_of_date') }}
),

reasons as (
    select 'opted_out' as reason, 1 as reason_order
    union all
    select 'frequency_cap' as reason, 2 as reason_order
    union all
    select 'over_max_contacts' as reason, 3 as reason_order
),

audience_counts as (
    select campaign_id, count(*) as audience_customers
    from {{ ref('campaign_audience_eligibility') }}
    group by campaign_id
),

assigned_counts as (
    select campaign_id, count(*) as assigned_customers
    from {{ ref('campaign_assignments') }}
    group by campaign_id
),

suppressed_counts as (
    select campaign_id, reason, count(*) as n_customers
    from {{ ref('campaign_suppressed_customers') }}
    group by campaign_id, reason
)

select
    plans.campaign_id,
    plans.channel,
    plans.audience_name,
    reasons.reason,
    reasons.reason_order,
    cast(coalesce(suppressed_counts.n_customers, 0) as {{ dbt.type_bigint() }}) as n_customers,
    cast(coalesce(audience_counts.audience_customers, 0) as {{ dbt.type_bigint() }}) as audience_customers,
    cast(coalesce(assigned_counts.assigned_customers, 0) as {{ dbt.type_bigint() }}) as assigned_customers,
    as_of.as_of_date
from plans
cross join reasons
cross join as_of
left join suppressed_counts
    on plans.campaign_id = suppressed_counts.campaign_id
    and reasons.reason = suppressed_counts.reason
left join audience_counts
    on plans.campaign_id = audience_counts.campaign_id
left join assigned_counts
    on plans.campaign_id = assigned_counts.campaign_id
