{#- A SQL string literal of any text. Engines escape a quote differently: standard SQL (and
    DuckDB) doubles it; Spark reads '' as two adjacent literals and wants a backslash. -#}
{% macro string_literal(value) -%}
  {{ return(adapter.dispatch('string_literal', 'customer_activation')(value)) }}
{%- endmacro %}
{% macro default__string_literal(value) -%}
  '{{ (value | string) | replace("'", "''") }}'
{%- endmacro %}
{% macro spark__string_literal(value) -%}
  '{{ (value | string) | replace("\\", "\\\\") | replace("'", "\\'") }}'
{%- endmacro %}
