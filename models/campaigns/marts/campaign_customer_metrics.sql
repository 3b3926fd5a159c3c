{#- One row per observed contact (treatment and control): before / after metrics around the
    campaign, from completed orders (stg_orders) by event time, so they do not depend on when
    the build ran; snapshot snap_campaign_customer_metrics keeps each refresh's view (late
    orders, restatements).
    - pre window: [start - pre_window_days, start): before the campaign reached anyone.
      pre_window_days = var campaign_pre_window_days when set (> 0), else the post window's
      length, so pre and post are comparable (difference-in-differences).
    - post window: the contact's response window [anchor_ts, window_end_ts) of
      campaign_contact_outcomes.
    - metrics per window: orders (completed), revenue (their net amount), active (1 when at
      least one); days_to_first_order: days from anchor_ts to the first completed order in the
      post window (null when none).
    - segments at the start (rfm_segment, lifecycle_stage) from campaign_customer_features.
    - pre-campaign covariates of the regression adjustment (campaign_effects, estimator
      regression_adjusted): spend, frequency, recency, tenure and whether the customer ever
      bought, all strictly before the start (campaign_customer_features). -#}
{%- set pre_days = setting('campaign_pre_window_days') -%}

with features as (
    select * from {{ ref('campaign_customer_features') }} where feature_context = 'contact'
),

orders as (
    select customer_id, order_ts, net_amount from {{ ref('stg_orders') }} where is_completed
),

windows as (
    select
        outcomes.campaign_id,
        outcomes.customer_id,
        outcomes.arm,
        outcomes.phase,
        outcomes.start_date,
        outcomes.anchor_ts,
        outcomes.window_end_ts,
        outcomes.is_window_complete,
        outcomes.as_of_date,
        cast({% if pre_days > 0 %}{{ pre_days }}{% else %}outcomes.window_days{% endif %} as {{ dbt.type_bigint() }}) as pre_window_days,
        outcomes.window_days as post_window_days,
        cast(outcomes.start_date as timestamp) as pre_window_end_ts
    from {{ ref('campaign_contact_outcomes') }} as outcomes
),

bounded as (
    select
        windows.*,
        {{ dbt.dateadd('day', '-1 * windows.pre_window_days', 'windows.pre_window_end_ts') }} as pre_window_start_ts
    from windows
),

order_metrics as (
    select
        bounded.campaign_id,
        bounded.customer_id,
        count(case when orders.order_ts >= bounded.pre_window_start_ts and orders.order_ts < bounded.pre_window_end_ts then 1 end) as pre_orders,
        sum(case when orders.order_ts >= bounded.pre_window_start_ts and orders.order_ts < bounded.pre_window_end_ts then orders.net_amount end) as pre_revenue,
        count(case when orders.order_ts >= bounded.anchor_ts and orders.order_ts < bounded.window_end_ts then 1 end) as post_orders,
        sum(case when orders.order_ts >= bounded.anchor_ts and orders.order_ts < bounded.window_end_ts then orders.net_amount end) as post_revenue,
        min(case when orders.order_ts >= bounded.anchor_ts and orders.order_ts < bounded.window_end_ts then orders.order_ts end) as first_post_order_ts
    from bounded
    inner join orders
        on bounded.customer_id = orders.customer_id
        and orders.order_ts >= bounded.pre_window_start_ts
        and orders.order_ts < bounded.window_end_ts
    group by bounded.campaign_id, bounded.customer_id
)

select
    {{ dbt.concat(['bounded.campaign_id', "'|'", 'bounded.customer_id']) }} as contact_key,
    bounded.campaign_id,
    bounded.customer_id,
    bounded.arm,
    bounded.phase,
    bounded.start_date,
    bounded.pre_window_start_ts,
    bounded.pre_window_end_ts,
    bounded.anchor_ts as post_window_start_ts,
    bounded.window_end_ts as post_window_end_ts,
    bounded.pre_window_days,
    bounded.post_window_days,
    bounded.is_window_complete,
    coalesce(order_metrics.pre_orders, 0) as pre_orders,
    coalesce(order_metrics.post_orders, 0) as post_orders,
    cast(round(coalesce(order_metrics.pre_revenue, 0), 2) as {{ type_double() }}) as pre_revenue,
    cast(round(coalesce(order_metrics.post_revenue, 0), 2) as {{ type_double() }}) as post_revenue,
    case when coalesce(order_metrics.pre_orders, 0) > 0 then 1 else 0 end as pre_active,
    case when coalesce(order_metrics.post_orders, 0) > 0 then 1 else 0 end as post_active,
    cast({{ dbt.datediff('bounded.anchor_ts', 'order_metrics.first_post_order_ts', 'day') }} as {{ dbt.type_bigint() }}) as post_days_to_first_order,
    features.rfm_segment as rfm_segment_at_start,
    features.lifecycle_stage as lifecycle_stage_at_start,
    cast(features.monetary as {{ type_double() }}) as covariate_monetary,
    cast(features.frequency as {{ dbt.type_bigint() }}) as covariate_frequency,
    cast(features.recency_days as {{ dbt.type_bigint() }}) as covariate_recency_days,
    cast(features.tenure_days as {{ dbt.type_bigint() }}) as covariate_tenure_days,
    cast(features.has_completed_order as {{ dbt.type_int() }}) as covariate_has_completed_order,
    bounded.as_of_date
from bounded
left join order_metrics
    on {{ same_keys('bounded', 'order_metrics', ['campaign_id', 'customer_id']) }}
left join features
    on {{ same_keys('bounded', 'features', ['campaign_id', 'customer_id']) }}
