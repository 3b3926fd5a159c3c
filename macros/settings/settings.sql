{#- Reading and checking settings. Every var of the project is declared once in the registry
    (macros/settings/registry.sql); setting(name) is the only way SQL reads one, so a value of
    the wrong type or out of range stops the build with a message naming the var, wherever it
    is read: also while dbt parses the project, before on-run-start has validated anything. -#}

{#- The registry as a mapping name -> entry. -#}
{% macro settings_by_name() %}
  {{ return(settings_registry(by_name=true)) }}
{% endmacro %}

{#- The value of a setting: the var when it is set, else the registry's default; checked. -#}
{% macro setting(name) %}
  {%- set entries = settings_by_name() -%}
  {%- if name not in entries -%}
    {{ exceptions.raise_compiler_error("setting '" ~ name ~ "' is not in the settings registry (macros/settings/registry.sql); declare it there with its default, type and doc") }}
  {%- endif -%}
  {{ return(checked_setting(entries[name])) }}
{% endmacro %}

{#- The value of one registry entry, checked against its type and range. -#}
{% macro checked_setting(entry) %}
  {%- set name = entry['name'] -%}
  {%- set kind = entry['type'] -%}
  {%- set value = var(name, entry['default']) -%}
  {%- if value is none and kind in ('text', 'date') -%}{%- set value = '' -%}{%- endif -%}
  {%- set is_bool = value is sameas true or value is sameas false -%}
  {%- set is_number = value is number and not is_bool -%}
  {%- set is_list = value is iterable and value is not string and value is not mapping -%}
  {%- if kind in ('text', 'date') and value is not string -%}
    {{ exceptions.raise_compiler_error("var '" ~ name ~ "' must be text" ~ (" (a date written YYYY-MM-DD, or empty)" if kind == 'date' else "") ~ "; got " ~ (value | string) ~ " (" ~ var_kind(value) ~ ")") }}
  {%- elif kind == 'date' and (value | trim) != '' and not modules.re.match('^[0-9]{4}-[0-9]{2}-[0-9]{2}$', value | trim) -%}
    {{ exceptions.raise_compiler_error("var '" ~ name ~ "' must be a date written YYYY-MM-DD (e.g. \"2011-12-09\"); got " ~ (value | string)) }}
  {%- elif kind == 'date' and (value | trim) != '' and not is_calendar_date(value | trim) -%}
    {{ exceptions.raise_compiler_error("var '" ~ name ~ "' must be a real calendar date written YYYY-MM-DD; got " ~ (value | string) ~ " (no such day)") }}
  {%- elif kind == 'boolean' and not is_bool -%}
    {{ exceptions.raise_compiler_error("var '" ~ name ~ "' must be true or false; got '" ~ (value | string) ~ "' (" ~ var_kind(value) ~ ")") }}
  {%- elif kind in ('integer', 'number') -%}
    {%- if not is_number -%}
      {{ exceptions.raise_compiler_error("var '" ~ name ~ "' must be a number between " ~ entry['min'] ~ " and " ~ entry['max'] ~ "; got '" ~ (value | string) ~ "' (" ~ var_kind(value) ~ ")") }}
    {%- endif -%}
    {%- if value < entry['min'] or value > entry['max'] -%}
      {{ exceptions.raise_compiler_error("var '" ~ name ~ "' must be between " ~ entry['min'] ~ " and " ~ entry['max'] ~ "; got " ~ value) }}
    {%- endif -%}
    {%- if kind == 'integer' and value != (value | int) -%}
      {{ exceptions.raise_compiler_error("var '" ~ name ~ "' must be a whole number; got " ~ value) }}
    {%- endif -%}
  {%- elif kind == 'choice' and (value is not string or (value | lower) not in entry['choices']) -%}
    {{ exceptions.raise_compiler_error("var '" ~ name ~ "' must be one of " ~ (entry['choices'] | join(', ')) ~ "; got " ~ (value | string)) }}
  {%- elif kind == 'mapping' and value is not mapping -%}
    {{ exceptions.raise_compiler_error("var '" ~ name ~ "' must be a mapping, e.g. {a: ..., b: ...}; got " ~ (value | string)) }}
  {%- elif kind == 'list' -%}
    {%- if not is_list -%}
      {{ exceptions.raise_compiler_error("var '" ~ name ~ "' must be a list, e.g. [\"a\", \"b\"]; got " ~ (value | string)) }}
    {%- endif -%}
    {%- if value | length < entry.get('length', 0) -%}
      {{ exceptions.raise_compiler_error("var '" ~ name ~ "' must be a non-empty list, e.g. [\"a\", \"b\"]; got " ~ (value | string)) }}
    {%- endif -%}
    {%- for item in value -%}
      {%- if entry.get('items') == 'number' and (item is not number or item is sameas true or item is sameas false) -%}
        {{ exceptions.raise_compiler_error("var '" ~ name ~ "' must be a list of numbers; got " ~ (value | string)) }}
      {%- elif entry.get('items') == 'text' and item is not string -%}
        {{ exceptions.raise_compiler_error("var '" ~ name ~ "' must be a list of text values; got " ~ (value | string)) }}
      {%- endif -%}
    {%- endfor -%}
  {%- endif -%}
  {{ return((value | lower) if kind == 'choice' else value) }}
{% endmacro %}

{#- The settings of one registry group, as a mapping name -> value (e.g. circles). -#}
{% macro settings_of_group(group) %}
  {%- set values = {} -%}
  {%- for entry in settings_registry() if entry['group'] == group -%}
    {%- do values.update({entry['name']: checked_setting(entry)}) -%}
  {%- endfor -%}
  {{ return(values) }}
{% endmacro %}

{#- Every setting checked at the start of every dbt invocation (on-run-start). -#}
{% macro validate_vars() %}
  {%- for entry in settings_registry() -%}
    {%- do checked_setting(entry) -%}
  {%- endfor -%}
  {{ return('') }}
{% endmacro %}

{#- What kind of value a var holds, in words, for error messages. -#}
{% macro var_kind(value) -%}
  {%- if value is string -%}text{%- elif value is sameas true or value is sameas false -%}true/false
  {%- elif value is number -%}a number{%- elif value is mapping -%}a mapping
  {%- elif value is iterable -%}a list{%- elif value is none -%}nothing{%- else -%}{{ value | string }}{%- endif -%}
{%- endmacro %}

{#- The as_of_date setting as a SQL date literal, or null when not set. -#}
{% macro as_of_date_var_sql() -%}
  {%- set value = setting('as_of_date') -%}
  {%- if (value | trim) == '' -%}cast(null as date)
  {%- else -%}cast('{{ value | trim }}' as date){%- endif -%}
{%- endmacro %}

{#- True when a YYYY-MM-DD text names a day that exists (2024-02-30 does not). -#}
{% macro is_calendar_date(text) %}
  {%- set parts = text.split('-') | map('int') | list -%}
  {%- if parts[0] < 1 or parts[1] < 1 or parts[1] > 12 or parts[2] < 1 -%}{{ return(false) }}{%- endif -%}
  {%- set first = modules.datetime.date(parts[0], parts[1], 1) -%}
  {%- set next_first = modules.datetime.date(parts[0] + (parts[1] // 12), (parts[1] % 12) + 1, 1) -%}
  {{ return(parts[2] <= (next_first - first).days) }}
{% endmacro %}
