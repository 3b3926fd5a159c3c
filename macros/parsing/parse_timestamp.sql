{# Timestamps: ISO 8601 (with or without a UTC offset; offsets are converted to UTC), else the
   strptime formats of var timestamp_formats, tried in order. #}
{% macro parse_timestamp(expr) -%}
  {{ return(adapter.dispatch('parse_timestamp', 'customer_activation')(expr)) }}
{%- endmacro %}

{% macro duckdb__parse_timestamp(expr) -%}
  coalesce(
    try_cast(try_cast(nullif(trim({{ expr }}), '') as timestamptz) as timestamp),
    try_strptime(nullif(trim({{ expr }}), ''), [{%- for f in setting('timestamp_formats') -%}'{{ f }}'{{ ", " if not loop.last }}{%- endfor -%}])
  )
{%- endmacro %}

{% macro default__parse_timestamp(expr) -%}
  coalesce(
    try_cast(nullif(trim({{ expr }}), '') as timestamp)
    {%- for f in setting('timestamp_formats') %},
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
