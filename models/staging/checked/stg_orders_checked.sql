{#- Every input row of orders, parsed, with the reason it is rejected (null = kept). The rows
    come parsed from stg_orders_parsed (incremental); the checks that depend on context
    (as_of_date, the kept customers, the other rows of an order_id) run here on every build.
    Duplicates of an order_id among otherwise valid rows: the kept row is the latest
    order_ts (a later version of an order is taken as its correction), then the most complete,
    then the lexically smallest raw row. -#}
{{ config(materialized='table') }}

with parsed as (
    {#- only what the checks need: the row hash and the bookkeeping columns would ride through every sort -#}
    select
        {{ (contract_column_names('orders') + contract_column_names('orders', 'raw_')) | join(', ') }},
        parse_reject_reason
    from {{ ref('stg_orders_parsed') }}
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
            when parsed.status is null
              or parsed.status not in ({%- for s in setting('order_statuses') -%}'{{ s }}'{{ ", " if not loop.last }}{%- endfor -%}) then 'unknown_status'
            when parsed.order_ts >= as_of.as_of_end_ts then 'after_as_of_date'
            when parsed.order_ts < as_of.min_valid_ts then 'before_min_date'
            when parsed.status = 'completed' and parsed.order_amount < 0 then 'negative_amount'
            when parsed.discount_amount < 0 then 'negative_amount'
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
            partition by order_id, row_reject_reason is null
            order by order_ts desc,
                case when discount_amount is null then 1 else 0 end + case when channel is null then 1 else 0 end,
                {{ contract_column_names('orders', 'raw_') | join(', ') }}
        ) as key_rank
    from row_checks
)

select
    {{ contract_column_names('orders') | join(', ') }},
    coalesce(row_reject_reason, case when key_rank > 1 then 'duplicate_key' end) as reject_reason,
    case when row_reject_reason is not null or key_rank > 1
         then {{ row_as_json(contract_column_names('orders'), 'raw_') }} end as original_row
from ranked
