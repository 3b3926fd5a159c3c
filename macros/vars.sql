{#- Validation of vars, run at the start of every dbt invocation (on-run-start), so a wrong
    var stops the build with a message naming it instead of failing somewhere deep. -#}
{% macro validate_vars() %}
  {%- set re = modules.re -%}
  {%- set date_vars = ['as_of_date', 'min_valid_date'] -%}
  {%- for name in date_vars -%}
    {%- set value = var(name, '') -%}
    {%- if value is not none and (value | string | trim) != '' -%}
      {%- if not re.match('^[0-9]{4}-[0-9]{2}-[0-9]{2}$', value | string | trim) -%}
        {{ exceptions.raise_compiler_error("var '" ~ name ~ "' must be a date written YYYY-MM-DD (e.g. \"2011-12-09\"); got " ~ (value | string)) }}
      {%- endif -%}
    {%- endif -%}
  {%- endfor -%}
  {%- for name in ['raw_data_path', 'raw_schema', 'raw_database', 'demo_data_path', 'default_order_status'] -%}
    {%- if var(name, '') is not string -%}
      {{ exceptions.raise_compiler_error("var '" ~ name ~ "' must be text; got " ~ (var(name) | string)) }}
    {%- endif -%}
  {%- endfor -%}
  {%- for name in ['timestamp_formats', 'order_statuses'] -%}
    {%- if var(name) is string or var(name) is not iterable or var(name) is mapping -%}
      {{ exceptions.raise_compiler_error("var '" ~ name ~ "' must be a list, e.g. [\"a\", \"b\"]; got " ~ (var(name) | string)) }}
    {%- endif -%}
  {%- endfor -%}
  {%- for name, spec in var_number_specs().items() -%}
    {{ validate_number_var(name, spec[0], spec[1], spec[2]) }}
  {%- endfor -%}
  {{ return('') }}
{% endmacro %}

{#- Numeric vars: name -> (default, minimum, maximum). Later layers add theirs here. -#}
{% macro var_number_specs() %}
  {{ return({}) }}
{% endmacro %}

{% macro validate_number_var(name, default, minimum, maximum) %}
  {%- set value = var(name, default) -%}
  {%- if value is string or value is not number -%}
    {{ exceptions.raise_compiler_error("var '" ~ name ~ "' must be a number between " ~ minimum ~ " and " ~ maximum ~ "; got '" ~ (value | string) ~ "' (" ~ (value.__class__.__name__) ~ ")") }}
  {%- endif -%}
  {%- if value < minimum or value > maximum -%}
    {{ exceptions.raise_compiler_error("var '" ~ name ~ "' must be between " ~ minimum ~ " and " ~ maximum ~ "; got " ~ value) }}
  {%- endif -%}
{% endmacro %}

{#- The as_of_date var as a SQL date literal, or null when not set. -#}
{% macro as_of_date_var_sql() -%}
  {%- set value = var('as_of_date', '') -%}
  {%- if value is none or (value | string | trim) == '' -%}cast(null as date)
  {%- else -%}cast('{{ value | string | trim }}' as date){%- endif -%}
{%- endmacro %}
