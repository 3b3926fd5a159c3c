{#- A contract table is parsed in two steps, each a select list over the one before:
      cleaned_contract_columns  every column cleaned once (clean_text: trimmed, null tokens read
                                as null), with its raw text as raw_<name>: ids by clean_id, code
                                columns lower-cased (clean_code), a column with a contract
                                default taking it when the value is blank, as when the column
                                is absent (an empty status is the default status, not an
                                unknown one);
      parsed_contract_columns   over those: each typed column parsed from its clean text (dates
                                in the column's day/month order) and that clean text kept as
                                text_<name> (is_unparseable reads it), the text columns and the
                                raw_ texts as they are.
    Cleaning once matters: every parse macro reads its text several times, and the raw text
    would otherwise be cleaned again at each read. -#}
{% macro cleaned_contract_columns(table, codes=[]) -%}
  {%- for col in contract_columns(table) %}
    {% if col.get('default') is not none and col['type'] == 'text' -%}
      {%- set default_literal = "'" ~ (col['default'] | replace("'", "''")) ~ "'" -%}
      {%- if col['name'] in codes -%}coalesce({{ clean_code(col['name']) }}, {{ clean_code(default_literal) }})
      {%- else -%}coalesce({{ clean_text(col['name']) }}, {{ clean_text(default_literal) }}){%- endif -%}
    {%- elif col['name'] in codes -%}{{ clean_code(col['name']) }}
    {%- elif col['type'] == 'text' and col['name'].endswith('_id') -%}{{ clean_id(col['name']) }}
    {%- else -%}{{ clean_text(col['name']) }}
    {%- endif %} as {{ col['name'] }},
    {{ col['name'] }} as raw_{{ col['name'] }}{{ "," if not loop.last }}
  {%- endfor %}
{%- endmacro %}

{% macro parsed_contract_columns(table) -%}
  {%- for col in contract_columns(table) %}
    {% if col['type'] == 'text' -%}{{ col['name'] }}
    {%- elif col['type'] == 'date' -%}{{ date_from_text(col['name'], resolved_date_order(table, col['name'])) }}
    {%- elif col['type'] == 'timestamp' -%}{{ timestamp_from_text(col['name'], resolved_date_order(table, col['name'])) }}
    {%- elif col['type'] == 'int' -%}{{ int_from_text(col['name']) }}
    {%- elif col['type'] == 'money' -%}{{ money_from_text(col['name']) }}
    {%- elif col['type'] == 'float' -%}{{ float_from_text(col['name']) }}
    {%- else -%}{{ exceptions.raise_compiler_error("unknown contract type " ~ col['type']) }}
    {%- endif %} as {{ col['name'] }},
    {%- if col['type'] != 'text' %}
    {{ col['name'] }} as text_{{ col['name'] }},
    {%- endif %}
    raw_{{ col['name'] }}{{ "," if not loop.last }}
  {%- endfor %}
{%- endmacro %}

{# Column names of a contract table, raw_-prefixed or not. #}
{% macro contract_column_names(table, prefix='') -%}
  {%- set names = [] -%}
  {%- for col in contract_columns(table) -%}{%- do names.append(prefix ~ col['name']) -%}{%- endfor -%}
  {{ return(names) }}
{%- endmacro %}
