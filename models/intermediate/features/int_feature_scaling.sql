{#- One row per feature of the scaled vector: its group, transform and the fitted centre and
    scale. Fitted on the training population (feature_date_role = 'training') so the same
    transform applies at every feature date; when fewer than feature_min_training_rows (default
    30) customers exist at the training date, on the scoring population instead (fitted_on says
    which). z: centre = mean, scale = standard deviation; robust: centre = median,
    scale = interquartile range; flag and onehot: centre 0, scale 1. A zero or null scale
    becomes 1 (a constant feature scales to 0). -#}
{%- set features = feature_catalogue() -%}

with training_rows as (
    select count(*) as n_rows from {{ ref('int_customer_features') }}
    where feature_date_role = 'training'
),

fit_population as (
    select features.*
    from {{ ref('int_customer_features') }} as features
    cross join training_rows
    where features.feature_date_role = case
        when training_rows.n_rows >= {{ setting('feature_min_training_rows') }} then 'training'
        else 'scoring' end
),

{# Every parameter in one aggregate pass over the fit population (one wide row), then one
    row per feature. -#}
fitted_wide as (
    select
        {%- for feature in features %}
        {%- set x = feature_transformed(feature) %}
        {%- if feature.transform in ('z', 'log_z') %}
        {{ deterministic_avg(x) }} as f{{ loop.index }}__center,
        {{ deterministic_stddev_samp(x) }} as f{{ loop.index }}__raw_scale,
        {%- elif feature.transform == 'robust' %}
        {{ quantile(x, 0.5) }} as f{{ loop.index }}__center,
        {{ quantile(x, 0.75) }} - {{ quantile(x, 0.25) }} as f{{ loop.index }}__raw_scale,
        {%- endif %}
        count({{ x }}) as f{{ loop.index }}__n_fit_values,
        {%- endfor %}
        count(*) as n_fit_rows,
        max(feature_date_role) as fitted_on
    from fit_population
),

fitted as (
    {{- feature_parameters_long(features, 'fitted_wide') }}
)

select
    feature_order,
    feature_name,
    feature_group,
    transform,
    coalesce(center, 0) as center,
    case when raw_scale is null or raw_scale = 0 then 1 else raw_scale end as scale,
    n_fit_values,
    n_fit_rows,
    coalesce(fitted_on, 'none') as fitted_on
from fitted
