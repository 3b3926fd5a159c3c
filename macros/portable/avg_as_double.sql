{# Mean as a double (DuckDB's avg of a decimal is a double; Spark's a decimal rounded to 6 places). #}
{% macro avg_as_double(expr) -%}
  {{ return(adapter.dispatch('avg_as_double', 'customer_activation')(expr)) }}
{%- endmacro %}

{% macro default__avg_as_double(expr) -%}avg({{ expr }}){%- endmacro %}

{% macro spark__avg_as_double(expr) -%}avg(cast({{ expr }} as double)){%- endmacro %}
