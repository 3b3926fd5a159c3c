{#- One row per customer, category and feature date: time-decayed affinity from the interest
    signals before the end of that date, long-term (half-life interest_long_half_life_days,
    default 180) and short-term (interest_short_half_life_days, default 30):
      affinity = sum(points × 0.5 ^ (age in days / half-life)), age counted to the feature date.
    One pass over the signals for all feature dates. The decay is computed once per signal,
    to the earliest feature date: a feature date d days later only rescales it,
    0.5 ^ ((age + d) / h) = 0.5 ^ (age / h) × 0.5 ^ (d / h), so each sum is multiplied by that
    constant (<= 1) after aggregating; the terms summed are never smaller than the direct ones,
    so the exact decimal sum loses no precision (equal up to floating-point rounding). -#}
{%- set long_hl = setting('interest_long_half_life_days') -%}
{%- set short_hl = setting('interest_short_half_life_days') -%}
{%- set recent_days = setting('interest_recent_days') -%}
{%- set seen = "signal_ts < {end}" -%}
{%- set ln2 = 0.6931471805599453 -%}
{%- set reference = feature_dates() | sort(attribute='offset_days') | last -%}
{%- set weighted_signals -%}
(
    select
        signals.customer_id,
        signals.category,
        signals.signal_ts,
        signals.signal_kind,
        signals.points * exp(-{{ ln2 }} * {{ dbt.datediff('cast(signals.signal_ts as date)', 'dates.' ~ reference.role ~ '_date', 'day') }} / {{ long_hl }}) as long_points,
        signals.points * exp(-{{ ln2 }} * {{ dbt.datediff('cast(signals.signal_ts as date)', 'dates.' ~ reference.role ~ '_date', 'day') }} / {{ short_hl }}) as short_points
    from {{ ref('int_interest_signals') }} as signals
    cross join {{ ref('int_feature_dates_wide') }} as dates
) as weighted_signals
{%- endset -%}

{{ aggregate_at_feature_dates(weighted_signals, ['customer_id', 'category'], {
    'affinity_long': "coalesce(" ~ deterministic_sum("case when " ~ seen ~ " then long_points end") ~ ", 0) * exp(-cast(" ~ ln2 ~ " as double) * (" ~ reference.offset_days ~ " - {offset_days}) / " ~ long_hl ~ ")",
    'affinity_short': "coalesce(" ~ deterministic_sum("case when " ~ seen ~ " then short_points end") ~ ", 0) * exp(-cast(" ~ ln2 ~ " as double) * (" ~ reference.offset_days ~ " - {offset_days}) / " ~ short_hl ~ ")",
    'n_signals': "count(case when " ~ seen ~ " then 1 end)",
    'n_purchase_signals': "count(case when " ~ seen ~ " and signal_kind = 'purchase' then 1 end)",
    'n_recent_signals': "count(case when " ~ seen ~ " and signal_ts >= " ~ dbt.dateadd('day', -recent_days, '{end}') ~ " then 1 end)",
}) }}
