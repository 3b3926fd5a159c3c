{#- Every input row of events, parsed, with the reason it is rejected (null = kept).
    Events have no key and are not de-duplicated: two identical events are counted twice
    (trackers legitimately repeat events within a second). The category is the event's own,
    else its product's (products table), else null. -#}
{{ config(materialized='table') }}

with raw_events as (
    {{ raw_table('events') }}
),

as_of as (
    select * from {{ ref('stg_as_of_date') }}
),

kept_customers as (
    select customer_id from {{ ref('stg_customers') }}
),

parsed as (
    select
        {{ parsed_contract_columns('events', codes=['event_type', 'category']) }}
    from raw_events
),

row_checks as (
    select
        parsed.*,
        case
            when parsed.customer_id is null then 'missing_key'
            when {{ is_unparseable('raw_event_ts', 'event_ts') }} then 'unparseable_date'
            when parsed.event_ts is null or parsed.event_type is null then 'missing_value'
            when parsed.event_ts >= as_of.as_of_end_ts then 'after_as_of_date'
            when parsed.event_ts < as_of.min_valid_ts then 'before_min_date'
            when kept_customers.customer_id is null then 'unknown_customer'
        end as reject_reason
    from parsed
    cross join as_of
    left join kept_customers
        on parsed.customer_id = kept_customers.customer_id
)

select
    {{ contract_column_names('events') | join(', ') }},
    reject_reason,
    case when reject_reason is not null
         then {{ row_as_json(contract_column_names('events'), 'raw_') }} end as original_row
from row_checks
