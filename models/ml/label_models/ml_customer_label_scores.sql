{#- One row per customer, target and class at as_of_date: the probability of the class from the
    published label model (scored in SQL from ml_label_model_parameters, or, when the
    gradient-boosting challenger or, for churn_risk, BG/NBD's P(no purchase in the horizon) at the
    scoring date is published, its probabilities computed in the fit), whether it is the
    predicted class (the largest probability × decision_weight: for a prior-corrected model
    1 / the training class share, the class most over-represented against its base rate, as
    the balanced fit decided; ties to the earlier class), and the model version.
    Targets: churn_risk (retained / churned: P(no completed order within label_horizon_days
    after as_of_date)), lifecycle_stage (stage at the end of the horizon), value_tier. -#}
{%- set models = load_label_model_parameters(ref('ml_label_model_parameters')) -%}

with vectors as (
    select * from {{ ref('int_customer_feature_vectors') }}
    where feature_date_role = 'scoring'
),

{%- for target, spec in models.items() %}

{{ target }}_eta as (
    select
        customer_id
        {%- for c in spec['classes'] %},
        {{ linear_score(c) }} as eta_{{ c['index'] }}
        {%- endfor %}
    from vectors
),

{{ target }}_proba as (
    select
        customer_id
        {%- for c in spec['classes'] %},
        exp(eta_{{ c['index'] }} - {% if spec['classes'] | length > 1 %}greatest({% for k in spec['classes'] %}eta_{{ k['index'] }}{{ ", " if not loop.last }}{% endfor %}){% else %}eta_{{ c['index'] }}{% endif %}) as e_{{ c['index'] }}
        {%- endfor %}
    from {{ target }}_eta
),
{%- endfor %}

scores as (
    {%- for target, spec in models.items() %}
    {%- set outer = loop %}
    {%- for c in spec['classes'] %}
    select
        customer_id,
        '{{ target }}' as target,
        '{{ spec['version'] }}' as model_version,
        '{{ c['label'] }}' as class_label,
        {{ c['index'] }} as class_index,
        e_{{ c['index'] }} / ({% for k in spec['classes'] %}e_{{ k['index'] }}{{ " + " if not loop.last }}{% endfor %}) as probability,
        {{ float_literal(c['decision_weight']) }} as decision_weight
    from {{ target }}_proba
    {% if not (outer.last and loop.last) %}union all{% endif %}
    {%- endfor %}
    {%- endfor %}
    {%- if models | length > 0 %}
    union all
    {%- endif %}
    select
        cast(customer_id as {{ dbt.type_string() }}) as customer_id,
        cast(target as {{ dbt.type_string() }}) as target,
        cast(model_version as {{ dbt.type_string() }}) as model_version,
        cast(class as {{ dbt.type_string() }}) as class_label,
        cast(cast(class_index as double) as integer) as class_index,
        cast(probability as double) as probability,
        cast(decision_weight as double) as decision_weight
    from {{ ref('ml_label_model_fit') }}
    where result_kind = 'scores'
)

select
    customer_id,
    target,
    model_version,
    class_label,
    class_index,
    probability,
    decision_weight,
    row_number() over (partition by customer_id, target order by probability * decision_weight desc, class_index) = 1 as is_predicted
from scores
