{#- One row per summary level and segment at as_of_date: customers, revenue and churn per RFM
    segment (summary_level = rfm_segment) and per rule lifecycle stage (lifecycle_stage), with
    shares of the whole customer base, for dashboards. Revenue = monetary (net completed
    spend in the RFM window); churn = predicted churn probability. -#}
with profile as (
    select * from {{ ref('dim_customer_profile') }}
),

by_segment as (
    select
        'rfm_segment' as summary_level,
        rfm_segment as segment,
        count(*) as n_customers,
        sum(coalesce(monetary, 0)) as revenue,
        {{ deterministic_avg('churn_probability') }} as mean_churn_probability,
        cast(sum(case when churn_risk_class = 'high' then 1 else 0 end) as {{ dbt.type_bigint() }}) as n_high_churn_risk
    from profile
    group by rfm_segment
    union all
    select
        'lifecycle_stage',
        lifecycle_stage,
        count(*),
        sum(coalesce(monetary, 0)),
        {{ deterministic_avg('churn_probability') }},
        cast(sum(case when churn_risk_class = 'high' then 1 else 0 end) as {{ dbt.type_bigint() }})
    from profile
    group by lifecycle_stage
),

totals as (
    select
        count(*) as total_customers,
        sum(coalesce(monetary, 0)) as total_revenue,
        sum(case when churn_risk_class = 'high' then 1 else 0 end) as total_high_churn_risk
    from profile
)

select
    cast(by_segment.summary_level as {{ dbt.type_string() }}) as summary_level,
    cast(coalesce(by_segment.segment, 'unknown') as {{ dbt.type_string() }}) as segment,
    by_segment.n_customers,
    cast(by_segment.n_customers as double) / nullif(totals.total_customers, 0) as customer_share,
    by_segment.revenue,
    cast(by_segment.revenue as double) / nullif(cast(totals.total_revenue as double), 0) as revenue_share,
    by_segment.mean_churn_probability,
    by_segment.n_high_churn_risk,
    cast(by_segment.n_high_churn_risk as double) / nullif(by_segment.n_customers, 0) as high_churn_risk_share,
    cast(by_segment.n_high_churn_risk as double) / nullif(totals.total_high_churn_risk, 0) as share_of_high_churn_risk,
    as_of.as_of_date
from by_segment
cross join totals
cross join {{ ref('stg_as_of_date') }} as as_of
