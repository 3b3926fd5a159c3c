{#- One row per contract table: records read from the source, rows kept, rows rejected, and
    whether they reconcile (input = kept + rejected). The input count comes from
    stg_raw_records, a reader independent of the one staging parses with (for CSV files: every
    line), so a record lost anywhere, also by the CSV reader itself, shows up here. -#}
{{ config(materialized='table') }}

with input_counts as (
    {% for table in staged_tables().keys() %}
    select '{{ table }}' as source_table, coalesce(sum(n_records), 0) as input_rows
    from {{ ref('stg_raw_records') }}
    where source_table = '{{ table }}' and record_kind = 'file_total'
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}
),

kept_counts as (
    {% for table in staged_tables().keys() %}
    select '{{ table }}' as source_table, count(*) as kept_rows
    from {{ ref('stg_' ~ table) }}
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}
),

rejected_counts as (
    select source_table, count(*) as rejected_rows
    from {{ ref('stg_rejected_rows') }}
    group by source_table
)

select
    input_counts.source_table,
    cast(input_counts.input_rows as bigint) as input_rows,
    kept_counts.kept_rows,
    coalesce(rejected_counts.rejected_rows, 0) as rejected_rows,
    input_counts.input_rows = kept_counts.kept_rows + coalesce(rejected_counts.rejected_rows, 0) as is_reconciled
from input_counts
inner join kept_counts
    on input_counts.source_table = kept_counts.source_table
left join rejected_counts
    on input_counts.source_table = rejected_counts.source_table
