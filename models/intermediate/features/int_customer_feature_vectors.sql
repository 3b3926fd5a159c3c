{#- One row per customer and feature date: the standardised feature vector, one column per
    feature of int_feature_scaling (same names as in int_customer_features), each
    (transform(x) - centre) / scale with the parameters fitted on the training population;
    a missing value is 0 (the centre). Input of the similarity and classification models. -#}
{%- set features = feature_catalogue() -%}

with parameters as (
    select
    {%- for feature in features %}
        max(case when feature_name = '{{ feature.name }}' then center end) as {{ feature.name }}__center,
        max(case when feature_name = '{{ feature.name }}' then scale end) as {{ feature.name }}__scale{{ "," if not loop.last }}
    {%- endfor %}
    from {{ ref('int_feature_scaling') }}
)

select
    features.customer_id,
    features.feature_date_role,
    features.feature_date
    {%- for feature in features %},
    coalesce(({{ feature_transformed(feature) }} - parameters.{{ feature.name }}__center) / parameters.{{ feature.name }}__scale, 0) as {{ feature.name }}
    {%- endfor %}
from {{ ref('int_customer_features') }} as features
cross join parameters
