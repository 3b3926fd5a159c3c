{#- One row per rejected input row, from every contract table: where it came from, its key
    (as far as it has one), why it was rejected, and the original row as JSON text; a record
    that did not fit the CSV dialect (malformed_line) has its file, line number and raw text. -#}
{{ config(materialized='table') }}

with rejected as (
    {% for table, key_expr in staged_tables().items() %}
    select
        '{{ table }}' as source_table,
        {{ key_expr }} as row_key,
        reject_reason as reason_code,
        original_row,
        cast(null as bigint) as line_number
    from {{ ref('stg_' ~ table ~ '_checked') }}
    where reject_reason is not null
    union all
    {%- endfor %}
    select
        source_table,
        cast(null as {{ dbt.type_string() }}) as row_key,
        'malformed_line' as reason_code,
        {{ row_as_json(['file_name', 'line_number', 'raw_record']) }} as original_row,
        line_number
    from {{ ref('stg_raw_records') }}
    where record_kind = 'malformed'
),

reasons as (
    select reason_code, reason from {{ ref('rejection_reasons') }}
)

select
    rejected.source_table,
    rejected.row_key,
    rejected.reason_code,
    coalesce(reasons.reason, 'Undocumented reason code: add it to seeds/rejection_reasons.csv') as reason,
    rejected.original_row,
    rejected.line_number
from rejected
left join reasons
    on rejected.reason_code = reasons.reason_code
