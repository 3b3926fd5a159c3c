{#- Where a contract table's file is, on each engine (dispatched: DuckDB globs the folder; Spark
    lists it with the binaryFile source and registers an external table). -#}

{% macro default__locate_raw_file(table, folder) %}
  {{ exceptions.raise_compiler_error(
      "Reading files (raw_data_path / demo data) is implemented for DuckDB (adapter " ~ adapter.type()
      ~ " has no implementation yet). Load the files as tables and set raw_schema instead.") }}
{% endmacro %}

{% macro duckdb__locate_raw_file(table, folder) %}
  {%- if not execute -%}
    {{ return({'relation': '(select 1) as parse_time_placeholder', 'columns': [], 'where': folder}) }}
  {%- endif -%}
  {%- set base = folder.rstrip('/') ~ '/' ~ table -%}
  {%- set q = base | replace("'", "''") -%}
  {%- set listing = run_query(
      "select file from glob('" ~ q ~ ".parquet') union all "
      ~ "select file from glob('" ~ q ~ ".csv') union all "
      ~ "select file from glob('" ~ q ~ ".csv.gz') union all "
      ~ "select file from glob('" ~ q ~ "/*.parquet') union all "
      ~ "select file from glob('" ~ q ~ "/*.csv') union all "
      ~ "select file from glob('" ~ q ~ "/*.csv.gz') order by 1") -%}
  {%- set files = listing.columns[0].values() | list -%}
  {%- if files | length == 0 -%}{{ return(none) }}{%- endif -%}
  {%- set parquet = [] -%}{%- set csv = [] -%}
  {%- for f in files -%}
    {%- if f.endswith('.parquet') -%}{%- do parquet.append(f) -%}{%- else -%}{%- do csv.append(f) -%}{%- endif -%}
  {%- endfor -%}
  {%- if parquet | length > 0 and csv | length > 0 -%}
    {{ exceptions.raise_compiler_error("Table '" ~ table ~ "' is given both as Parquet and as CSV in " ~ folder ~ ": " ~ (files | join(', ')) ~ ". Keep one format per table.") }}
  {%- endif -%}
  {%- if parquet -%}
    {%- set file_list = "['" ~ (parquet | map('replace', "'", "''") | join("', '")) ~ "']" -%}
    {%- set reader = "read_parquet(" ~ file_list ~ ", union_by_name = true)" -%}
    {%- set described = run_query("describe select * from " ~ reader) -%}
    {%- set cols = described.columns[0].values() | list -%}
    {{ return({'relation': reader ~ " as raw_rows", 'columns': cols, 'where': (files | join(', ')),
               'format': 'parquet', 'files': parquet}) }}
  {%- endif -%}
  {%- set headers = csv_file_headers(table, csv) -%}
  {%- set readers = [] -%}{%- set cols = [] -%}
  {%- for f in csv -%}
    {%- do readers.append("select * from " ~ duckdb__csv_reader(f, headers[f])) -%}
    {%- for name in headers[f] if name not in cols -%}{%- do cols.append(name) -%}{%- endfor -%}
  {%- endfor -%}
  {{ return({'relation': "(" ~ (readers | join(" union all by name ")) ~ ") as raw_rows", 'columns': cols,
             'where': (files | join(', ')), 'format': 'csv', 'files': csv}) }}
{% endmacro %}

{#- ---- CSV on DuckDB: nothing is sniffed -----------------------------------------------

  The dialect comes from the vars (csv_delimiter, csv_quote, csv_escape, csv_comment,
  csv_header, csv_encoding), never from DuckDB's sniffer: a sniffer that guesses '#' as the
  comment character reads a file of Shopify order ids (#1001) as empty. The column names are
  read from each file's first line; every column is text. A record that does not fit the
  dialect (too many or too few fields, an unclosed quote) is skipped by this reader
  (ignore_errors) and reported by the line reader of stg_raw_records as malformed_line, with
  its line number, so the row ledger still reconciles. -#}
{% macro duckdb__csv_dialect() -%}
  delim = {{ string_literal(setting('csv_delimiter')) }}, quote = {{ string_literal(setting('csv_quote')) }}, escape = {{ string_literal(setting('csv_escape')) }}, comment = {{ string_literal(setting('csv_comment')) }}, encoding = {{ string_literal(setting('csv_encoding')) }}
{%- endmacro %}

{% macro duckdb__csv_reader(file, columns) -%}
  {%- set column_types = [] -%}
  {%- for name in columns -%}{%- do column_types.append(string_literal(name) ~ ": 'varchar'") -%}{%- endfor -%}
  read_csv({{ string_literal(file) }}, header = {{ 'true' if setting('csv_header') else 'false' }}, auto_detect = false, columns = { {{- column_types | join(', ') -}} }, {{ duckdb__csv_dialect() }}, ignore_errors = true, null_padding = false)
{%- endmacro %}

{#- Every physical line of a file as text, numbered from 1, whatever its content: the reader
    that cannot skip a line (no quote, comment or delimiter; an empty line comes back null). -#}
{% macro duckdb__csv_line_reader(file) -%}
  read_csv({{ string_literal(file) }}, columns = {'line': 'varchar'}, header = false, auto_detect = false, delim = chr(1), quote = '', escape = '', comment = '', strict_mode = false, encoding = {{ string_literal(setting('csv_encoding')) }}) with ordinality as file_lines(line, line_number)
{%- endmacro %}

{#- The column names of each CSV file: its first line split on the delimiter (quotes and
    surrounding spaces removed), or the contract's columns in order when csv_header is false. -#}
{% macro csv_file_headers(table, files) %}
  {%- set headers = {} -%}
  {%- if not setting('csv_header') -%}
    {%- for f in files -%}{%- do headers.update({f: contract_column_names(table)}) -%}{%- endfor -%}
    {{ return(headers) }}
  {%- endif -%}
  {%- set first_lines = [] -%}
  {%- for f in files -%}
    {%- set comment_filter = (" and not starts_with(line, " ~ string_literal(setting('csv_comment')) ~ ")") if setting('csv_comment') else "" -%}
    {%- do first_lines.append("(select " ~ loop.index0 ~ " as file_index, line from " ~ duckdb__csv_line_reader(f)
          ~ " where line is not null" ~ comment_filter ~ " order by line_number limit 1)") -%}
  {%- endfor -%}
  {%- set result = run_query(first_lines | join(" union all ")) -%}
  {%- set by_index = {} -%}
  {%- for row in result.rows -%}{%- do by_index.update({row[0]: row[1]}) -%}{%- endfor -%}
  {%- set quote = setting('csv_quote') -%}
  {%- for f in files -%}
    {%- set line = (by_index.get(loop.index0) or '') | replace('\ufeff', '') | replace('\r', '') -%}
    {%- set names = [] -%}
    {%- for part in line.split(setting('csv_delimiter')) -%}
      {%- set name = part | trim -%}
      {%- if quote and name.startswith(quote) and name.endswith(quote) and name | length >= 2 -%}{%- set name = name[1:-1] | trim -%}{%- endif -%}
      {%- do names.append(name) -%}
    {%- endfor -%}
    {%- if line | trim == '' -%}
      {{ exceptions.raise_compiler_error("Table '" ~ table ~ "': the first line of " ~ f ~ " is empty, but it should hold the column names (var csv_header: true). Remove the blank line, or set csv_header: false if the file has no header.") }}
    {%- endif -%}
    {%- for name in names -%}
      {%- if name == '' -%}
        {{ exceptions.raise_compiler_error("Table '" ~ table ~ "': column " ~ loop.index ~ " of the header of " ~ f ~ " has no name (header: " ~ line ~ "). Check var csv_delimiter ('" ~ setting('csv_delimiter') ~ "') or name the column.") }}
      {%- endif -%}
      {%- if (names | map('lower') | select('eq', name | lower) | list | length) > 1 -%}
        {{ exceptions.raise_compiler_error("Table '" ~ table ~ "': the header of " ~ f ~ " names column '" ~ name ~ "' twice (header: " ~ line ~ "). Rename one of them.") }}
      {%- endif -%}
    {%- endfor -%}
    {%- do headers.update({f: names}) -%}
  {%- endfor -%}
  {{ return(headers) }}
{% endmacro %}

{#- ---- reading the contract tables from files ------------------------------------------

  Spark has no glob() table function: the folder is listed with the binaryFile source (file
  names, sizes and modification times only; the content column is never read), and each
  contract table found is registered as an external table over its file(s) in schema
  setting('spark_raw_files_schema'), every CSV column as string (no schema
  inference). The table name carries a hash of the files' paths, sizes and modification
  times, so regenerated data gets a fresh table (and a fresh schema read from its header)
  and a rerun on unchanged files reuses the registered one (create if not exists).

  Accepted per table, as on DuckDB: <table>.parquet, <table>.csv, <table>.csv.gz, or a
  folder <table>/ of *.parquet or *.csv / *.csv.gz files. Difference from DuckDB: Spark
  reads one location per table, so a table given in two places (say customers.csv and a
  folder customers/) stops the build; CSV files of one folder are matched by position
  (the first file's header names the columns), not by name. -#}
{% macro spark__locate_raw_file(table, folder) %}
  {%- if not execute -%}
    {{ return({'relation': '(select 1) as parse_time_placeholder', 'columns': [], 'where': folder}) }}
  {%- endif -%}
  {%- set folder = folder.rstrip('/') -%}
  {%- set q_folder = folder | replace("'", "\\'") -%}
  {%- set listing_view = 'raw_file_listing_' ~ local_md5(folder)[:12] -%}
  {%- do run_query("create or replace temporary view " ~ listing_view ~ " using binaryFile options ("
        ~ "path '" ~ q_folder ~ "', recursiveFileLookup 'true')") -%}
  {%- set pattern = "/" ~ table ~ "([.]parquet|[.]csv|[.]csv[.]gz|/[^/]*[.]parquet|/[^/]*[.]csv|/[^/]*[.]csv[.]gz)$" -%}
  {%- set listing = run_query(
        "select path, cast(length as string) as size, cast(modificationTime as string) as mtime from "
        ~ listing_view ~ " where path rlike '" ~ pattern ~ "' order by path") -%}
  {%- set files = listing.columns[0].values() | list -%}
  {%- if files | length == 0 -%}{{ return(none) }}{%- endif -%}

  {%- set parquet = [] -%}{%- set csv = [] -%}{%- set in_folder = [] -%}
  {%- for f in files -%}
    {%- do (parquet if f.endswith('.parquet') else csv).append(f) -%}
    {%- if f.rsplit('/', 2)[-2] == table -%}{%- do in_folder.append(f) -%}{%- endif -%}
  {%- endfor -%}
  {%- if parquet | length > 0 and csv | length > 0 -%}
    {{ exceptions.raise_compiler_error("Table '" ~ table ~ "' is given both as Parquet and as CSV in " ~ folder ~ ": " ~ (files | join(', ')) ~ ". Keep one format per table.") }}
  {%- endif -%}
  {%- if in_folder | length > 0 and in_folder | length < files | length -%}
    {{ exceptions.raise_compiler_error("Table '" ~ table ~ "' is given both as a file and as a folder " ~ table ~ "/ in " ~ folder ~ ": " ~ (files | join(', ')) ~ ". On Spark keep one of them.") }}
  {%- endif -%}
  {%- if in_folder | length == 0 and files | length > 1 -%}
    {{ exceptions.raise_compiler_error("Table '" ~ table ~ "' is given as several files in " ~ folder ~ ": " ~ (files | join(', ')) ~ ". On Spark keep one of them, or put them in a folder " ~ table ~ "/.") }}
  {%- endif -%}

  {%- set location = (folder ~ '/' ~ table) if in_folder else files[0] -%}
  {%- set signature = [] -%}
  {%- for row in listing.rows -%}{%- do signature.append(row[0] ~ '|' ~ row[1] ~ '|' ~ row[2]) -%}{%- endfor -%}
  {%- set schema = setting('spark_raw_files_schema') -%}
  {%- set relation = schema ~ '.' ~ table ~ '__' ~ local_md5(signature | join(',') ~ '|' ~ ([setting('csv_delimiter'), setting('csv_header'), setting('csv_quote'), setting('csv_escape'), setting('csv_comment'), setting('csv_encoding')] | join('|')))[:12] -%}
  {%- set options = ["path '" ~ (location | replace("'", "\\'")) ~ "'"] -%}
  {%- if parquet -%}
    {%- set fmt = 'parquet' -%}
    {%- do options.append("mergeSchema 'true'") -%}
    {%- if in_folder -%}{%- do options.append("pathGlobFilter '*.parquet'") -%}{%- endif -%}
  {%- else -%}
    {%- set fmt = 'csv' -%}
    {%- do options.extend(["header " ~ string_literal('true' if setting('csv_header') else 'false'), "inferSchema 'false'", "multiLine 'true'",
                           "quote " ~ string_literal(setting('csv_quote') or '\u0000'), "escape " ~ string_literal(setting('csv_escape') or '\\'),
                           "delimiter " ~ string_literal(setting('csv_delimiter')), "encoding " ~ string_literal(setting('csv_encoding') | upper)]
                          + (["comment " ~ string_literal(setting('csv_comment'))] if setting('csv_comment') else [])) -%}
    {%- if in_folder -%}{%- do options.append("pathGlobFilter '*.{csv,csv.gz}'") -%}{%- endif -%}
  {%- endif -%}
  {%- do run_query("create schema if not exists " ~ schema) -%}
  {%- do run_query("create table if not exists " ~ relation ~ " using " ~ fmt ~ " options (" ~ (options | join(', ')) ~ ")") -%}
  {%- set cols = run_query("select * from " ~ relation ~ " limit 0").column_names | list -%}
  {{ return({'relation': relation ~ " as raw_rows", 'columns': cols, 'where': (files | join(', '))}) }}
{% endmacro %}

{#- ---- seeds -------------------------------------------------------------------------

  dbt-spark loads seed rows with bindings that the session method pastes into the SQL
  unescaped: a value with an apostrophe breaks the statement and an empty cell arrives as
  the text 'None'. Here every value is written as an escaped SQL literal instead (null for
  an empty cell), which works for every connection method. -#}
{% macro spark__load_csv_rows(model, agate_table) %}
  {%- set batch_size = get_batch_size() -%}
  {%- set column_override = model['config'].get('column_types', {}) -%}
  {%- set types = [] -%}
  {%- for col_name in agate_table.column_names -%}
    {%- do types.append(column_override.get(col_name, adapter.convert_type(agate_table, loop.index0))) -%}
  {%- endfor -%}
  {%- set statements = [] -%}
  {%- for chunk in agate_table.rows | batch(batch_size) -%}
    {%- set sql -%}
      insert into {{ this.render() }} values
      {% for row in chunk -%}
        ({%- for value in row -%}
          {%- if value is none -%}cast(null as {{ types[loop.index0] }})
          {%- else -%}cast({{ string_literal(value) }} as {{ types[loop.index0] }})
          {%- endif -%}{{ ", " if not loop.last }}
        {%- endfor -%}){{ "," if not loop.last }}
      {% endfor %}
    {%- endset -%}
    {%- do adapter.add_query(sql, abridge_sql_log=True) -%}
    {%- if loop.index0 == 0 -%}{%- do statements.append(sql) -%}{%- endif -%}
  {%- endfor -%}
  {{ return(statements[0] if statements else '') }}
{% endmacro %}
