{#- One row per rejected input row, from every contract table: where it came from, its key
    (as far as it has one), why it was rejected, and the original row as JSON text. -#}
{{ config(materialized='table') }}

with rejected as (
    {% for table, key_expr in staged_tables().items() %}
    select
        '{{ table }}' as source_table,
        {{ key_expr }} as row_key,
        reject_reason as reason_code,
        original_row
    from {{ ref('stg_' ~ table ~ '_checked') }}
    where reject_reason is not null
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}
),

reasons as (
    select reason_code, reason from {{ ref('rejection_reasons') }}
)

select
    rejected.source_table,
    rejected.row_key,
    rejected.reason_code,
    coalesce(reasons.reason, 'Undocumented reason code: add it to seeds/rejection_reasons.csv') as reason,
    rejected.original_row
from rejected
left join reasons
    on rejected.reason_code = reasons.reason_code
