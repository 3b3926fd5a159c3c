{# One parsed select-list entry per contract column, by type, plus the raw text as raw_<name>.
   Ids (*_id) are clean text (clean_id); dates read in the column's day/month order.
   A column with a contract default takes it when the value is blank, as when the column is
   absent (an empty status is the default status, not an unknown one). #}
{% macro parsed_contract_columns(table, codes=[]) -%}
  {%- for col in contract_columns(table) %}
    {% if col.get('default') is not none and col['type'] == 'text' -%}
      {%- set default_literal = "'" ~ (col['default'] | replace("'", "''")) ~ "'" -%}
      {%- if col['name'] in codes -%}coalesce({{ clean_code(col['name']) }}, {{ clean_code(default_literal) }})
      {%- else -%}coalesce({{ clean_text(col['name']) }}, {{ clean_text(default_literal) }}){%- endif -%}
    {%- elif col['name'] in codes -%}{{ clean_code(col['name']) }}
    {%- elif col['type'] == 'text' and col['name'].endswith('_id') -%}{{ clean_id(col['name']) }}
    {%- elif col['type'] == 'text' -%}{{ clean_text(col['name']) }}
    {%- elif col['type'] == 'date' -%}{{ parse_date(col['name'], resolved_date_order(table, col['name'])) }}
    {%- elif col['type'] == 'timestamp' -%}{{ parse_timestamp(col['name'], resolved_date_order(table, col['name'])) }}
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
