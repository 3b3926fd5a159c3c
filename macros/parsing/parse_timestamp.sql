{#- Timestamps and dates in text, read one way per column:
      ISO 8601 (2024-01-03, 2024-01-03T14:00:00+02:00; offsets are converted to UTC);
      numeric dates with / . or - (03/01/2024, 3.1.24 14:00) in the column's day/month order
        (resolved_date_order: var date_order, or decided from the column's values); a year of
        four digits first (2024/01/03) is always year-month-day. Two-digit years follow the
        POSIX rule: 00-68 are 2000-2068, 69-99 are 1969-1999;
      else the strptime formats of var timestamp_formats, tried in order.
    A numeric date that cannot be read in the column's order but can in another is rejected as
    ambiguous_date (parse_failure_reason), never read with a different order than its column. -#}
{% macro parse_timestamp(expr, date_order='undecided') -%}
  {{ timestamp_from_text(clean_text(expr), date_order) }}
{%- endmacro %}

{#- The same from text that is already clean (clean_text): the parsed models clean every column
    once, then parse the clean text (parsed_contract_columns). -#}
{% macro timestamp_from_text(text, date_order='undecided') -%}
  coalesce(
    {#- only a text that starts like ISO (YYYY-): the engines' casts also take 1/3/24 as year 1 -#}
    case when substr({{ text }}, 5, 1) = '-' then {{ iso_timestamp(text) }} end,
    {{ numeric_date(text, date_order) }},
    {{ formatted_timestamp(text) }}
  )
{%- endmacro %}

{% macro parse_date(expr, date_order='undecided') -%}
  {{ date_from_text(clean_text(expr), date_order) }}
{%- endmacro %}

{% macro date_from_text(text, date_order='undecided') -%}
  cast({{ timestamp_from_text(text, date_order) }} as date)
{%- endmacro %}

{% macro iso_timestamp(text) -%}
  {{ return(adapter.dispatch('iso_timestamp', 'customer_activation')(text)) }}
{%- endmacro %}

{#- DuckDB: a cast to timestamp ignores an offset, so a text with one (Z, +02:00, UTC: a sign or a
    letter after the date) goes through timestamptz; the others take the plain cast, about
    twice as fast. -#}
{% macro duckdb__iso_timestamp(text) -%}
  case when lower(substr({{ text }}, 12)) = upper(substr({{ text }}, 12))
            and strpos(substr({{ text }}, 12), '+') = 0 and strpos(substr({{ text }}, 12), '-') = 0
       then try_cast({{ text }} as timestamp)
       else try_cast(try_cast({{ text }} as timestamptz) as timestamp) end
{%- endmacro %}

{% macro default__iso_timestamp(text) -%}
  {{ safe_cast(text, 'timestamp') }}
{%- endmacro %}

{% macro formatted_timestamp(text) -%}
  {{ return(adapter.dispatch('formatted_timestamp', 'customer_activation')(text)) }}
{%- endmacro %}

{% macro duckdb__formatted_timestamp(text) -%}
  {%- if setting('timestamp_formats') -%}
  try_strptime({{ text }}, [{%- for f in setting('timestamp_formats') -%}{{ string_literal(f) }}{{ ", " if not loop.last }}{%- endfor -%}])
  {%- else -%}cast(null as timestamp){%- endif -%}
{%- endmacro %}

{% macro default__formatted_timestamp(text) -%}
  coalesce(cast(null as timestamp)
  {%- for f in setting('timestamp_formats') %}, try_to_timestamp({{ text }}, '{{ strptime_to_java(f) }}'){%- endfor %})
{%- endmacro %}

{# strptime -> Java/Spark datetime pattern, for the formats we ship. #}
{% macro strptime_to_java(fmt) -%}
  {{- fmt | replace('%Y', 'yyyy') | replace('%m', 'MM') | replace('%d', 'dd') | replace('%H', 'HH') | replace('%M', 'mm') | replace('%S', 'ss') | replace('%B', 'MMMM') | replace('%b', 'MMM') -}}
{%- endmacro %}

{#- The shape of a numeric date: three numbers separated by / . or -, then an optional time. -#}
{% macro numeric_date_pattern() -%}^([0-9]{1,4})[/.-]([0-9]{1,2})[/.-]([0-9]{1,4})([ T].*)?${%- endmacro %}

{#- A numeric date read in `date_order` (dmy, mdy, ymd; undecided reads only the values whose
    order shows: a part above 12, or day = month), as a timestamp; null when it is not one. -#}
{% macro numeric_date(text, date_order) -%}
  {%- set p = numeric_date_pattern() -%}
  {%- set a = "regexp_extract(" ~ text ~ ", '" ~ p ~ "', 1)" -%}
  {%- set b = "regexp_extract(" ~ text ~ ", '" ~ p ~ "', 2)" -%}
  {%- set c = "regexp_extract(" ~ text ~ ", '" ~ p ~ "', 3)" -%}
  {%- set rest = "coalesce(regexp_extract(" ~ text ~ ", '" ~ p ~ "', 4), '')" -%}
  {%- set ai = safe_cast(a, 'int') -%}{%- set bi = safe_cast(b, 'int') -%}
  {%- if date_order == 'dmy' -%}{%- set day, month, year = a, b, c -%}
  {%- elif date_order == 'mdy' -%}{%- set day, month, year = b, a, c -%}
  {%- elif date_order == 'ymd' -%}{%- set day, month, year = c, b, a -%}
  {%- else -%}
    {%- set day = "case when " ~ ai ~ " > 12 or " ~ ai ~ " = " ~ bi ~ " then " ~ a ~ " when " ~ bi ~ " > 12 then " ~ b ~ " end" -%}
    {%- set month = "case when " ~ ai ~ " > 12 or " ~ ai ~ " = " ~ bi ~ " then " ~ b ~ " when " ~ bi ~ " > 12 then " ~ a ~ " end" -%}
    {%- set year = c -%}
  {%- endif -%}
  case when substr({{ text }}, 2, 1) in ('/', '.', '-') or substr({{ text }}, 3, 1) in ('/', '.', '-')
            or substr({{ text }}, 5, 1) in ('/', '.') then
    {{ safe_cast(dbt.concat([
        "case when length(" ~ a ~ ") = 4 then " ~ a ~ " else " ~ full_year(year) ~ " end", "'-'",
        "lpad(case when length(" ~ a ~ ") = 4 then " ~ b ~ " else " ~ month ~ " end, 2, '0')", "'-'",
        "lpad(case when length(" ~ a ~ ") = 4 then " ~ c ~ " else " ~ day ~ " end, 2, '0')",
        rest]), 'timestamp') }}
  end
{%- endmacro %}

{#- A year of two digits by the POSIX rule (00-68: 20xx, 69-99: 19xx), of four as it is; any
    other length is not a year. -#}
{% macro full_year(year) -%}
  case when length({{ year }}) = 4 then {{ year }}
       when length({{ year }}) = 2 then {{ dbt.concat(["case when " ~ safe_cast(year, 'int') ~ " < 69 then '20' else '19' end", year]) }}
  end
{%- endmacro %}

{#- True when a numeric date (clean text) does not read in the column's order but does in another. -#}
{% macro parses_in_another_date_order(text, date_order) -%}
  {%- set others = {'dmy': ['mdy'], 'mdy': ['dmy'], 'ymd': ['dmy', 'mdy'], 'undecided': ['dmy', 'mdy']}[date_order] -%}
  ({%- for other in others -%}{{ numeric_date(text, other) }} is not null{{ " or " if not loop.last }}{%- endfor -%})
{%- endmacro %}

{#- The day/month order of the numeric dates of a contract column: var date_order, or (auto)
    the order its values show: a value that is a valid date read day-first but not month-first
    (31/01/2024) counts for dmy, the other way round for mdy (an impossible date such as
    31/02/2024 counts for neither), and the larger count wins; 'undecided' when neither shows
    (every value reads the same either way or is not numeric). Decided on the
    whole column when the model runs (the parsed models store it in their parse_config_hash). -#}
{% macro resolved_date_order(table, column) %}
  {%- if setting('date_order') != 'auto' -%}{{ return(setting('date_order')) }}{%- endif -%}
  {%- if not execute -%}{{ return('undecided') }}{%- endif -%}
  {#- once per invocation (invocation_memo): each parsed model asks several times, and each
      answer scans the column -#}
  {%- set memo = invocation_memo() -%}
  {%- set key = 'resolved_date_order.' ~ table ~ '.' ~ column -%}
  {%- if key not in memo -%}{%- do memo.update({key: date_order_of_values(table, column)}) -%}{%- endif -%}
  {{ return(memo[key]) }}
{% endmacro %}

{% macro date_order_of_values(table, column) %}
  {%- set located = locate_raw_table(table) -%}
  {%- if located is none -%}{{ return('undecided') }}{%- endif -%}
  {%- set text = clean_text(column) -%}
  {#- Only values that may be numeric dates are cleaned: a value starting with a printable
      ASCII character is not trimmed at its start, so its 2nd and 3rd characters are those of
      its clean text (an ISO timestamp column is then read, not cleaned: its '-' is 5th). -#}
  {%- set separators = [] -%}
  {%- for position in [2, 3] -%}{%- for c in ['/', '.', '-'] -%}
    {%- do separators.append("substr(" ~ column ~ ", " ~ position ~ ", 1) = '" ~ c ~ "'") -%}
  {%- endfor -%}{%- endfor -%}
  {%- set raw_prefilter = "(" ~ (separators | join(" or ")) ~ " or not (" ~ first_code_point(column) ~ " between 33 and 126))" -%}
  {%- set evidence = run_query(
      "select coalesce(sum(case when " ~ numeric_date('value', 'dmy') ~ " is not null and " ~ numeric_date('value', 'mdy')
      ~ " is null then 1 else 0 end), 0) as dmy_values, "
      ~ "coalesce(sum(case when " ~ numeric_date('value', 'mdy') ~ " is not null and " ~ numeric_date('value', 'dmy')
      ~ " is null then 1 else 0 end), 0) as mdy_values from ("
      ~ "select " ~ text ~ " as value from (" ~ raw_table(table) ~ ") as raw_rows "
      ~ "where " ~ raw_prefilter ~ ") as values_read "
      ~ "where substr(value, 2, 1) in ('/', '.', '-') or substr(value, 3, 1) in ('/', '.', '-')") -%}
  {%- set dmy = evidence.rows[0][0] | int -%}
  {%- set mdy = evidence.rows[0][1] | int -%}
  {{ return('dmy' if dmy > mdy else ('mdy' if mdy > dmy else 'undecided')) }}
{% endmacro %}

{#- The code point of a text's first character (DuckDB unicode(), Spark ascii()). -#}
{% macro first_code_point(expr) -%}
  {{ return(adapter.dispatch('first_code_point', 'customer_activation')(expr)) }}
{%- endmacro %}

{% macro duckdb__first_code_point(expr) -%}
  unicode({{ expr }})
{%- endmacro %}

{% macro default__first_code_point(expr) -%}
  ascii({{ expr }})
{%- endmacro %}
