{#- One row per planned campaign and audience member left out of its contact list, with the
    reason: opted_out and frequency_cap (suppressed before assignment,
    campaign_audience_eligibility), over_max_contacts (eligible, but ranked below the plan's
    max_contacts). With campaign_assignments it accounts for every audience member:
    audience = assigned + suppressed (test assert_campaign_audiences_reconcile). -#}
with eligibility as (
    select * from {{ ref('campaign_audience_eligibility') }}
),

assignments as (
    select campaign_id, customer_id from {{ ref('campaign_assignments') }}
),

suppressed as (
    select
        eligibility.campaign_id,
        eligibility.channel,
        eligibility.audience_name,
        eligibility.customer_id,
        coalesce(eligibility.suppression_reason, 'over_max_contacts') as reason,
        eligibility.consent_status,
        eligibility.recent_channel_campaigns,
        eligibility.planned_channel_rank,
        eligibility.as_of_date
    from eligibility
    left join assignments
        on eligibility.campaign_id = assignments.campaign_id
        and eligibility.customer_id = assignments.customer_id
    where assignments.customer_id is null
)

select * from suppressed
