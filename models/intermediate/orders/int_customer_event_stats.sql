{#- One row per customer and feature date (customers with any event): browsing behaviour before
    the end of that date — events by type in the last feature_recent_days (default 90) and in
    all history, active days, and days since the last event. Event types counted are var
    feature_event_types. Empty when the events table is absent.
    The events are first counted per customer and day: a feature date ends at midnight and the
    recent window starts at midnight, so whether an event is seen or recent depends on its day
    alone, and the active days are the days counted (no count distinct per feature date). -#}
{%- set recent_days = setting('feature_recent_days') -%}
{%- set event_types = setting('feature_event_types') -%}
{%- set seen = "event_day_ts < {end}" -%}
{%- set recent = seen ~ " and event_day_ts >= " ~ dbt.dateadd('day', -recent_days, '{end}') -%}
{%- set bigint = dbt.type_bigint() -%}
{%- set event_days -%}
(
    select
        customer_id,
        cast(event_date as timestamp) as event_day_ts,
        count(*) as n_day_events,
        max(event_ts) as last_day_event_ts
        {%- for event_type in event_types %},
        count(case when event_type = '{{ event_type }}' then 1 end) as n_day_type_{{ loop.index }}
        {%- endfor %}
    from {{ ref('stg_events') }}
    group by customer_id, event_date
) as event_days
{%- endset -%}
{%- set metrics = {
    'n_events': "cast(coalesce(sum(case when " ~ seen ~ " then n_day_events end), 0) as " ~ bigint ~ ")",
    'n_recent_events': "cast(coalesce(sum(case when " ~ recent ~ " then n_day_events end), 0) as " ~ bigint ~ ")",
    'n_event_days': "count(case when " ~ seen ~ " then 1 end)",
    'last_event_ts': "max(case when " ~ seen ~ " then last_day_event_ts end)",
} -%}
{%- for event_type in event_types -%}
  {%- do metrics.update({'n_recent_' ~ event_type: "cast(coalesce(sum(case when " ~ recent ~ " then n_day_type_" ~ loop.index ~ " end), 0) as " ~ bigint ~ ")"}) -%}
{%- endfor -%}

{{ aggregate_at_feature_dates(event_days, ['customer_id'], metrics) }}
