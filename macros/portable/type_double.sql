{#- A double-precision float type (dbt.type_float() is 4-byte REAL on DuckDB). -#}
{% macro type_double() -%}
  {{ return(adapter.dispatch('type_double', 'customer_activation')()) }}
{%- endmacro %}

{% macro default__type_double() -%}double precision{%- endmacro %}

{% macro duckdb__type_double() -%}double{%- endmacro %}

{% macro spark__type_double() -%}double{%- endmacro %}
