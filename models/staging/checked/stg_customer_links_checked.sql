{#- Every input row of customer_links, parsed, with the reason it is rejected (null = kept).
    A link is undirected for duplicate detection: A-B and B-A of the same link_type are one
    link; the earliest linked_at is kept. A missing link_type is kept as 'unspecified'. -#}
{{ config(materialized='table') }}

with raw_links as (
    {{ raw_table('customer_links') }}
),

as_of as (
    select * from {{ ref('stg_as_of_date') }}
),

kept_customers as (
    select customer_id from {{ ref('stg_customers') }}
),

parsed as (
    select
        {{ parsed_contract_columns('customer_links', codes=['link_type']) }}
    from raw_links
),

row_checks as (
    select
        parsed.*,
        case
            when parsed.customer_id is null or parsed.linked_customer_id is null then 'missing_key'
            when parsed.customer_id = parsed.linked_customer_id then 'self_link'
            when {{ is_unparseable('raw_linked_at', 'linked_at') }} then 'unparseable_date'
            when parsed.linked_at >= as_of.as_of_end_ts then 'after_as_of_date'
            when parsed.linked_at < as_of.min_valid_ts then 'before_min_date'
            when from_customer.customer_id is null or to_customer.customer_id is null then 'unknown_customer'
        end as row_reject_reason,
        case when parsed.customer_id < parsed.linked_customer_id then parsed.customer_id else parsed.linked_customer_id end as customer_low_id,
        case when parsed.customer_id < parsed.linked_customer_id then parsed.linked_customer_id else parsed.customer_id end as customer_high_id
    from parsed
    cross join as_of
    left join kept_customers as from_customer
        on parsed.customer_id = from_customer.customer_id
    left join kept_customers as to_customer
        on parsed.linked_customer_id = to_customer.customer_id
),

ranked as (
    select
        row_checks.*,
        row_number() over (
            partition by customer_low_id, customer_high_id, coalesce(link_type, 'unspecified'), row_reject_reason is null
            order by linked_at nulls last, {{ contract_column_names('customer_links', 'raw_') | join(', ') }}
        ) as key_rank
    from row_checks
)

select
    customer_id,
    linked_customer_id,
    coalesce(link_type, 'unspecified') as link_type,
    linked_at,
    coalesce(row_reject_reason, case when key_rank > 1 then 'duplicate_key' end) as reject_reason,
    case when row_reject_reason is not null or key_rank > 1
         then {{ row_as_json(contract_column_names('customer_links'), 'raw_') }} end as original_row
from ranked
