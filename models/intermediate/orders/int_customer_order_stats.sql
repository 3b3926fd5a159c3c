{#- One row per customer and feature date (customers with at least one order before it): order
    behaviour seen strictly before the end of the feature date, in one pass over the orders.
    Completed orders are revenue; cancelled and returned ones count as orders of their status
    with no spend. Windows: rfm_window_days (frequency, monetary; 0 = all history) and
    trend_window_days (recent vs previous spend).
    The per-order work is kept narrow: the gaps between completed orders come from one window
    over the completed orders' customer and timestamp only (ties in order_ts give a gap of 0
    whichever comes first, so the sums do not depend on the tie-break), and the distinct
    channels from each channel's first order; both are aggregated like the rest and joined. -#}
{%- set w = setting('rfm_window_days') -%}
{%- set t = setting('trend_window_days') -%}
{%- set in_rfm_window = ("order_ts >= " ~ dbt.dateadd('day', -w, '{end}')) if w > 0 else "1 = 1" -%}
{%- set recent = "order_ts >= " ~ dbt.dateadd('day', -t, '{end}') -%}
{%- set previous = "order_ts >= " ~ dbt.dateadd('day', -2 * t, '{end}') ~ " and order_ts < " ~ dbt.dateadd('day', -t, '{end}') -%}
{%- set seen = "order_ts < {end}" -%}
{%- set done = seen ~ " and is_completed" -%}

{%- set orders = ref('stg_orders') -%}
{%- set completed_gaps -%}
(
    select
        customer_id,
        order_ts,
        {{ dbt.datediff('lag(order_ts) over (partition by customer_id order by order_ts)', 'order_ts', 'day') }} as gap_days
    from {{ orders }}
    where is_completed
) as completed_gaps
{%- endset -%}
{%- set channel_first_orders -%}
(
    select customer_id, channel, min(order_ts) as first_channel_order_ts
    from {{ orders }}
    where channel is not null
    group by customer_id, channel
) as channel_first_orders
{%- endset -%}

{{ aggregate_at_feature_dates(orders, ['customer_id'], {
    'n_orders': "count(case when " ~ seen ~ " then 1 end)",
    'first_order_ts': "min(case when " ~ seen ~ " then order_ts end)",
    'last_order_ts': "max(case when " ~ seen ~ " then order_ts end)",
    'n_completed_orders': "count(case when " ~ done ~ " then 1 end)",
    'n_cancelled_orders': "count(case when " ~ seen ~ " and status = 'cancelled' then 1 end)",
    'n_returned_orders': "count(case when " ~ seen ~ " and status = 'returned' then 1 end)",
    'first_completed_ts': "min(case when " ~ done ~ " then order_ts end)",
    'last_completed_ts': "max(case when " ~ done ~ " then order_ts end)",
    'frequency': "count(case when " ~ done ~ " and " ~ in_rfm_window ~ " then 1 end)",
    'monetary': "coalesce(sum(case when " ~ done ~ " and " ~ in_rfm_window ~ " then net_amount end), 0)",
    'lifetime_net_amount': "coalesce(sum(case when " ~ done ~ " then net_amount end), 0)",
    'max_order_amount': "max(case when " ~ done ~ " then net_amount end)",
    'discount_amount': "coalesce(sum(case when " ~ done ~ " then discount_amount end), 0)",
    'n_discounted_orders': "count(case when " ~ done ~ " and discount_amount > 0 then 1 end)",
    'recent_net_amount': "coalesce(sum(case when " ~ done ~ " and " ~ recent ~ " then net_amount end), 0)",
    'previous_net_amount': "coalesce(sum(case when " ~ done ~ " and " ~ previous ~ " then net_amount end), 0)",
    'recent_orders': "count(case when " ~ done ~ " and " ~ recent ~ " then 1 end)",
    'previous_orders': "count(case when " ~ done ~ " and " ~ previous ~ " then 1 end)",
}, extra=[
    {'relation': completed_gaps, 'fill': {'n_gaps': 0}, 'metrics': {
        'n_gaps': "count(case when " ~ seen ~ " then gap_days end)",
        'sum_gap_days': "cast(sum(case when " ~ seen ~ " then gap_days end) as " ~ dbt.type_bigint() ~ ")",
        'sum_sq_gap_days': "cast(sum(case when " ~ seen ~ " then gap_days * gap_days end) as " ~ dbt.type_bigint() ~ ")",
    }},
    {'relation': channel_first_orders, 'fill': {'n_channels': 0}, 'metrics': {
        'n_channels': "count(case when first_channel_order_ts < {end} then 1 end)",
    }},
], column_order=['n_orders', 'first_order_ts', 'last_order_ts', 'n_completed_orders', 'n_cancelled_orders',
                 'n_returned_orders', 'first_completed_ts', 'last_completed_ts', 'frequency', 'monetary',
                 'lifetime_net_amount', 'max_order_amount', 'discount_amount', 'n_discounted_orders',
                 'recent_net_amount', 'previous_net_amount', 'recent_orders', 'previous_orders', 'n_gaps',
                 'sum_gap_days', 'sum_sq_gap_days', 'n_channels']) }}
