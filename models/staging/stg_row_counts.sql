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
    select
        source_table,
        count(*) as rejected_rows,
        sum(case when reason_code = 'after_as_of_date' then 1 else 0 end) as after_as_of_rows
    from {{ ref('stg_rejected_rows') }}
    group by source_table
),

{# customers and orders are read, and none is kept: the build stops, saying why #}
nothing_kept as (
    select
        input_counts.source_table,
        input_counts.input_rows,
        coalesce(rejected_counts.after_as_of_rows, 0) as after_as_of_rows
    from input_counts
    inner join kept_counts
        on input_counts.source_table = kept_counts.source_table
    left join rejected_counts
        on input_counts.source_table = rejected_counts.source_table
    where input_counts.source_table in ('customers', 'orders')
      and input_counts.input_rows > 0 and kept_counts.kept_rows = 0
),

build_stop as (
    select max(case when nothing_kept.source_table is not null then {{ raise_error(dbt.concat([
        "'No row of '", "nothing_kept.source_table", "' is kept: '",
        "cast(nothing_kept.input_rows as " ~ dbt.type_string() ~ ")", "' read, '",
        "cast(nothing_kept.after_as_of_rows as " ~ dbt.type_string() ~ ")",
        "' of them dated after as_of_date '", "cast(as_of.as_of_date as " ~ dbt.type_string() ~ ")",
        "' ('", "as_of.as_of_date_source", "'). Set var as_of_date to a later date (YYYY-MM-DD) or leave it empty; the other reasons are in stg_rejected_rows.'"])) }} end) as stopped
    from {{ ref('stg_as_of_date') }} as as_of
    left join nothing_kept
        on 1 = 1
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
cross join build_stop
where build_stop.stopped is null
