{#- Every input row of campaign_responses, parsed, with the reason it is rejected (null = kept).
    A response must belong to a kept campaign and customer; exact copies are rejected as
    duplicate_row. Missing revenue is 0. -#}
{{ config(materialized='table') }}

with raw_responses as (
    {{ raw_table('campaign_responses') }}
),

as_of as (
    select * from {{ ref('stg_as_of_date') }}
),

kept_customers as (
    select customer_id from {{ ref('stg_customers') }}
),

campaigns as (
    select campaign_id from {{ ref('stg_campaigns') }}
),

parsed as (
    select
        {{ parsed_contract_columns('campaign_responses', codes=['response_type']) }}
    from raw_responses
),

row_checks as (
    select
        parsed.*,
        case
            when parsed.campaign_id is null or parsed.customer_id is null then 'missing_key'
            when {{ is_unparseable('raw_responded_at', 'responded_at') }} then 'unparseable_date'
            when parsed.responded_at is null then 'missing_value'
            when {{ is_unparseable('raw_revenue', 'revenue') }} then 'unparseable_number'
            when parsed.revenue < 0 then 'negative_amount'
            when parsed.responded_at >= as_of.as_of_end_ts then 'after_as_of_date'
            when parsed.responded_at < as_of.min_valid_ts then 'before_min_date'
            when campaigns.campaign_id is null then 'unknown_campaign'
            when kept_customers.customer_id is null then 'unknown_customer'
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
            partition by campaign_id, customer_id, responded_at, response_type, revenue, row_reject_reason is null
            order by {{ contract_column_names('campaign_responses', 'raw_') | join(', ') }}
        ) as copy_rank
    from row_checks
)

select
    campaign_id,
    customer_id,
    responded_at,
    response_type,
    coalesce(revenue, 0) as revenue,
    coalesce(row_reject_reason, case when copy_rank > 1 then 'duplicate_row' end) as reject_reason,
    case when row_reject_reason is not null or copy_rank > 1
         then {{ row_as_json(contract_column_names('campaign_responses'), 'raw_') }} end as original_row
from ranked
