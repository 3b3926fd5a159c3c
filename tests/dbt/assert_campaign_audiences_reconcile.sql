{#- Every member of a planned campaign's audience is either assigned or suppressed with a
    reason, once: per campaign, audience = assigned + suppressed (campaign_suppressions), and
    no suppressed customer is also assigned. Returns the campaigns that do not reconcile. -#}
with audience as (
    select campaign_id, count(*) as audience_customers
    from {{ ref('campaign_audience_eligibility') }}
    group by campaign_id
),

assigned as (
    select campaign_id, count(*) as assigned_customers
    from {{ ref('campaign_assignments') }}
    group by campaign_id
),

suppressed as (
    select campaign_id, sum(n_customers) as suppressed_customers
    from {{ ref('campaign_suppressions') }}
    group by campaign_id
),

assigned_and_suppressed as (
    select suppressed_customers.campaign_id, count(*) as overlapping_customers
    from {{ ref('campaign_suppressed_customers') }} as suppressed_customers
    inner join {{ ref('campaign_assignments') }} as assignments
        on suppressed_customers.campaign_id = assignments.campaign_id
        and suppressed_customers.customer_id = assignments.customer_id
    group by suppressed_customers.campaign_id
)

select
    suppressed.campaign_id,
    coalesce(audience.audience_customers, 0) as audience_customers,
    coalesce(assigned.assigned_customers, 0) as assigned_customers,
    suppressed.suppressed_customers,
    coalesce(assigned_and_suppressed.overlapping_customers, 0) as overlapping_customers
from suppressed
left join audience on suppressed.campaign_id = audience.campaign_id
left join assigned on suppressed.campaign_id = assigned.campaign_id
left join assigned_and_suppressed on suppressed.campaign_id = assigned_and_suppressed.campaign_id
where coalesce(audience.audience_customers, 0)
    != coalesce(assigned.assigned_customers, 0) + suppressed.suppressed_customers
    or assigned_and_suppressed.overlapping_customers is not null
