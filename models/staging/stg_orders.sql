{#- One row per kept order. Only completed orders carry spend (net_amount); cancelled and
    returned orders are kept with net_amount 0 so order counts by status stay visible. -#}
select
    order_id,
    customer_id,
    order_ts,
    cast(order_ts as date) as order_date,
    status,
    status = 'completed' as is_completed,
    order_amount,
    coalesce(discount_amount, 0) as discount_amount,
    case when status = 'completed' then order_amount else 0 end as net_amount,
    channel
from {{ ref('stg_orders_checked') }}
where reject_reason is null
