{#- One row per planned campaign and member of its audience at as_of_date, with the reason the
    member is suppressed before assignment (null = eligible), in this order:
      opted_out      the customer's latest consent on the campaign's channel (stg_consents) is
                     opted_out (no consent row = eligible);
      frequency_cap  var frequency_cap_campaigns > 0 and the customer would be in more than
                     that many campaigns of the channel within var frequency_cap_days: the
                     distinct observed campaigns of the channel the customer was contacted in
                     (either arm) on or after as_of_date - (frequency_cap_days - 1), plus this
                     planned campaign's place among the customer's eligible planned campaigns of
                     the channel (ordered by start date, as_of_date when not started, then
                     campaign_id). A planned membership counts even when max_contacts later
                     leaves the customer out, so the cap is never exceeded and no campaign's
                     selection depends on another's. Campaigns without a channel are not capped.
    Suppression happens before ranking and the hash split, so the planned control and pilot
    shares apply to the customers who remain. -#}
{%- set cap = setting('frequency_cap_campaigns') -%}
{%- set cap_days = setting('frequency_cap_days') -%}

with as_of as (
    select as_of_date from {{ ref('stg_as_of_date') }}
),

plans as (
    select
        definitions.campaign_id,
        definitions.audience_name,
        definitions.channel,
        coalesce(definitions.start_date, as_of.as_of_date) as planned_start_date
    from {{ ref('campaign_definitions') }} as definitions
    cross join as_of
    where definitions.is_planned
),

consents as (
    select customer_id, channel, status from {{ ref('stg_consents') }}
),

recent_channel_contacts as (
    select
        contacts.customer_id,
        campaigns.channel,
        count(distinct contacts.campaign_id) as n_recent_campaigns
    from {{ ref('stg_campaign_contacts') }} as contacts
    inner join {{ ref('stg_campaigns') }} as campaigns
        on contacts.campaign_id = campaigns.campaign_id
    cross join as_of
    where contacts.contacted_at >= cast({{ dbt.dateadd('day', 1 - cap_days, 'as_of.as_of_date') }} as timestamp)
        and campaigns.channel is not null
        and contacts.campaign_id not in (select plans.campaign_id from plans)
    group by contacts.customer_id, campaigns.channel
),

members_with_consent as (
    select
        plans.campaign_id,
        plans.audience_name,
        plans.channel,
        plans.planned_start_date,
        members.rule_version,
        members.rule_hash,
        members.customer_id,
        members.source_score,
        members.as_of_date,
        consents.status as consent_status,
        coalesce(consents.status = 'opted_out', false) as is_opted_out,
        cast(coalesce(recent_channel_contacts.n_recent_campaigns, 0) as {{ dbt.type_bigint() }}) as recent_channel_campaigns
    from plans
    inner join {{ ref('campaign_audience_members') }} as members
        on plans.audience_name = members.audience_name
    left join consents
        on members.customer_id = consents.customer_id
        and plans.channel = consents.channel
    left join recent_channel_contacts
        on members.customer_id = recent_channel_contacts.customer_id
        and plans.channel = recent_channel_contacts.channel
),

ranked_within_channel as (
    select
        members_with_consent.*,
        cast(row_number() over (
            partition by customer_id, channel, is_opted_out
            order by planned_start_date, campaign_id) as {{ dbt.type_bigint() }}) as planned_channel_rank
    from members_with_consent
)

select
    campaign_id,
    audience_name,
    channel,
    rule_version,
    rule_hash,
    customer_id,
    source_score,
    consent_status,
    recent_channel_campaigns,
    case when not is_opted_out then planned_channel_rank end as planned_channel_rank,
    case
        when is_opted_out then 'opted_out'
        {%- if cap > 0 %}
        when channel is not null and recent_channel_campaigns + planned_channel_rank > {{ cap }} then 'frequency_cap'
        {%- endif %}
    end as suppression_reason,
    as_of_date
from ranked_within_channel
