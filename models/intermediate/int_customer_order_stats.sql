{#- One row per customer and feature date (customers with at least one order before it): order
    behaviour seen strictly before the end of the feature date, in one pass over the orders.
    Completed orders are revenue; cancelled and returned ones count as orders of their status
    with no spend. Windows: rfm_window_days (frequency, monetary; 0 = all history) and
    trend_window_days (recent vs previous spend). -#}
{%- set w = var('rfm_window_days', 0) -%}
{%- set t = var('trend_window_days', 90) -%}
{%- set in_rfm_window = ("order_ts >= " ~ dbt.dateadd('day', -w, '{end}')) if w > 0 else "1 = 1" -%}
{%- set recent = "order_ts >= " ~ dbt.dateadd('day', -t, '{end}') -%}
{%- set previous = "order_ts >= " ~ dbt.dateadd('day', -2 * t, '{end}') ~ " and order_ts < " ~ dbt.dateadd('day', -t, '{end}') -%}
{%- set seen = "order_ts < {end}" -%}
{%- set done = seen ~ " and is_completed" -%}

{{ aggregate_at_feature_dates(ref('int_orders_enriched'), ['customer_id'], {
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
    'n_gaps': "count(case when " ~ done ~ " then days_since_previous_completed end)",
    'sum_gap_days': "sum(case when " ~ done ~ " then days_since_previous_completed end)",
    'sum_sq_gap_days': "sum(case when " ~ done ~ " then days_since_previous_completed * days_since_previous_completed end)",
    'n_channels': "count(distinct case when " ~ seen ~ " then channel end)",
}) }}
