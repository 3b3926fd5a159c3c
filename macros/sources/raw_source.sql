{#-
  Reading the contract tables wherever they are. Only staging models call raw_table().

  Where the data comes from is set by vars, in this order:
    1. raw_data_path: a folder with <table>.parquet | <table>.csv | <table>.csv.gz, or a
       sub-folder <table>/ of *.parquet or *.csv files (all read as one table);
    2. raw_schema (+ raw_database): tables already in the warehouse (source `raw`);
    3. neither: the generated demo data in demo_data_path (make demo-data writes it).

  Every column comes back as text, named as in the contract, so the staging models parse
  types themselves and route values that do not parse to stg_rejected_rows instead of crashing.
  Absent optional columns come back as null (or their contract default); an absent required
  column stops the build naming the table and column; an absent optional table comes back
  empty with the contract's columns; an absent required table stops the build.
-#}
{% macro raw_mode() %}
  {%- if setting('raw_data_path') | trim != '' -%}{{ return('files') }}
  {%- elif setting('raw_schema') | trim != '' -%}{{ return('warehouse') }}
  {%- else -%}{{ return('demo') }}{%- endif -%}
{% endmacro %}

{% macro raw_folder() %}
  {%- if raw_mode() == 'files' -%}{{ return(setting('raw_data_path') | trim) }}
  {%- else -%}{{ return(setting('demo_data_path') | trim) }}{%- endif -%}
{% endmacro %}

{# The text of a contract table as a select of text columns. #}
{% macro raw_table(table) %}
  {%- set columns = contract_columns(table) -%}
  {%- set located = locate_raw_table(table) -%}
  {%- if located is none -%}
    {%- if contract()[table]['required'] -%}
      {{ exceptions.raise_compiler_error(
          "Required table '" ~ table ~ "' was not found. " ~ raw_location_hint(table)
          ~ " Only customers and orders are required; see README, 'Bring your own data'.") }}
    {%- endif -%}
    {%- set found_columns = [] -%}
  {%- else -%}
    {%- set found_columns = located['columns'] -%}
  {%- endif -%}
  {%- set by_lower = {} -%}
  {%- for name in found_columns -%}{%- do by_lower.update({(name | lower | trim): name}) -%}{%- endfor -%}
  {%- if located is not none and execute -%}
    {%- for col in columns if col.get('required') and col['name'] not in by_lower -%}
      {{ exceptions.raise_compiler_error(
          "Table '" ~ table ~ "' has no column '" ~ col['name'] ~ "', which the data contract requires. "
          ~ "Columns found: " ~ (found_columns | join(', ')) ~ ". Rename or add the column in " ~ located['where'] ~ ".") }}
    {%- endfor -%}
  {%- endif -%}
  select
  {%- for col in columns %}
    {% if col['name'] in by_lower -%}
      cast({{ adapter.quote(by_lower[col['name']]) }} as {{ dbt.type_string() }})
    {%- elif col.get('default') is not none -%}
      cast('{{ col['default'] }}' as {{ dbt.type_string() }})
    {%- else -%}
      cast(null as {{ dbt.type_string() }})
    {%- endif %} as {{ col['name'] }}{{ "," if not loop.last }}
  {%- endfor %}
  from {{ located['relation'] if located is not none else empty_relation() }}
  {%- if located is none %}
  where 1 = 0
  {%- endif %}
{% endmacro %}

{% macro raw_location_hint(table) %}
  {%- if raw_mode() == 'warehouse' -%}
    {{ return("Looked for " ~ (setting('raw_database') ~ '.' if setting('raw_database') else '') ~ setting('raw_schema') ~ "." ~ table ~ " (var raw_schema).") }}
  {%- elif raw_mode() == 'files' -%}
    {{ return("Looked in raw_data_path '" ~ raw_folder() ~ "' for " ~ table ~ ".parquet, " ~ table ~ ".csv, " ~ table ~ ".csv.gz or a folder " ~ table ~ "/.") }}
  {%- else -%}
    {{ return("No raw_data_path or raw_schema is set, so the demo data in '" ~ raw_folder() ~ "' is read, and it is not there: run `make demo-data` (or `make build`).") }}
  {%- endif -%}
{% endmacro %}

{#- Returns none when the table is absent, else {relation, columns, where}. Looked up once
    per invocation and table (invocation_memo): every staging model of the table asks, and
    on files each lookup lists the folder and reads the header line of every CSV file. -#}
{% macro locate_raw_table(table) %}
  {%- if not execute -%}{{ return(located_raw_table(table)) }}{%- endif -%}
  {%- set memo = invocation_memo() -%}
  {%- set key = 'located_raw_table.' ~ table -%}
  {%- if key not in memo -%}{%- do memo.update({key: located_raw_table(table)}) -%}{%- endif -%}
  {{ return(memo[key]) }}
{% endmacro %}

{% macro located_raw_table(table) %}
  {%- if raw_mode() == 'warehouse' -%}
    {%- if not execute -%}{{ return({'relation': source('raw', table), 'columns': [], 'where': 'the warehouse'}) }}{%- endif -%}
    {%- set relation = adapter.get_relation(
          database=(setting('raw_database') | trim) or target.database,
          schema=setting('raw_schema') | trim, identifier=table) -%}
    {%- if relation is none -%}{{ return(none) }}{%- endif -%}
    {%- set cols = adapter.get_columns_in_relation(relation) | map(attribute='name') | list -%}
    {{ return({'relation': source('raw', table), 'columns': cols, 'where': relation | string}) }}
  {%- else -%}
    {{ return(adapter.dispatch('locate_raw_file', 'customer_activation')(table, raw_folder())) }}
  {%- endif -%}
{% endmacro %}
