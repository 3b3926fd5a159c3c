{#- One row per kept order, with what per-order features need: for completed orders, the days
    since the customer's previous completed order (null for the first). -#}
with orders as (
    select * from {{ ref('stg_orders') }}
),

completed_gaps as (
    select
        order_id,
        {{ dbt.datediff(
            'lag(order_ts) over (partition by customer_id order by order_ts, order_id)',
            'order_ts', 'day') }} as days_since_previous_completed
    from orders
    where is_completed
)

select
    orders.order_id,
    orders.customer_id,
    orders.order_ts,
    orders.order_date,
    orders.status,
    orders.is_completed,
    orders.order_amount,
    orders.discount_amount,
    orders.net_amount,
    orders.channel,
    completed_gaps.days_since_previous_completed
from orders
left join completed_gaps
    on orders.order_id = completed_gaps.order_id
