{#- One row per kept order, with what per-order features need: for completed orders, the days
    since the customer's previous completed order (null for the first). A view: one window over
    the orders (partitioned by customer and completed-or-not, so a completed order's previous
    row is the previous completed order), computed only when read; int_customer_order_stats
    computes the same gaps itself on the completed orders alone. -#}
{{ config(materialized='view') }}

select
    order_id,
    customer_id,
    order_ts,
    order_date,
    status,
    is_completed,
    order_amount,
    discount_amount,
    net_amount,
    channel,
    case when is_completed then
        {{ dbt.datediff(
            'lag(order_ts) over (partition by customer_id, is_completed order by order_ts, order_id)',
            'order_ts', 'day') }}
    end as days_since_previous_completed
from {{ ref('stg_orders') }}
