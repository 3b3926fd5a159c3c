{#-
  Safe parsing of text into typed values: a value that cannot be parsed becomes null, and the
  staging model that called the macro turns "text present but parsed null" into a rejection
  (unparseable_date / unparseable_number) instead of crashing the build.
  Engine-specific versions exist only where the SQL differs.
-#}

{# Blank text is null; surrounding spaces go. #}
{% macro clean_text(expr) -%}
  nullif(trim({{ expr }}), '')
{%- endmacro %}

{# Codes (status, arm, gender, ...) compare lower-case and trimmed. #}
{% macro clean_code(expr) -%}
  lower(nullif(trim({{ expr }}), ''))
{%- endmacro %}

{# Timestamps: ISO 8601 (with or without a UTC offset; offsets are converted to UTC), else the
   strptime formats of var timestamp_formats, tried in order. #}
{% macro parse_timestamp(expr) -%}
  {{ return(adapter.dispatch('parse_timestamp', 'customer_activation')(expr)) }}
{%- endmacro %}

{% macro duckdb__parse_timestamp(expr) -%}
  coalesce(
    try_cast(try_cast(nullif(trim({{ expr }}), '') as timestamptz) as timestamp),
    try_strptime(nullif(trim({{ expr }}), ''), [{%- for f in var('timestamp_formats') -%}'{{ f }}'{{ ", " if not loop.last }}{%- endfor -%}])
  )
{%- endmacro %}

{% macro default__parse_timestamp(expr) -%}
  coalesce(
    try_cast(nullif(trim({{ expr }}), '') as timestamp)
    {%- for f in var('timestamp_formats') %},
    try_to_timestamp(nullif(trim({{ expr }}), ''), '{{ strptime_to_java(f) }}')
    {%- endfor %}
  )
{%- endmacro %}

{# strptime -> Java/Spark datetime pattern, for the formats we ship. #}
{% macro strptime_to_java(fmt) -%}
  {{- fmt | replace('%Y', 'yyyy') | replace('%m', 'MM') | replace('%d', 'dd') | replace('%H', 'HH') | replace('%M', 'mm') | replace('%S', 'ss') -}}
{%- endmacro %}

{% macro parse_date(expr) -%}
  cast({{ parse_timestamp(expr) }} as date)
{%- endmacro %}

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

{# The original row, as JSON text, for stg_rejected_rows. #}
{% macro row_as_json(columns, prefix='') -%}
  {{ return(adapter.dispatch('row_as_json', 'customer_activation')(columns, prefix)) }}
{%- endmacro %}
{% macro duckdb__row_as_json(columns, prefix) -%}
  cast(to_json(struct_pack({%- for c in columns -%}{{ c }} := {{ prefix }}{{ c }}{{ ", " if not loop.last }}{%- endfor -%})) as varchar)
{%- endmacro %}
{% macro default__row_as_json(columns, prefix) -%}
  to_json(named_struct({%- for c in columns -%}'{{ c }}', {{ prefix }}{{ c }}{{ ", " if not loop.last }}{%- endfor -%}))
{%- endmacro %}

{# One parsed select-list entry per contract column, by type, plus the raw text as raw_<name>.
   A column with a contract default takes it when the value is blank, as when the column is
   absent (an empty status is the default status, not an unknown one). #}
{% macro parsed_contract_columns(table, codes=[]) -%}
  {%- for col in contract_columns(table) %}
    {% if col.get('default') is not none and col['type'] == 'text' -%}
      {%- set default_literal = "'" ~ (col['default'] | replace("'", "''")) ~ "'" -%}
      {%- if col['name'] in codes -%}coalesce({{ clean_code(col['name']) }}, {{ clean_code(default_literal) }})
      {%- else -%}coalesce({{ clean_text(col['name']) }}, {{ clean_text(default_literal) }}){%- endif -%}
    {%- elif col['name'] in codes -%}{{ clean_code(col['name']) }}
    {%- elif col['type'] == 'text' -%}{{ clean_text(col['name']) }}
    {%- elif col['type'] == 'date' -%}{{ parse_date(col['name']) }}
    {%- elif col['type'] == 'timestamp' -%}{{ parse_timestamp(col['name']) }}
    {%- elif col['type'] == 'int' -%}{{ parse_int(col['name']) }}
    {%- elif col['type'] == 'money' -%}{{ parse_money(col['name']) }}
    {%- elif col['type'] == 'float' -%}{{ parse_float(col['name']) }}
    {%- else -%}{{ exceptions.raise_compiler_error("unknown contract type " ~ col['type']) }}
    {%- endif %} as {{ col['name'] }},
    {{ col['name'] }} as raw_{{ col['name'] }}{{ "," if not loop.last }}
  {%- endfor %}
{%- endmacro %}

{# Column names of a contract table, raw_-prefixed or not. #}
{% macro contract_column_names(table, prefix='') -%}
  {%- set names = [] -%}
  {%- for col in contract_columns(table) -%}{%- do names.append(prefix ~ col['name']) -%}{%- endfor -%}
  {{ return(names) }}
{%- endmacro %}

{#- Order-independent aggregates of floating-point values. A parallel engine adds doubles in
    whatever order its threads finish, so sum() / avg() / stddev_samp() of a double can differ
    in the last bits from one run to the next, and those bits change fitted models and model
    versions downstream. deterministic_sum / _avg round each value to 18 decimals (row by row,
    so deterministically) and add them as an exact decimal: two builds on the same input give
    identical results (values up to 1e20). `over`: an optional window clause body. -#}
{% macro type_deterministic_sum() -%}decimal(38, 18){%- endmacro %}

{% macro deterministic_sum(expr, over=none) -%}
  cast(sum(cast({{ expr }} as {{ type_deterministic_sum() }})){% if over is not none %} over ({{ over }}){% endif %} as double)
{%- endmacro %}

{% macro deterministic_avg(expr, over=none) -%}
  cast(avg(cast({{ expr }} as {{ type_deterministic_sum() }})){% if over is not none %} over ({{ over }}){% endif %} as double)
{%- endmacro %}

{#- The sample standard deviation, computed in a fixed order where the engine allows it
    (DuckDB: an ordered aggregate; the values are sorted, so ties cannot reorder anything). -#}
{% macro deterministic_stddev_samp(expr) -%}
  {{ return(adapter.dispatch('deterministic_stddev_samp', 'customer_activation')(expr)) }}
{%- endmacro %}
{% macro default__deterministic_stddev_samp(expr) -%}stddev_samp({{ expr }}){%- endmacro %}
{% macro duckdb__deterministic_stddev_samp(expr) -%}stddev_samp({{ expr }} order by {{ expr }}){%- endmacro %}
