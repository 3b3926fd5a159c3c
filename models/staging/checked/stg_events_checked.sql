{#- Every input row of events, parsed, with the reason it is rejected (null = kept).
    Events have no key and are not de-duplicated: two identical events are counted twice
    (trackers legitimately repeat events within a second). The category is the event's own,
    else its product's (products table), else null. The rows come parsed from stg_events_parsed
    (incremental); the checks that depend on context (as_of_date, the kept customers) run here
    on every build. -#}
{{ config(materialized='table') }}

with parsed as (
    {#- only what the checks need: the row hash and the bookkeeping columns would ride through every sort -#}
    select
        {{ (contract_column_names('events') + contract_column_names('events', 'raw_')) | join(', ') }},
        parse_reject_reason
    from {{ ref('stg_events_parsed') }}
),

as_of as (
    select * from {{ ref('stg_as_of_date') }}
),

kept_customers as (
    select customer_id from {{ ref('stg_customers') }}
),

row_checks as (
    select
        parsed.*,
        case
            when parsed.parse_reject_reason is not null then parsed.parse_reject_reason
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
