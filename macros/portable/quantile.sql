{# Quantile q (0..1) of expr, interpolated. #}
{% macro quantile(expr, q) -%}
  {{ return(adapter.dispatch('quantile', 'customer_activation')(expr, q)) }}
{%- endmacro %}

{% macro default__quantile(expr, q) -%}percentile_cont({{ q }}) within group (order by {{ expr }}){%- endmacro %}

{% macro duckdb__quantile(expr, q) -%}quantile_cont({{ expr }}, {{ q }}){%- endmacro %}

{% macro spark__quantile(expr, q) -%}percentile({{ expr }}, {{ q }}){%- endmacro %}
