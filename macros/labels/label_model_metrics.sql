{#- The metric rows of ml_label_model_fit matching ``band_filter`` (on order_band), with each
    row's role and whether the published candidate of its target and band beats it. -#}
{% macro label_model_metrics(band_filter) %}
with metrics as (
    select
        cast(target as {{ dbt.type_string() }}) as target,
        cast(model as {{ dbt.type_string() }}) as model,
        cast(model_version as {{ dbt.type_string() }}) as model_version,
        cast(order_band as {{ dbt.type_string() }}) as order_band,
        cast(metric as {{ dbt.type_string() }}) as metric,
        cast(value as double) as value,
        cast(n_eval as bigint) as n_eval,
        cast(is_published as boolean) as is_published,
        cast(selection_reason as {{ dbt.type_string() }}) as selection_reason,
        cast(reason as {{ dbt.type_string() }}) as reason
    from {{ ref('ml_label_model_fit') }}
    where result_kind = 'metrics' and {{ band_filter }}
),

published as (
    select target, order_band, metric, value as published_value
    from metrics
    where is_published
)

select
    metrics.target,
    metrics.model,
    cast(case
        when metrics.model = 'logistic_regression' then 'product'
        when metrics.model in ('gradient_boosting', 'bgnbd_p_no_purchase') then 'challenger'
        else 'baseline' end as {{ dbt.type_string() }}) as model_role,
    metrics.model_version,
    metrics.order_band,
    metrics.metric,
    metrics.value,
    metrics.n_eval,
    case when metrics.metric in ('log_loss', 'brier') then 'lower' else 'higher' end as better_when,
    metrics.is_published,
    case
        when metrics.is_published or metrics.value is null or published.published_value is null then null
        when metrics.metric in ('log_loss', 'brier') then published.published_value < metrics.value
        else published.published_value > metrics.value
    end as is_beaten_by_model,
    metrics.selection_reason,
    metrics.reason
from metrics
left join published
    on {{ same_keys('metrics', 'published', ['target', 'order_band', 'metric']) }}
{% endmacro %}
