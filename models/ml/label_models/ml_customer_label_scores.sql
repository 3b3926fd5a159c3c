{#- One row per customer, target and class at as_of_date: the probability of the class from the
    final label model (scored in SQL from ml_label_model_parameters), whether it is the
    predicted (most probable; ties to the earlier class) class, and the model version.
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
        e_{{ c['index'] }} / ({% for k in spec['classes'] %}e_{{ k['index'] }}{{ " + " if not loop.last }}{% endfor %}) as probability
    from {{ target }}_proba
    {% if not (outer.last and loop.last) %}union all{% endif %}
    {%- endfor %}
    {%- endfor %}
    {%- if models | length == 0 %}
    select
        cast(null as {{ dbt.type_string() }}) as customer_id, cast(null as {{ dbt.type_string() }}) as target,
        cast(null as {{ dbt.type_string() }}) as model_version, cast(null as {{ dbt.type_string() }}) as class_label,
        cast(null as integer) as class_index, cast(null as double) as probability
    from {{ ref('int_feature_dates') }}
    where 1 = 0
    {%- endif %}
)

select
    customer_id,
    target,
    model_version,
    class_label,
    class_index,
    probability,
    row_number() over (partition by customer_id, target order by probability desc, class_index) = 1 as is_predicted
from scores
