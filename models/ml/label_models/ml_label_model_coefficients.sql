{#- One row per target, class and feature of the final label models: the coefficient on the
    standardised scale (how much one standard deviation of the feature moves the class's log
    odds against the others) and its rank by absolute size within the class. -#}
with parameters as (
    select * from {{ ref('ml_label_model_parameters') }}
),

coefficients as (
    select target, model_version, class_label, feature, coefficient
    from parameters
    union all
    select distinct target, model_version, class_label, '(intercept)' as feature, intercept as coefficient
    from parameters
)

select
    target,
    model_version,
    class_label,
    feature,
    coefficient,
    case when feature <> '(intercept)' then
        row_number() over (partition by target, class_label, feature = '(intercept)'
                           order by abs(coefficient) desc, feature) end as abs_rank
from coefficients
