{#- One row per customer, category and feature date: time-decayed affinity from the interest
    signals before the end of that date, long-term (half-life interest_long_half_life_days,
    default 180) and short-term (interest_short_half_life_days, default 30):
      affinity = sum(points × 0.5 ^ (age in days / half-life)), age counted to the feature date.
    One pass over the signals for all feature dates. -#}
{%- set long_hl = var('interest_long_half_life_days', 180) -%}
{%- set short_hl = var('interest_short_half_life_days', 30) -%}
{%- set recent_days = var('interest_recent_days', 90) -%}
{%- set seen = "signal_ts < {end}" -%}
{%- set age = dbt.datediff('cast(signal_ts as date)', '{date}', 'day') -%}

{{ aggregate_at_feature_dates(ref('int_interest_signals'), ['customer_id', 'category'], {
    'affinity_long': "coalesce(" ~ deterministic_sum("case when " ~ seen ~ " then points * exp(-0.6931471805599453 * " ~ age ~ " / " ~ long_hl ~ ") end") ~ ", 0)",
    'affinity_short': "coalesce(" ~ deterministic_sum("case when " ~ seen ~ " then points * exp(-0.6931471805599453 * " ~ age ~ " / " ~ short_hl ~ ") end") ~ ", 0)",
    'n_signals': "count(case when " ~ seen ~ " then 1 end)",
    'n_purchase_signals': "count(case when " ~ seen ~ " and signal_kind = 'purchase' then 1 end)",
    'n_recent_signals': "count(case when " ~ seen ~ " and signal_ts >= " ~ dbt.dateadd('day', -recent_days, '{end}') ~ " then 1 end)",
}) }}
