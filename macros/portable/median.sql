{# Median (exact where the engine has it). #}
{% macro median(expr) -%}
  {{ return(adapter.dispatch('median', 'customer_activation')(expr)) }}
{%- endmacro %}

{% macro default__median(expr) -%}percentile_cont(0.5) within group (order by {{ expr }}){%- endmacro %}

{% macro duckdb__median(expr) -%}median({{ expr }}){%- endmacro %}

{% macro spark__median(expr) -%}percentile({{ expr }}, 0.5){%- endmacro %}
