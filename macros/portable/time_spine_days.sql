{#- One row per day from start_date (inclusive) to end_date (exclusive), as a select with one
    date column date_day: the rows of the MetricFlow time spine (models/marts/metricflow_time_spine.sql).
    Dispatched: DuckDB and Spark generate the days natively; other engines use dbt.date_spine. -#}
{% macro time_spine_days(start_date, end_date) -%}
  {{ return(adapter.dispatch('time_spine_days', 'customer_activation')(start_date, end_date)) }}
{%- endmacro %}

{% macro default__time_spine_days(start_date, end_date) -%}
  {{ dbt.date_spine('day', "cast('" ~ start_date ~ "' as date)", "cast('" ~ end_date ~ "' as date)") }}
{%- endmacro %}

{% macro duckdb__time_spine_days(start_date, end_date) -%}
  select cast(days.day_ts as date) as date_day
  from range(cast('{{ start_date }}' as date), cast('{{ end_date }}' as date), interval 1 day) as days(day_ts)
{%- endmacro %}

{% macro spark__time_spine_days(start_date, end_date) -%}
  select explode(sequence(to_date('{{ start_date }}'), date_sub(to_date('{{ end_date }}'), 1), interval 1 day)) as date_day
{%- endmacro %}
