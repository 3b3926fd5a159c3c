{#- Segment sizes and churn risk per analysis date, from the history in snap_customer_profile:
    one row per refresh (an as_of_date recorded by a snapshot, macro snapshot_refreshes),
    summary level (rfm_segment, lifecycle_stage, churn_risk_class) and segment. The state at a
    refresh is every customer's latest version recorded on or before it (macro
    snapshot_states), so unchanged customers count with their earlier version and customers
    removed from the profile drop out. On Spark, which builds no snapshot, it is the current
    profile (int_profile_key_tags) at as_of_date only. -#}
{%- set levels = ['rfm_segment', 'lifecycle_stage', 'churn_risk_class'] %}

with
{%- if target.type == 'spark' %}
states as (
    select as_of_date, customer_id, rfm_segment, lifecycle_stage, churn_risk_class
    from {{ ref('int_profile_key_tags') }}
),
{%- else %}
refreshes as (
    {{ snapshot_refreshes() }}
),

states as (
    {{ snapshot_states('snap_customer_profile', 'customer_id', ['customer_id', 'rfm_segment', 'lifecycle_stage', 'churn_risk_class']) }}
),
{%- endif %}

segment_rows as (
    {%- for level in levels %}
    select
        as_of_date,
        '{{ level }}' as summary_level,
        coalesce({{ level }}, '(none)') as segment,
        count(*) as n_customers,
        count(case when churn_risk_class = 'high' then 1 end) as n_high_churn_risk
    from states
    group by as_of_date, coalesce({{ level }}, '(none)')
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

totals as (
    select as_of_date, count(*) as n_customers_total
    from states
    group by as_of_date
)

select
    cast({{ dbt.concat(["cast(segment_rows.as_of_date as " ~ dbt.type_string() ~ ")", "':'", 'segment_rows.summary_level', "':'", 'segment_rows.segment']) }} as {{ dbt.type_string() }}) as history_key,
    segment_rows.as_of_date,
    cast(segment_rows.summary_level as {{ dbt.type_string() }}) as summary_level,
    cast(segment_rows.segment as {{ dbt.type_string() }}) as segment,
    cast(segment_rows.n_customers as {{ dbt.type_bigint() }}) as n_customers,
    cast(segment_rows.n_high_churn_risk as {{ dbt.type_bigint() }}) as n_high_churn_risk,
    cast(totals.n_customers_total as {{ dbt.type_bigint() }}) as n_customers_total,
    cast(segment_rows.n_customers as {{ type_double() }}) / totals.n_customers_total as customer_share,
    cast(segment_rows.n_high_churn_risk as {{ type_double() }}) / segment_rows.n_customers as high_churn_risk_share
from segment_rows
inner join totals
    on segment_rows.as_of_date = totals.as_of_date
