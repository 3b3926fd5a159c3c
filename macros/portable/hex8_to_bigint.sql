{#- A text of 8 hex digits as an integer (0 .. 2^32 - 1). -#}
{% macro hex8_to_bigint(hex_expr) -%}
  {{ return(adapter.dispatch('hex8_to_bigint', 'customer_activation')(hex_expr)) }}
{%- endmacro %}

{% macro default__hex8_to_bigint(hex_expr) -%}
  cast(cast({{ dbt.concat(["'x'", hex_expr]) }} as bit(32)) as bigint)
{%- endmacro %}

{% macro duckdb__hex8_to_bigint(hex_expr) -%}
  cast({{ dbt.concat(["'0x'", hex_expr]) }} as bigint)
{%- endmacro %}

{% macro spark__hex8_to_bigint(hex_expr) -%}
  cast(conv({{ hex_expr }}, 16, 10) as bigint)
{%- endmacro %}
