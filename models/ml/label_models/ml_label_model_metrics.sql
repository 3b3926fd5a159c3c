{#- One row per target, model and metric on the time-based holdout: the logistic regression
    (trained at the backtest date; model_role product) next to its baselines (majority_class,
    rule_carried_forward, recency_rank for churn) and a gradient-boosting challenger, evaluated
    on the labels of the last label_horizon_days. -#}
with metrics as (
    select
        cast(target as {{ dbt.type_string() }}) as target,
        cast(model as {{ dbt.type_string() }}) as model,
        cast(model_version as {{ dbt.type_string() }}) as model_version,
        cast(metric as {{ dbt.type_string() }}) as metric,
        cast(value as double) as value,
        cast(n_eval as bigint) as n_eval,
        cast(reason as {{ dbt.type_string() }}) as reason
    from {{ ref('ml_label_model_fit') }}
    where result_kind = 'metrics'
),

lr as (
    select target, metric, value as lr_value
    from metrics
    where model = 'logistic_regression'
)

select
    metrics.target,
    metrics.model,
    cast(case
        when metrics.model = 'logistic_regression' then 'product'
        when metrics.model = 'gradient_boosting' then 'challenger'
        else 'baseline' end as {{ dbt.type_string() }}) as model_role,
    metrics.model_version,
    metrics.metric,
    metrics.value,
    metrics.n_eval,
    case when metrics.metric in ('log_loss', 'brier') then 'lower' else 'higher' end as better_when,
    case
        when metrics.model = 'logistic_regression' or metrics.value is null or lr.lr_value is null then null
        when metrics.metric in ('log_loss', 'brier') then lr.lr_value < metrics.value
        else lr.lr_value > metrics.value
    end as is_beaten_by_model,
    metrics.reason
from metrics
left join lr
    on {{ same_keys('metrics', 'lr', ['target', 'metric']) }}
