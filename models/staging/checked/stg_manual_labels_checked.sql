{#- Every input row of manual_labels, parsed, with the reason it is rejected (null = kept).
    Label names and values are codes (lower-cased). One label per customer and label_name:
    a duplicate keeps the latest labeled_at (an analyst's later judgement replaces the earlier). -#}
{{ config(materialized='table') }}

with raw_labels as (
    {{ raw_table('manual_labels') }}
),

as_of as (
    select * from {{ ref('stg_as_of_date') }}
),

kept_customers as (
    select customer_id from {{ ref('stg_customers') }}
),

parsed as (
    select
        {{ parsed_contract_columns('manual_labels', codes=['label_name', 'label_value']) }}
    from raw_labels
),

row_checks as (
    select
        parsed.*,
        case
            when parsed.customer_id is null or parsed.label_name is null then 'missing_key'
            when parsed.label_value is null then 'missing_value'
            when {{ is_unparseable('raw_labeled_at', 'labeled_at') }} then 'unparseable_date'
            when parsed.labeled_at >= as_of.as_of_end_ts then 'after_as_of_date'
            when parsed.labeled_at < as_of.min_valid_ts then 'before_min_date'
            when kept_customers.customer_id is null then 'unknown_customer'
        end as row_reject_reason
    from parsed
    cross join as_of
    left join kept_customers
        on parsed.customer_id = kept_customers.customer_id
),

ranked as (
    select
        row_checks.*,
        row_number() over (
            partition by customer_id, label_name, row_reject_reason is null
            order by labeled_at desc nulls last, {{ contract_column_names('manual_labels', 'raw_') | join(', ') }}
        ) as key_rank
    from row_checks
)

select
    {{ contract_column_names('manual_labels') | join(', ') }},
    coalesce(row_reject_reason, case when key_rank > 1 then 'duplicate_key' end) as reject_reason,
    case when row_reject_reason is not null or key_rank > 1
         then {{ row_as_json(contract_column_names('manual_labels'), 'raw_') }} end as original_row
from ranked
