{#- Every input row of campaigns, parsed, with the reason it is rejected (null = kept).
    Missing costs are 0; a missing response_window_days is var default_response_window_days.
    Duplicates of a campaign_id: the most complete row, then the lexically smallest. -#}
{{ config(materialized='table') }}

with raw_campaigns as (
    {{ raw_table('campaigns') }}
),

as_of as (
    select * from {{ ref('stg_as_of_date') }}
),

parsed as (
    select
        {{ parsed_contract_columns('campaigns', codes=['objective', 'channel']) }}
    from raw_campaigns
),

row_checks as (
    select
        parsed.*,
        case
            when campaign_id is null then 'missing_key'
            when {{ is_unparseable('raw_start_date', 'start_date') }} or {{ is_unparseable('raw_end_date', 'end_date') }} then 'unparseable_date'
            when start_date is null then 'missing_value'
            when {{ is_unparseable('raw_cost_per_contact', 'cost_per_contact') }}
              or {{ is_unparseable('raw_fixed_cost', 'fixed_cost') }}
              or {{ is_unparseable('raw_response_window_days', 'response_window_days') }} then 'unparseable_number'
            when cost_per_contact < 0 or fixed_cost < 0 then 'negative_amount'
            when end_date < start_date or response_window_days <= 0 then 'invalid_range'
            when start_date >= cast(as_of.as_of_end_ts as date) then 'after_as_of_date'
            when start_date < as_of.min_valid_date then 'before_min_date'
        end as row_reject_reason
    from parsed
    cross join as_of
),

ranked as (
    select
        row_checks.*,
        row_number() over (
            partition by campaign_id, row_reject_reason is null
            order by case when campaign_name is null then 1 else 0 end
                + case when end_date is null then 1 else 0 end
                + case when cost_per_contact is null then 1 else 0 end,
                {{ contract_column_names('campaigns', 'raw_') | join(', ') }}
        ) as key_rank
    from row_checks
)

select
    campaign_id,
    campaign_name,
    objective,
    channel,
    start_date,
    end_date,
    coalesce(cost_per_contact, 0) as cost_per_contact,
    coalesce(fixed_cost, 0) as fixed_cost,
    coalesce(response_window_days, {{ setting('default_response_window_days') }}) as response_window_days,
    coalesce(row_reject_reason, case when key_rank > 1 then 'duplicate_key' end) as reject_reason,
    case when row_reject_reason is not null or key_rank > 1
         then {{ row_as_json(contract_column_names('campaigns'), 'raw_') }} end as original_row
from ranked
