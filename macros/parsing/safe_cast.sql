{#- Safe parsing of text into typed values: a value that cannot be parsed becomes null, and the
    staging model that called the macro turns "text present but parsed null" into a rejection
    (or, in an optional column, a null value recorded in stg_rejected_values) instead of
    crashing the build. -#}
{% macro safe_cast(expr, type) -%}
  {{ return(adapter.dispatch('safe_cast', 'customer_activation')(expr, type)) }}
{%- endmacro %}

{% macro default__safe_cast(expr, type) -%}try_cast({{ expr }} as {{ type }}){%- endmacro %}

{#- True when the whole text matches the regular expression (no anchors needed). -#}
{% macro matches_regex(expr, pattern) -%}
  {{ return(adapter.dispatch('matches_regex', 'customer_activation')(expr, pattern)) }}
{%- endmacro %}

{% macro duckdb__matches_regex(expr, pattern) -%}regexp_full_match({{ expr }}, {{ string_literal(pattern) }}){%- endmacro %}

{% macro default__matches_regex(expr, pattern) -%}({{ expr }} rlike {{ string_literal('^(' ~ pattern ~ ')$') }}){%- endmacro %}

{#- Integers: '3', ' 3 ', '+3' and '3.0' (as written by tools that store ints as floats) parse;
    '3.5', '0x1F' and '1e3' do not (not_integer): a value is never rounded. -#}
{% macro parse_int(expr) -%}
  {{ int_from_text(clean_text(expr)) }}
{%- endmacro %}

{#- The same from text that is already clean (clean_text): the parsed models clean every column
    once, then parse the clean text (parsed_contract_columns). -#}
{% macro int_from_text(text) -%}
  case when {{ matches_regex(text, '[-+]?[0-9]{1,18}([.]0*)?') }}
       then {{ safe_cast("regexp_replace(" ~ text ~ ", '[.]0*$', '')", 'bigint') }} end
{%- endmacro %}

{#- Clean text of a number where an integer is expected: decimals, an exponent or a hexadecimal literal. -#}
{% macro looks_like_number(text) -%}
  ({{ matches_regex(text, '[-+]?([0-9]+[.,][0-9]+|[.,][0-9]+|[0-9]+([.][0-9]*)?[eE][-+]?[0-9]+|0[xX][0-9a-fA-F]+|[0-9]{19,})') }})
{%- endmacro %}

{% macro parse_float(expr) -%}
  {{ float_from_text(clean_text(expr)) }}
{%- endmacro %}

{% macro float_from_text(text) -%}
  {{ safe_cast(decimal_text(text), 'double') }}
{%- endmacro %}

{#- True when a typed column's text holds a value but it did not parse: the relation (`prefix`,
    e.g. 'parsed.') has the parsed value as <column> and its clean text (clean_text) as
    text_<column> (parsed_contract_columns). The parsed value's null test comes first: inside
    a CASE condition the clean text is then read only for the (few) rows whose value is null.
    The clean text is a column, never clean_text(raw_<column>) again: DuckDB hoists an
    expression used twice out of a CASE and would clean every row's raw text once more. -#}
{% macro is_unparseable(column, prefix='') -%}
  ({{ prefix }}{{ column }} is null and {{ prefix }}text_{{ column }} is not null)
{%- endmacro %}

{#- The check of one typed column: (text present but not parsed, the reason), the reason
    following the column's type: not_integer / unparseable_number, ambiguous_date /
    unparseable_date; a number written with the other decimal separator stops the build
    (decimal_separator_guard). For the `checks` of checked_rows. -#}
{% macro unparseable_check(table, column) -%}
  {{ return((is_unparseable(column), parse_failure_reason(table, column))) }}
{%- endmacro %}

{#- One branch of a CASE: when the column's text did not parse, its reason (for a parse_reason). -#}
{% macro when_unparseable(table, column, prefix='') -%}
  when {{ is_unparseable(column, prefix) }} then {{ parse_failure_reason(table, column, prefix) }}
{%- endmacro %}

{#- Why a typed column's clean text (text_<column>) did not parse. -#}
{% macro parse_failure_reason(table, column, prefix='') -%}
  {%- set type = contract_column(table, column)['type'] -%}
  {%- set text = prefix ~ 'text_' ~ column -%}
  {%- if type == 'int' -%}
    case when {{ looks_like_number(text) }} then 'not_integer' else 'unparseable_number' end
  {%- elif type in ('money', 'float') -%}
    case when {{ other_decimal_convention(text) }} then {{ raise_error(decimal_separator_message(table, column, prefix ~ 'raw_' ~ column)) }}
         else 'unparseable_number' end
  {%- elif type in ('date', 'timestamp') -%}
    case when {{ parses_in_another_date_order(text, resolved_date_order(table, column)) }} then 'ambiguous_date'
         else 'unparseable_date' end
  {%- else -%}
    'unparseable_value'
  {%- endif -%}
{%- endmacro %}

{#- SQL of a reason: a reason code is quoted, anything else is an SQL expression. -#}
{% macro reason_sql(reason) -%}
  {%- if modules.re.match('^[a-z_]+$', reason | trim) -%}'{{ reason | trim }}'{%- else -%}{{ reason }}{%- endif -%}
{%- endmacro %}

{#- Stop the query with a message (an SQL text expression). -#}
{% macro raise_error(message_sql) -%}
  {{ return(adapter.dispatch('raise_error', 'customer_activation')(message_sql)) }}
{%- endmacro %}

{% macro duckdb__raise_error(message_sql) -%}error({{ message_sql }}){%- endmacro %}

{% macro default__raise_error(message_sql) -%}raise_error({{ message_sql }}){%- endmacro %}
