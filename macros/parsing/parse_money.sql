{#- Numbers in text, read with one decimal separator (var decimal_separator):
      '.'  1234.56, 1,234.56 (',' groups thousands), -3, +0.5;
      ','  1234,56, 1.234,56 or 1 234,56 ('.' or spaces group thousands).
    Currency symbols and spaces (also no-break and narrow no-break spaces) are dropped. A value
    that can only be read with the other separator (132,30 when it is '.') is not guessed: the
    build stops, naming the table, the column, the value and the var (parse_failure_reason). -#}
{% macro parse_money(expr) -%}
  {{ money_from_text(clean_text(expr)) }}
{%- endmacro %}

{#- The same from text that is already clean (clean_text). -#}
{% macro money_from_text(text) -%}
  {{ safe_cast_decimal(decimal_text(text)) }}
{%- endmacro %}

{#- Clean text (clean_text) of a number as text with a '.' decimal point and no grouping, or as
    it is when it is not written in the convention (then the cast fails and the value is
    unparseable). -#}
{% macro decimal_text(text) -%}
  {%- set stripped = strip_currency(text) -%}
  {%- if setting('decimal_separator') == ',' -%}
  case when {{ matches_regex(stripped, '[-+]?[0-9]{1,3}([.][0-9]{3})+(,[0-9]+)?') }}
            then replace(replace({{ stripped }}, '.', ''), ',', '.')
       when {{ matches_regex(stripped, '[-+]?[0-9]*(,[0-9]+)?') }} then replace({{ stripped }}, ',', '.')
       else {{ stripped }} end
  {%- else -%}
  case when {{ matches_regex(stripped, '[-+]?[0-9]{1,3}(,[0-9]{3})+([.][0-9]+)?') }} then replace({{ stripped }}, ',', '')
       else {{ stripped }} end
  {%- endif -%}
{%- endmacro %}

{#- True when the clean text is a number only in the other decimal convention. -#}
{% macro other_decimal_convention(text) -%}
  {%- set stripped = strip_currency(text) -%}
  {%- if setting('decimal_separator') == ',' -%}
  {{ matches_regex(stripped, '[-+]?([0-9]*[.][0-9]{1,2}|[0-9]*[.][0-9]{4,}|[0-9]{4,}[.][0-9]+|[0-9]{1,3}(,[0-9]{3})+[.][0-9]+)') }}
  {%- else -%}
  {{ matches_regex(stripped, '[-+]?([0-9]*,[0-9]{1,2}|[0-9]*,[0-9]{4,}|[0-9]{4,},[0-9]+|[0-9]{1,3}([.][0-9]{3})+,[0-9]+)') }}
  {%- endif -%}
{%- endmacro %}

{% macro decimal_separator_message(table, column, raw_expr) -%}
  {%- set other = ',' if setting('decimal_separator') == '.' else '.' -%}
  {{ dbt.concat([string_literal("Table " ~ table ~ ", column " ~ column ~ ": the value '"), raw_expr,
      string_literal("' can only be read with '" ~ other ~ "' as the decimal separator, but var decimal_separator is '" ~ setting('decimal_separator')
        ~ "'. One column is never read two ways: set decimal_separator: '" ~ other ~ "' if the file writes decimals that way, or correct the value.")]) }}
{%- endmacro %}

{% macro strip_currency(expr) -%}
  {{ return(adapter.dispatch('strip_currency', 'customer_activation')(expr)) }}
{%- endmacro %}

{% macro duckdb__strip_currency(expr) -%}
  regexp_replace({{ expr }}, '[\s$€£¥\x{00A0}\x{202F}]', '', 'g')
{%- endmacro %}

{% macro default__strip_currency(expr) -%}
  regexp_replace({{ expr }}, '[\\s$€£¥\\x{00A0}\\x{202F}]', '')
{%- endmacro %}

{% macro type_money() -%}decimal(18, 2){%- endmacro %}

{% macro safe_cast_decimal(expr) -%}
  {{ return(adapter.dispatch('safe_cast', 'customer_activation')(expr, type_money())) }}
{%- endmacro %}
