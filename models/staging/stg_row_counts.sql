{#- One row per contract table: rows read from the source, rows kept, rows rejected, and
    whether they reconcile (input = kept + rejected). The input count reads the source again,
    independently of the staging logic, so a row lost anywhere shows up here. -#}
{{ config(materialized='table') }}

with input_counts as (
    {% for table in staged_tables().keys() %}
    select '{{ table }}' as source_table, count(*) as input_rows
    from ({{ raw_table(table) }}) as source_rows
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
    input_counts.input_rows,
    kept_counts.kept_rows,
    coalesce(rejected_counts.rejected_rows, 0) as rejected_rows,
    input_counts.input_rows = kept_counts.kept_rows + coalesce(rejected_counts.rejected_rows, 0) as is_reconciled
from input_counts
inner join kept_counts
    on input_counts.source_table = kept_counts.source_table
left join rejected_counts
    on input_counts.source_table = rejected_counts.source_table
