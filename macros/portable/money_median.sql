{# Median of a money column (decimal, 2 places), as that decimal: DuckDB interpolates and
   floors to the column's scale ((1.01 + 1.02) / 2 = 1.01); the other engines do the same. #}
{% macro money_median(expr) -%}
  {{ return(adapter.dispatch('money_median', 'customer_activation')(expr)) }}
{%- endmacro %}

{% macro default__money_median(expr) -%}{{ median(expr) }}{%- endmacro %}

{#- ---- numbers: the same values as DuckDB ------------------------------------------------ -#}
{#- percentile() returns a double; DuckDB's median of a decimal(_, 2) floors the interpolated
    value to cents. A median of cents is a multiple of half a cent, so adding a quarter cent
    before flooring is exact whatever the double's last bit. -#}
{% macro spark__money_median(expr) -%}
  cast(floor(percentile({{ expr }}, 0.5) * 100 + 0.25) / 100 as decimal(38, 2))
{%- endmacro %}
