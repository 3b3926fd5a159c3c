{#- One row per customer and feature date: recency, frequency, monetary, their 1..N scores and
    the RFM segment, computed at that date (the rule: macros/features/rfm.sql).
    - recency_days: days from the last completed order to the feature date (0 = that day).
    - frequency / monetary: completed orders and their net spend in the rfm window (setting
      rfm_window_days; 0 = all history). Cancelled and returned orders add nothing.
    - Scores are quantiles among customers with a completed order at that date; customers with
      no completed order get 'Never Purchased'. -#}
with segments as (
    select * from {{ ref('rfm_segments') }}
),

rfm_values as (
    select
        population.customer_id,
        population.feature_date_role,
        population.feature_date,
        order_stats.last_completed_ts,
        case when order_stats.last_completed_ts is not null
             then {{ dbt.datediff('cast(order_stats.last_completed_ts as date)', 'population.feature_date', 'day') }}
        end as recency_days,
        coalesce(order_stats.frequency, 0) as frequency,
        coalesce(order_stats.monetary, 0) as monetary,
        order_stats.last_completed_ts is not null as has_completed_order
    from {{ ref('int_customer_population') }} as population
    left join {{ ref('int_customer_order_stats') }} as order_stats
        on {{ same_customer_and_date('population', 'order_stats') }}
),

scored as (
    select
        rfm_values.*,
        case when has_completed_order then {{ rfm_score('recency_days desc', 'feature_date_role, has_completed_order') }} end as r_score,
        case when has_completed_order then {{ rfm_score('frequency', 'feature_date_role, has_completed_order') }} end as f_score,
        case when has_completed_order then {{ rfm_score('monetary', 'feature_date_role, has_completed_order') }} end as m_score
    from rfm_values
),

with_fm as (
    select
        scored.*,
        {{ rfm_fm_score('f_score', 'm_score') }} as fm_score
    from scored
),

segment_lookup as (
    {{ rfm_segment_lookup('segments') }}
)

select
    with_fm.customer_id,
    with_fm.feature_date_role,
    with_fm.feature_date,
    with_fm.recency_days,
    with_fm.frequency,
    with_fm.monetary,
    with_fm.r_score,
    with_fm.f_score,
    with_fm.m_score,
    with_fm.fm_score,
    {{ dbt.concat(["cast(with_fm.r_score as " ~ dbt.type_string() ~ ")", "cast(with_fm.f_score as " ~ dbt.type_string() ~ ")", "cast(with_fm.m_score as " ~ dbt.type_string() ~ ")"]) }} as rfm_cell,
    {{ rfm_segment_name('with_fm.has_completed_order', 'segmented.segment') }} as rfm_segment,
    with_fm.has_completed_order
from with_fm
left join segment_lookup as segmented
    on {{ same_keys('with_fm', 'segmented', ['r_score', 'fm_score']) }}
