{#- One row per target, class and probability decile (holdout, validation model): mean
    predicted probability against the observed rate of the class. -#}
select
    target,
    model_version,
    class as class_label,
    cast(bin as integer) as decile,
    cast(n as bigint) as n_customers,
    cast(p_min as double) as p_min,
    cast(p_max as double) as p_max,
    cast(mean_predicted as double) as mean_predicted,
    cast(observed_rate as double) as observed_rate
from {{ ref('ml_label_model_fit') }}
where result_kind = 'calibration'
