{#- The input of every contract table, counted by a reader independent of the one staging
    parses with (macros/sources/raw_records.sql): one file_total row per file (or table),
    and one row per record that does not fit the CSV dialect (malformed_line in
    stg_rejected_rows). stg_row_counts takes its input counts from here. -#}
{{ config(materialized='table') }}

{%- set audits = [] -%}
{%- for table in staged_tables().keys() -%}
  {%- set audit = raw_record_audit(table) -%}
  {%- if audit is not none -%}{%- do audits.append(audit) -%}{%- endif -%}
{%- endfor %}

with audited_records as (
    {%- for audit in audits %}
    {{ audit }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
    {%- if not audits %}
    {{ raw_record_total('none', 'null', 0) }}
    {%- endif %}
)

select
    source_table,
    file_name,
    record_kind,
    line_number,
    raw_record,
    n_records
from audited_records
{%- if not audits %}
where 1 = 0
{%- endif %}
