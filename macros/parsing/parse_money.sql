{# Money: currency symbols and spaces are dropped, and thousands separators removed when the
   value is written as 1,234,567.89. Anything else that is not a number stays unparseable:
   '12,5' (decimal comma) is ambiguous and is rejected rather than guessed. #}
{% macro parse_money(expr) -%}
  {{ return(adapter.dispatch('parse_money', 'customer_activation')(expr)) }}
{%- endmacro %}

{% macro default__parse_money(expr) -%}
  {%- set stripped = "regexp_replace(trim(" ~ expr ~ "), '[\\s$€£¥]', '')" -%}
  {{ safe_cast_decimal(
      "case when " ~ stripped ~ " rlike '^[-+]?[0-9]{1,3}(,[0-9]{3})+([.][0-9]+)?$' then replace(" ~ stripped ~ ", ',', '') else nullif(" ~ stripped ~ ", '') end") }}
{%- endmacro %}

{% macro duckdb__parse_money(expr) -%}
  {%- set stripped = "regexp_replace(trim(" ~ expr ~ "), '[\\s$€£¥]', '', 'g')" -%}
  {{ safe_cast_decimal(
      "case when regexp_full_match(" ~ stripped ~ ", '[-+]?[0-9]{1,3}(,[0-9]{3})+([.][0-9]+)?') then replace(" ~ stripped ~ ", ',', '') else nullif(" ~ stripped ~ ", '') end") }}
{%- endmacro %}

{% macro type_money() -%}decimal(18, 2){%- endmacro %}

{% macro safe_cast_decimal(expr) -%}
  {{ return(adapter.dispatch('safe_cast', 'customer_activation')(expr, type_money())) }}
{%- endmacro %}
