{#-
  The independent count of a contract table's input records, and the records that do not fit
  the CSV dialect (stg_raw_records). It never reads the table through the reader the staging
  models parse with, so a record that reader skipped or lost makes the row ledger
  (stg_row_counts) unreconciled instead of disappearing:

    CSV files      every physical line, by a reader without quote, comment or delimiter
                   (duckdb__csv_line_reader). A line is a record when it has the header's
                   number of fields (counted around quoted fields); the lines that are not
                   are joined while a quote is open (a quoted field across lines), and each
                   resulting record that still does not fit is malformed (too many or too few
                   fields, an unclosed quote, a whitespace-only line). Empty lines are not
                   records; the header line is not one.
    Parquet files  the row counts of the files' metadata.
    warehouse      count(*) of the table.

  Rows: record_kind 'file_total' (n_records of one file) or 'malformed' (one record: its first
  line's number, its text). -#}
{% macro raw_record_audit(table) %}
  {%- set located = locate_raw_table(table) -%}
  {%- if located is none -%}
    {{ return(none) }}
  {%- elif raw_mode() == 'warehouse' or located.get('format') is none -%}
    {{ return(raw_record_total(table, "'" ~ table ~ "'", "(select count(*) from " ~ located['relation'] ~ ")")) }}
  {%- elif located['format'] == 'parquet' -%}
    {{ return(adapter.dispatch('parquet_record_audit', 'customer_activation')(table, located['files'])) }}
  {%- else -%}
    {{ return(adapter.dispatch('csv_record_audit', 'customer_activation')(table, located['files'])) }}
  {%- endif -%}
{% endmacro %}

{% macro raw_record_total(table, file_name_sql, count_sql) -%}
  select '{{ table }}' as source_table, {{ file_name_sql }} as file_name, 'file_total' as record_kind,
         cast(null as bigint) as line_number, cast(null as {{ dbt.type_string() }}) as raw_record,
         cast({{ count_sql }} as bigint) as n_records
{%- endmacro %}

{#- Spark registers a table per contract table; its count is the input count there. -#}
{% macro default__parquet_record_audit(table, files) -%}
  {{ raw_record_total(table, "'" ~ table ~ "'", "(select count(*) from " ~ locate_raw_table(table)['relation'] ~ ")") }}
{%- endmacro %}

{% macro default__csv_record_audit(table, files) -%}
  {{ default__parquet_record_audit(table, files) }}
{%- endmacro %}

{% macro duckdb__parquet_record_audit(table, files) -%}
  select '{{ table }}' as source_table, file_name, 'file_total' as record_kind,
         cast(null as bigint) as line_number, cast(null as varchar) as raw_record,
         cast(num_rows as bigint) as n_records
  from parquet_file_metadata([{%- for f in files -%}{{ string_literal(f) }}{{ ", " if not loop.last }}{%- endfor -%}])
{%- endmacro %}

{#- A regular expression (RE2) matching one record of n_fields fields in the CSV dialect: an
    unquoted field does not start with the quote (it may contain one later, as DuckDB reads
    it), a quoted field may hold the delimiter, escaped quotes and line breaks. -#}
{% macro csv_record_pattern(n_fields) -%}
  {%- set d = regex_escape(setting('csv_delimiter')) -%}
  {%- set q = setting('csv_quote') -%}
  {%- if q == '' -%}
    {%- set field = '[^' ~ d ~ '\n]*' -%}
  {%- else -%}
    {%- set qe = regex_escape(q) -%}
    {%- set e = setting('csv_escape') -%}
    {%- set inner = ('[^' ~ qe ~ ']|' ~ qe ~ qe) if (e == '' or e == q) else ('[^' ~ qe ~ regex_escape(e) ~ ']|' ~ regex_escape(e) ~ '.') -%}
    {%- set field = '(?: *' ~ qe ~ '(?:' ~ inner ~ ')*' ~ qe ~ ' *|[^' ~ d ~ qe ~ '\n][^' ~ d ~ '\n]*|)' -%}
  {%- endif -%}
  {{- field ~ ('(?:' ~ d ~ field ~ '){' ~ (n_fields - 1) ~ '}' if n_fields > 1 else '') -}}
{%- endmacro %}

{% macro regex_escape(text) -%}
  {%- set out = [] -%}
  {%- for ch in text -%}{%- do out.append(('\\' ~ ch) if ch in '\\^$.|?*+()[]{}-' else ch) -%}{%- endfor -%}
  {{- out | join('') -}}
{%- endmacro %}

{% macro duckdb__csv_record_audit(table, files) -%}
  {%- set headers = csv_file_headers(table, files) -%}
  {%- set q = setting('csv_quote') -%}
  {%- set d = setting('csv_delimiter') -%}
  {%- for f in files %}
  {%- set n_fields = headers[f] | length %}
  {%- set pattern = csv_record_pattern(n_fields) %}
  {%- if not loop.first %}
  union all
  {%- endif %}
  select * from (
    with all_lines as (
        select line_number, rtrim(line, chr(13)) as line
        from {{ duckdb__csv_line_reader(f) }}
        where line is not null
        {%- if setting('csv_comment') %}
          and not starts_with(line, {{ string_literal(setting('csv_comment')) }})
        {%- endif %}
    ),

    {#- the header is the first line that is not a comment -#}
    file_lines as (
        select line_number, line
        from all_lines
        {%- if setting('csv_header') %}
        where line_number > (select min(line_number) from all_lines)
        {%- endif %}
    ),

    classified_lines as (
        select
            line_number,
            line,
            trim(line) <> ''
            and {% if q == '' -%}
                length(line) - length(replace(line, {{ string_literal(d) }}, '')) = {{ n_fields - 1 }}
            {%- else -%}
                case when instr(line, {{ string_literal(q) }}) = 0
                     then length(line) - length(replace(line, {{ string_literal(d) }}, '')) = {{ n_fields - 1 }}
                     else regexp_full_match(line, {{ string_literal(pattern) }}) end
            {%- endif %} as is_record
        from file_lines
    ),

    file_summary as materialized (
        select
            count(*) filter (where is_record) as n_line_records,
            list(struct_pack(line_number := line_number, line := line) order by line_number)
                filter (where not is_record) as other_lines
        from classified_lines
    ),

    other_lines as (
        select unnest(other_lines, recursive := true) from file_summary
    ),

    {#- lines that leave a quote open join the next ones, until one closes it -#}
    quote_state as (
        select
            line_number,
            line,
            coalesce(sum((length(line) - length(replace(line, {{ string_literal(q or chr(1)) }}, ''))) % 2) over (
                order by line_number rows between unbounded preceding and 1 preceding), 0) % 2 = 1 as continues_record
        from other_lines
    ),

    grouped_records as (
        select
            min(line_number) as line_number,
            string_agg(line, chr(10) order by line_number) as raw_record
        from (
            select *, sum(case when continues_record then 0 else 1 end) over (
                order by line_number rows between unbounded preceding and current row) as record_number
            from quote_state
        ) as numbered
        group by record_number
    ),

    judged_records as (
        select
            line_number,
            raw_record,
            trim(raw_record) <> '' and regexp_full_match(raw_record, {{ string_literal(pattern) }}) as is_record
        from grouped_records
    )

    select '{{ table }}' as source_table, {{ string_literal(f) }} as file_name, 'file_total' as record_kind,
           cast(null as bigint) as line_number, cast(null as varchar) as raw_record,
           (select n_line_records from file_summary) + (select count(*) from judged_records) as n_records
    union all
    select '{{ table }}', {{ string_literal(f) }}, 'malformed', line_number, raw_record, cast(1 as bigint)
    from judged_records
    where not is_record
  ) as {{ table }}_file_{{ loop.index }}
  {%- endfor %}
{%- endmacro %}
