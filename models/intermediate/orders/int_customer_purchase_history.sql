{#- One row per customer with a completed order and feature date: the purchase history the
    purchase model (BG/NBD, Gamma-Gamma; ml_purchase_model) reads, seen strictly before the end
    of the feature date, over all history (not rfm_window_days). A purchase is a day with a
    completed order (several orders on one day are one purchase of their summed net spend), so
    x = repeat_purchases = order days - 1 and the times are whole days. The first order day is
    the first of all history, so "not the first day" means the same at every feature date.
    The mean is a double divided in double (a decimal quotient is rounded to 6 places on Spark). -#}
{%- set seen = "day_first_ts < {end}" -%}
{%- set repeat = seen ~ " and is_first_day = 0" -%}
{%- set order_days -%}
(
    select
        customer_id,
        order_date,
        min(order_ts) as day_first_ts,
        sum(net_amount) as day_net_amount,
        case when order_date = min(order_date) over (partition by customer_id) then 1 else 0 end as is_first_day
    from {{ ref('stg_orders') }}
    where is_completed
    group by customer_id, order_date
) as order_days
{%- endset -%}

{{ aggregate_at_feature_dates(order_days, ['customer_id'], {
    'n_order_days': "count(case when " ~ seen ~ " then 1 end)",
    'first_completed_date': "min(case when " ~ seen ~ " then order_date end)",
    'last_completed_date': "max(case when " ~ seen ~ " then order_date end)",
    'repeat_purchases': "count(case when " ~ repeat ~ " then 1 end)",
    'first_to_last_days': dbt.datediff("min(case when " ~ seen ~ " then order_date end)", "max(case when " ~ seen ~ " then order_date end)", "day"),
    'first_to_date_days': dbt.datediff("min(case when " ~ seen ~ " then order_date end)", "max({date})", "day"),
    'repeat_net_amount': "coalesce(sum(case when " ~ repeat ~ " then day_net_amount end), 0)",
    'repeat_order_value_mean': "case when count(case when " ~ repeat ~ " then 1 end) > 0 then cast(sum(case when " ~ repeat ~ " then day_net_amount end) as " ~ type_double() ~ ") / count(case when " ~ repeat ~ " then 1 end) end",
}, column_order=['n_order_days', 'first_completed_date', 'last_completed_date', 'repeat_purchases', 'first_to_last_days',
                 'first_to_date_days', 'repeat_net_amount', 'repeat_order_value_mean']) }}
