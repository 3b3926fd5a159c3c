{#-
  Incremental staging of the large tables (orders, order_items, events): docs/refresh.md.

  stg_<table>_parsed holds every raw row once, parsed: a pure function of the row's text and the
  parsing settings (row_hash of the raw text, copy_number among identical rows, typed columns,
  raw_ text columns, parse_reject_reason). An incremental run appends the raw rows that are not
  yet there (same row_hash and copy_number), looking only at raw rows dated on or after
  lookback_start_ts = as_of_date - var incremental_lookback_days (order lines: by their order's
  date); rows whose date is missing or does not parse are always looked at. The checks that
  depend on context (as_of_date, the kept customers and orders, duplicates across rows) are
  made downstream in stg_<table>_checked, on every run, over the parsed rows.

  A raw row dated before lookback_start_ts that was not staged before (data later than the
  lookback) is not staged by an incremental run: the row counts then do not reconcile
  (stg_row_counts, test assert_every_input_row_is_kept_or_rejected fails naming the table) until
  a full refresh (or a run with a larger incremental_lookback_days) stages it. The same test
  catches raw rows that were changed or deleted after they were staged.
-#}

{# The materialisation of the parsed models: append-only (DuckDB and Spark parquet both have it). #}
{% macro parsed_rows_config() %}
  {{ config(materialized='incremental', incremental_strategy='append', on_schema_change='fail',
            tags=['parsed_rows']) }}
{% endmacro %}

{#- md5 of a raw row's text: the column values joined by U+001F, a null written as U+001E, so
    a blank value, a null and a shifted value give different texts. -#}
{% macro raw_row_hash(columns) -%}
  {%- set parts = [] -%}
  {%- for c in columns -%}
    {%- if not loop.first -%}{%- do parts.append('chr(31)') -%}{%- endif -%}
    {%- do parts.append('coalesce(' ~ c ~ ', chr(30))') -%}
  {%- endfor -%}
  {{ dbt.hash(dbt.concat(parts)) }}
{%- endmacro %}

{#- What decides how a raw row of `table` is parsed, as one hash stored in every parsed row: the
    table's contract columns (names, types, defaults: var default_order_status), the columns
    read as codes, the parsing vars (timestamp_formats, the CSV dialect, decimal_separator,
    null_tokens, case_insensitive_ids), the day/month order decided for each date column, and
    parsing_version(). An
    incremental run whose hash differs from the stored one stops (parsed_config_guard): rows
    parsed two ways must not be mixed. The same on every engine (no SQL text in it). -#}
{% macro parse_config_hash(table, codes=[]) -%}
  {%- set date_orders = {} -%}
  {%- for col in contract_columns(table) if col['type'] in ('date', 'timestamp') -%}
    {%- do date_orders.update({col['name']: resolved_date_order(table, col['name'])}) -%}
  {%- endfor -%}
  {%- set settings = {
      'table': table,
      'columns': contract_columns(table),
      'codes': codes,
      'timestamp_formats': setting('timestamp_formats'),
      'csv_delimiter': setting('csv_delimiter'),
      'csv_dialect': [setting('csv_header'), setting('csv_quote'), setting('csv_escape'), setting('csv_comment'), setting('csv_encoding')],
      'decimal_separator': setting('decimal_separator'),
      'null_tokens': setting('null_tokens'),
      'case_insensitive_ids': setting('case_insensitive_ids'),
      'date_orders': date_orders,
      'version': parsing_version(),
  } -%}
  {{- return(local_md5(tojson(settings, sort_keys=true))) -}}
{%- endmacro %}

{#- Bump when the parsing macros (macros/parsing/, parsed_contract_columns) or the parse-only
    checks of the parsed models change what a raw text parses to: the next incremental run then
    asks for a full refresh of tag parsed_rows. -#}
{% macro parsing_version() %}{{ return('2') }}{% endmacro %}

{% macro parsed_config_guard(parse_hash) %}
  {%- if execute and is_incremental() -%}
    {%- set stored = run_query("select distinct parse_config_hash from " ~ this) -%}
    {%- set hashes = stored.columns[0].values() | list -%}
    {%- if hashes | length > 0 and (hashes | length > 1 or hashes[0] != parse_hash) -%}
      {{ exceptions.raise_compiler_error(
          this.identifier ~ " holds rows parsed with other parsing settings (a parsing var such as timestamp_formats, "
          ~ "decimal_separator, date_order, null_tokens or the CSV dialect, default_order_status, the day/month order "
          ~ "the data shows for a date column, the data contract or parsing_version() changed since it was built). "
          ~ "An incremental run would mix rows parsed two ways, so nothing was appended. Re-stage every raw row: "
          ~ "`dbt run --full-refresh --select +tag:parsed_rows` (or `make refresh FULL_REFRESH=1`), then build as usual.") }}
    {%- endif -%}
  {%- endif -%}
{% endmacro %}

{#- One row: the earliest date an incremental run looks at (null when not incremental: every
    raw row is looked at). -#}
{% macro lookback_start_sql() -%}
  select
      {%- if is_incremental() %}
      cast({{ dbt.dateadd('day', -setting('incremental_lookback_days'), 'as_of_date') }} as timestamp) as lookback_start_ts
      {%- else %}
      cast(null as timestamp) as lookback_start_ts
      {%- endif %}
  from {{ ref('stg_as_of_date') }}
{%- endmacro %}

{#- true when a parsed timestamp is inside the lookback (or missing, or nothing is bounded). -#}
{% macro in_lookback(ts_expr) -%}
  coalesce({{ ts_expr }} >= lookback_start.lookback_start_ts, true)
{%- endmacro %}

{#-
  The rows of a parsed model to append: `candidates` (a CTE of raw rows, contract columns as
  text) numbered among identical rows; on an incremental run, minus those already staged.
  `staged`: on an incremental run, the name of a CTE with the row_hash and copy_number of every
  staged row a candidate could equal (those inside the same lookback), so the anti-join reads
  only those. Identical rows have the same date, so they are candidates together or not at all
  and copy_number means the same on every run.
-#}
{% macro new_raw_rows(table, candidates, staged) %}
hashed_rows as (
    select
        {{ raw_row_hash(contract_column_names(table)) }} as row_hash,
        {{ candidates }}.*
    from {{ candidates }}
),

numbered_rows as (
    select
        hashed_rows.*,
        row_number() over (partition by row_hash order by row_hash) as copy_number
    from hashed_rows
),

new_rows as (
    select numbered_rows.*
    from numbered_rows
    {%- if is_incremental() %}
    left join {{ staged }}
        on numbered_rows.row_hash = {{ staged }}.row_hash
        and numbered_rows.copy_number = {{ staged }}.copy_number
    where {{ staged }}.row_hash is null
    {%- endif %}
)
{% endmacro %}

{#-
  The candidates of a parsed model whose table has its own timestamp (orders, events): the raw
  rows whose `ts_column` parses to a date inside the lookback, or does not parse at all; on an
  incremental run, the staged rows inside the same lookback to compare them with. Ends with the
  new_raw_rows CTEs (`new_rows`).
-#}
{% macro dated_new_raw_rows(table, ts_column) %}
raw_{{ table }} as (
    {{ raw_table(table) }}
),

{#- outside the is_incremental() branch although a full build does not read it: dbt finds the
    ref to stg_as_of_date only in SQL it parses unconditionally -#}
lookback_start as (
    {{ lookback_start_sql() }}
),

{%- if is_incremental() %}

candidate_{{ table }} as (
    select {{ contract_column_names(table, 'raw_texts.') | join(', ') }}
    from (
        {#- the date's text cleaned once, then parsed: the parse reads the text several times -#}
        select raw_{{ table }}.*, {{ clean_text(ts_column) }} as lookback_text
        from raw_{{ table }}
    ) as raw_texts
    cross join lookback_start
    where {{ in_lookback(timestamp_from_text('raw_texts.lookback_text', resolved_date_order(table, ts_column))) }}
),

staged_{{ table }} as (
    select staged.row_hash, staged.copy_number
    from {{ this }} as staged
    cross join lookback_start
    where {{ in_lookback('staged.' ~ ts_column) }}
),
{%- else %}

candidate_{{ table }} as (
    {#- a full build stages every raw row: no date to parse twice -#}
    select * from raw_{{ table }}
),
{%- endif %}

{{ new_raw_rows(table, 'candidate_' ~ table, 'staged_' ~ table) }}
{% endmacro %}

{#-
  The end every parsed model shares: the new rows (`new_rows`) cleaned, then parsed into the
  contract's typed columns (`codes` normalised as codes), the first parse-only check that fails
  (`parse_reason`, a case expression over the parsed columns and their clean text_<column>:
  when_unparseable) and the settings hash.
-#}
{% macro parsed_new_rows(table, codes, parse_reason, parse_hash) %}
cleaned as (
    select
        row_hash,
        copy_number,
        {{ cleaned_contract_columns(table, codes=codes) }}
    from new_rows
),

parsed as (
    select
        row_hash,
        copy_number,
        {{ parsed_contract_columns(table) }}
    from cleaned
)

select
    row_hash,
    copy_number,
    {%- for col in contract_column_names(table) %}
    {{ col }},
    raw_{{ col }},
    {%- endfor %}
    {{ parse_reason }} as parse_reject_reason,
    '{{ parse_hash }}' as parse_config_hash
from parsed
{% endmacro %}
