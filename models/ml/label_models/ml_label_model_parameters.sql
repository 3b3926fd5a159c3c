{#- One row per target, class and feature of the final label models (fitted on the training
    date, used to score at as_of_date): imputation median, standardisation mean and scale,
    coefficient and intercept (calibrated: the prior correction, temperature and bias are folded
    in). published_model says whether the profile publishes these (logistic_regression,
    majority_class: zero coefficients, log class shares) or the challenger's probabilities
    (gradient_boosting, scored in Python: ml_customer_label_scores takes them from the fit). p(class) = softmax over classes of
    intercept + sum(coefficient × (coalesce(x, median) − mean) / scale). -#}
select
    target,
    model_version,
    class as class_label,
    cast(class_index as integer) as class_index,
    feature,
    cast(feature_index as integer) as feature_index,
    cast(median as double) as median,
    cast(mean as double) as mean,
    cast(scale as double) as scale,
    cast(coefficient as double) as coefficient,
    cast(intercept as double) as intercept,
    cast(decision_weight as double) as decision_weight,
    published_model,
    status as model_status,
    reason as model_reason
from {{ ref('ml_label_model_fit') }}
where result_kind = 'parameters'
