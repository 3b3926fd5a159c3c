{#- Order-independent aggregates of floating-point values. A parallel engine adds doubles in
    whatever order its threads finish, so sum() / avg() / stddev_samp() of a double can differ
    in the last bits from one run to the next, and those bits change fitted models and model
    versions downstream. deterministic_sum / _avg round each value to 18 decimals (row by row,
    so deterministically) and add them as an exact decimal: two builds on the same input give
    identical results (values up to 1e20). `over`: an optional window clause body. -#}
{% macro type_deterministic_sum() -%}decimal(38, 18){%- endmacro %}

{% macro deterministic_sum(expr, over=none) -%}
  cast(sum(cast({{ expr }} as {{ type_deterministic_sum() }})){% if over is not none %} over ({{ over }}){% endif %} as double)
{%- endmacro %}

{% macro deterministic_avg(expr, over=none) -%}
  cast(avg(cast({{ expr }} as {{ type_deterministic_sum() }})){% if over is not none %} over ({{ over }}){% endif %} as double)
{%- endmacro %}

{#- The sample standard deviation, computed in a fixed order where the engine allows it
    (DuckDB: an ordered aggregate; the values are sorted, so ties cannot reorder anything). -#}
{% macro deterministic_stddev_samp(expr) -%}
  {{ return(adapter.dispatch('deterministic_stddev_samp', 'customer_activation')(expr)) }}
{%- endmacro %}

{% macro default__deterministic_stddev_samp(expr) -%}stddev_samp({{ expr }}){%- endmacro %}

{% macro duckdb__deterministic_stddev_samp(expr) -%}stddev_samp({{ expr }} order by {{ expr }}){%- endmacro %}
