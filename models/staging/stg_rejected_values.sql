{#- One row per value that was set aside while its row was kept: a value of an optional typed
    column (value_checked_columns: e.g. signup_date, birth_year, discount_amount) that does not
    parse or fails its check, output as null. Null tokens (var null_tokens) and blanks are no
    value at all and are not listed. -#}
{{ config(materialized='table') }}

{%- set selects = [] -%}
{%- for table, key_expr in staged_tables().items() -%}
  {%- for column in value_checked_columns(table) -%}
    {%- set sql -%}
    select
        '{{ table }}' as source_table,
        {{ key_expr }} as row_key,
        '{{ column }}' as column_name,
        {{ column }}_rejected_value as raw_value,
        {{ column }}_issue as reason_code
    from {{ ref('stg_' ~ table ~ '_checked') }}
    where reject_reason is null and {{ column }}_issue is not null
    {%- endset -%}
    {%- do selects.append(sql) -%}
  {%- endfor -%}
{%- endfor %}

with rejected_values as (
    {{ selects | join('\n    union all\n') }}
),

reasons as (
    select reason_code, reason from {{ ref('rejection_reasons') }}
)

select
    rejected_values.source_table,
    rejected_values.row_key,
    rejected_values.column_name,
    rejected_values.raw_value,
    rejected_values.reason_code,
    coalesce(reasons.reason, 'Undocumented reason code: add it to seeds/rejection_reasons.csv') as reason
from rejected_values
left join reasons
    on rejected_values.reason_code = reasons.reason_code
