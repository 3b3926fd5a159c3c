{#-
  Apache Spark (dbt-spark) implementations of the project's dispatched macros: the spark__
  versions of macros whose default is DuckDB-specific or behaves differently on Spark. Every
  macro here is reached through adapter.dispatch(..., 'customer_activation'); DuckDB never
  calls them, so the DuckDB build is unchanged. See README "Running on Spark".
-#}

{#- ---- reading the contract tables from files ------------------------------------------

  Spark has no glob() table function: the folder is listed with the binaryFile source (file
  names, sizes and modification times only; the content column is never read), and each
  contract table found is registered as an external table over its file(s) in schema
  var('spark_raw_files_schema', 'raw_files'), every CSV column as string (no schema
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
  {%- set schema = var('spark_raw_files_schema', 'raw_files') -%}
  {%- set relation = schema ~ '.' ~ table ~ '__' ~ local_md5(signature | join(',') ~ '|' ~ var('csv_delimiter', ','))[:12] -%}
  {%- set options = ["path '" ~ (location | replace("'", "\\'")) ~ "'"] -%}
  {%- if parquet -%}
    {%- set fmt = 'parquet' -%}
    {%- do options.append("mergeSchema 'true'") -%}
    {%- if in_folder -%}{%- do options.append("pathGlobFilter '*.parquet'") -%}{%- endif -%}
  {%- else -%}
    {%- set fmt = 'csv' -%}
    {%- do options.extend(["header 'true'", "inferSchema 'false'", "multiLine 'true'", "quote '\"'", "escape '\"'",
                           "delimiter '" ~ (var('csv_delimiter', ',') | replace("'", "\\'")) ~ "'", "encoding 'UTF-8'"]) -%}
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
          {%- else -%}cast({{ spark_string_literal(value) }} as {{ types[loop.index0] }})
          {%- endif -%}{{ ", " if not loop.last }}
        {%- endfor -%}){{ "," if not loop.last }}
      {% endfor %}
    {%- endset -%}
    {%- do adapter.add_query(sql, abridge_sql_log=True) -%}
    {%- if loop.index0 == 0 -%}{%- do statements.append(sql) -%}{%- endif -%}
  {%- endfor -%}
  {{ return(statements[0] if statements else '') }}
{% endmacro %}

{#- A Spark SQL string literal of any value (backslash and apostrophe escaped). -#}
{% macro spark_string_literal(value) -%}
  '{{ (value | string) | replace("\\", "\\\\") | replace("'", "\\'") }}'
{%- endmacro %}

{#- ---- numbers: the same values as DuckDB ------------------------------------------------ -#}

{#- percentile() returns a double; DuckDB's median of a decimal(_, 2) floors the interpolated
    value to cents. A median of cents is a multiple of half a cent, so adding a quarter cent
    before flooring is exact whatever the double's last bit. -#}
{% macro spark__money_median(expr) -%}
  cast(floor(percentile({{ expr }}, 0.5) * 100 + 0.25) / 100 as decimal(38, 2))
{%- endmacro %}

{% macro spark__avg_as_double(expr) -%}avg(cast({{ expr }} as double)){%- endmacro %}

{#- ---- text ---------------------------------------------------------------------------- -#}

{#- Spark's to_json leaves out null fields unless told not to; DuckDB writes "name":null. -#}
{% macro spark__row_as_json(columns, prefix) -%}
  to_json(named_struct({%- for c in columns -%}'{{ c }}', {{ prefix }}{{ c }}{{ ", " if not loop.last }}{%- endfor -%}), map('ignoreNullFields', 'false'))
{%- endmacro %}

{#- ---- feature scaling: one row per feature -----------------------------------------

  int_feature_scaling fits every feature in one aggregate (one wide row), then the default
  turns it into one row per feature with a union of ~80 selects of that row: Spark inlines
  the aggregate into each of them and plans ~80 copies. stack() unpivots the row in one go. -#}
{% macro spark__feature_parameters_long(features, wide) -%}
    select stack({{ features | length }}
    {%- for feature in features %},
        '{{ feature.name }}', '{{ feature.group }}', '{{ feature.transform }}',
        {%- if feature.transform in ('z', 'log_z', 'robust') %}
        cast(f{{ loop.index }}__center as double), cast(f{{ loop.index }}__raw_scale as double),
        {%- else %}
        cast(0 as double), cast(1 as double),
        {%- endif %}
        f{{ loop.index }}__n_fit_values, n_fit_rows, fitted_on, {{ loop.index }}
    {%- endfor %}
    ) as (feature_name, feature_group, transform, center, raw_scale, n_fit_values, n_fit_rows, fitted_on, feature_order)
    from {{ wide }}
{%- endmacro %}

{#- ---- circles: label propagation pass by pass ------------------------------------------

  As a chain of CTEs, Spark inlines every pass into one plan and copies the chain into each
  place final_labels is read: 20 passes take minutes to plan and run. Cached temporary views
  do not help (each cached plan keeps the whole lineage; planning time doubles with every
  pass). Here the node keys, the pairs and each pass are written as work tables in the
  model's schema (<model>__node_ids, __node_keys, __pairs, __labels_<i>), so every plan is one
  join and one aggregate over a file scan; a pass's table is dropped once the next one is
  written. They are written while the model compiles, in dbt's session, right before its
  query runs; the last ones stay beside the model until the next build. A unit test (whose
  inputs are fixture CTEs of its own query) gets the default CTE chain. -#}
{% macro spark__circle_label_propagation(n_iterations) -%}
  {%- if model.resource_type != 'model' -%}
    {{ return(default__circle_label_propagation(n_iterations)) }}
  {%- endif -%}
  {%- set prefix = this.schema ~ '.' ~ this.identifier ~ '__' -%}
  {%- set edges = ref('int_circle_edges') -%}
  {%- if execute -%}
    {%- set steps = [
        ('node_ids', circle_node_ids_sql(edges)),
        ('node_keys', circle_node_keys_sql(edges, prefix ~ 'node_ids')),
        ('pairs', circle_propagation_pairs_sql(edges, prefix ~ 'node_keys')),
        ('labels_0', circle_labels_start_sql(prefix ~ 'node_keys')),
    ] -%}
    {%- for i in range(1, n_iterations + 1) -%}
      {%- do steps.append(('labels_' ~ i, circle_label_pass_sql(i, prefix ~ 'labels_' ~ (i - 1), prefix ~ 'pairs'))) -%}
    {%- endfor -%}
    {%- for name, sql in steps -%}
      {%- do run_query("drop table if exists " ~ prefix ~ name) -%}
      {%- do run_query("create table " ~ prefix ~ name ~ " as " ~ sql) -%}
      {%- if name.startswith('labels_') and name != 'labels_0' -%}
        {%- do run_query("drop table if exists " ~ prefix ~ 'labels_' ~ (name[7:] | int - 1)) -%}
      {%- endif -%}
    {%- endfor -%}
  {%- endif %}
final_labels as (
{{ circle_final_labels_sql(prefix ~ 'labels_' ~ n_iterations, prefix ~ 'node_keys', prefix ~ 'node_ids') }}
),
{%- endmacro %}

{#- ---- Python models ------------------------------------------------------------------

  dbt-spark runs Python models only through Databricks job submission; with method: session
  they fail deep inside the run ("Databricks cluster_id is required", dbt-spark issue 415).
  python/customer_activation/spark_session.py runs them in dbt's own Spark session instead;
  it marks its process with CUSTOMER_ACTIVATION_SPARK_PYTHON=session. Called on run start:
  when Python models are selected on a session target without that runner, stop at once
  and say how to run them. -#}
{% macro check_python_model_runner() %}
  {#- (dbt-spark does not show the connection method to Jinja; without a Databricks cluster
      id dbt-spark has nowhere to send a Python model) -#}
  {%- if execute and target.type == 'spark' and not target.get('cluster')
        and env_var('CUSTOMER_ACTIVATION_SPARK_PYTHON', '') != 'session' -%}
    {%- set python_nodes = [] -%}
    {%- for uid in selected_resources -%}
      {%- set node = graph.nodes.get(uid) -%}
      {%- if node and node.language == 'python' -%}{%- do python_nodes.append(node.name) -%}{%- endif -%}
    {%- endfor -%}
    {%- if python_nodes -%}
      {{ exceptions.raise_compiler_error(
          "Python models (" ~ (python_nodes | sort | join(', ')) ~ ") cannot run through plain `dbt` on a "
          ~ "Spark target with method: session (dbt-spark supports them only on Databricks). Run dbt "
          ~ "through the project's runner instead, with the same arguments: "
          ~ "`python -m customer_activation.spark_session build --target " ~ target.name ~ " ...` "
          ~ "(`make build-spark` does), or leave them out: --exclude \"config.language:python+\"") }}
    {%- endif -%}
  {%- endif -%}
{% endmacro %}
