{#- Safe parsing of text into typed values: a value that cannot be parsed becomes null, and the
    staging model that called the macro turns "text present but parsed null" into a rejection
    (unparseable_date / unparseable_number) instead of crashing the build. -#}
{% macro safe_cast(expr, type) -%}
  {{ return(adapter.dispatch('safe_cast', 'customer_activation')(expr, type)) }}
{%- endmacro %}

{% macro default__safe_cast(expr, type) -%}try_cast({{ expr }} as {{ type }}){%- endmacro %}

{# Integers: '3', ' 3 ', and '3.0' (as written by tools that store ints as floats) parse;
   '3.5' does not. #}
{% macro parse_int(expr) -%}
  coalesce(
    {{ safe_cast(clean_text(expr), 'bigint') }},
    case when {{ safe_cast(clean_text(expr), 'double') }} = floor({{ safe_cast(clean_text(expr), 'double') }})
              and abs({{ safe_cast(clean_text(expr), 'double') }}) < 1e15
         then cast({{ safe_cast(clean_text(expr), 'double') }} as bigint) end
  )
{%- endmacro %}

{% macro parse_float(expr) -%}
  {{ safe_cast(clean_text(expr), 'double') }}
{%- endmacro %}

{# True when the text holds a value but it did not parse. #}
{% macro is_unparseable(raw_expr, parsed_expr) -%}
  ({{ clean_text(raw_expr) }} is not null and {{ parsed_expr }} is null)
{%- endmacro %}

{# True when any of the columns holds text that did not parse (its raw text is raw_<column>). #}
{% macro any_unparseable(columns) -%}
  {%- for column in columns -%}
    {{ is_unparseable('raw_' ~ column, column) }}{{ " or " if not loop.last }}
  {%- endfor -%}
{%- endmacro %}
