{#- Every input row of campaign_contacts, parsed, with the reason it is rejected (null = kept).
    One contact per campaign and customer: a duplicate keeps the earliest contacted_at.
    A missing phase is 'rollout' (contract default); contacted_at defaults to the campaign's
    start date (as a timestamp) when absent. -#}
{{ config(materialized='table') }}

with raw_contacts as (
    {{ raw_table('campaign_contacts') }}
),

as_of as (
    select * from {{ ref('stg_as_of_date') }}
),

kept_customers as (
    select customer_id from {{ ref('stg_customers') }}
),

campaigns as (
    select campaign_id, start_date from {{ ref('stg_campaigns') }}
),

parsed as (
    select
        {{ parsed_contract_columns('campaign_contacts', codes=['arm', 'phase']) }}
    from raw_contacts
),

row_checks as (
    select
        parsed.*,
        coalesce(parsed.contacted_at, cast(campaigns.start_date as timestamp)) as contact_ts,
        case
            when parsed.campaign_id is null or parsed.customer_id is null then 'missing_key'
            when {{ is_unparseable('raw_contacted_at', 'contacted_at') }} then 'unparseable_date'
            when {{ is_unparseable('raw_predicted_response', 'predicted_response') }} then 'unparseable_number'
            when parsed.arm is null or parsed.arm not in ('treatment', 'control') then 'unknown_code'
            when parsed.phase not in ('pilot', 'rollout') then 'unknown_code'
            when parsed.predicted_response < 0 or parsed.predicted_response > 1 then 'invalid_range'
            when campaigns.campaign_id is null then 'unknown_campaign'
            when kept_customers.customer_id is null then 'unknown_customer'
            when parsed.contacted_at >= as_of.as_of_end_ts then 'after_as_of_date'
            when parsed.contacted_at < as_of.min_valid_ts then 'before_min_date'
        end as row_reject_reason
    from parsed
    cross join as_of
    left join campaigns
        on parsed.campaign_id = campaigns.campaign_id
    left join kept_customers
        on parsed.customer_id = kept_customers.customer_id
),

ranked as (
    select
        row_checks.*,
        row_number() over (
            partition by campaign_id, customer_id, row_reject_reason is null
            order by contact_ts, {{ contract_column_names('campaign_contacts', 'raw_') | join(', ') }}
        ) as key_rank
    from row_checks
)

select
    campaign_id,
    customer_id,
    arm,
    phase,
    contact_ts as contacted_at,
    predicted_response,
    coalesce(row_reject_reason, case when key_rank > 1 then 'duplicate_key' end) as reject_reason,
    case when row_reject_reason is not null or key_rank > 1
         then {{ row_as_json(contract_column_names('campaign_contacts'), 'raw_') }} end as original_row
from ranked
