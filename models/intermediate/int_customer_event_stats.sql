{#- One row per customer and feature date (customers with any event): browsing behaviour before
    the end of that date — events by type in the last feature_recent_days (default 90) and in
    all history, active days, and days since the last event. Event types counted are var
    feature_event_types. Empty when the events table is absent. -#}
{%- set recent_days = var('feature_recent_days', 90) -%}
{%- set seen = "event_ts < {end}" -%}
{%- set recent = seen ~ " and event_ts >= " ~ dbt.dateadd('day', -recent_days, '{end}') -%}
{%- set metrics = {
    'n_events': "count(case when " ~ seen ~ " then 1 end)",
    'n_recent_events': "count(case when " ~ recent ~ " then 1 end)",
    'n_event_days': "count(distinct case when " ~ seen ~ " then event_date end)",
    'last_event_ts': "max(case when " ~ seen ~ " then event_ts end)",
} -%}
{%- for event_type in var('feature_event_types', ['view', 'click', 'cart', 'login', 'coupon_claim']) -%}
  {%- do metrics.update({'n_recent_' ~ event_type: "count(case when " ~ recent ~ " and event_type = '" ~ event_type ~ "' then 1 end)"}) -%}
{%- endfor -%}

{{ aggregate_at_feature_dates(ref('stg_events'), ['customer_id'], metrics) }}
