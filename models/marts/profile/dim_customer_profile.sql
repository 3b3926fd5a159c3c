{#- One row per kept customer at as_of_date: everything the project knows about the customer.
    The public table BI tools and audiences read (contract enforced; see _marts.yml). -#}
{%- set imputed = setting('imputation_attributes') -%}
{%- set classes = label_classes() %}

with as_of as (
    select as_of_date from {{ ref('stg_as_of_date') }}
),

imputation as (
    select
        customer_id
        {%- for attribute in profile_attributes() if attribute in imputed %},
        max(case when attribute = '{{ attribute }}' then value end) as {{ attribute }}_value,
        max(case when attribute = '{{ attribute }}' then confidence end) as {{ attribute }}_confidence,
        max(case when attribute = '{{ attribute }}' and is_imputed then 1 else 0 end) as {{ attribute }}_imputed,
        max(case when attribute = '{{ attribute }}' and is_imputed then imputation_method end) as {{ attribute }}_imputation_method
        {%- endfor %}
    from {{ ref('ml_attribute_imputation') }}
    group by customer_id
),

scores as (
    select
        customer_id,
        max(case when target = 'churn_risk' and class_label = '{{ churn_class() }}' then probability end) as churn_probability,
        max(case when target = 'lifecycle_stage' and is_predicted then class_label end) as predicted_lifecycle_stage,
        max(case when target = 'lifecycle_stage' and is_predicted then probability end) as predicted_lifecycle_stage_probability,
        max(case when target = 'value_tier' and is_predicted then class_label end) as predicted_value_tier,
        max(case when target = 'value_tier' and is_predicted then probability end) as predicted_value_tier_probability,
        {%- for value_class in classes['value_tier'] %}
        max(case when target = 'value_tier' and class_label = '{{ value_class }}' then probability end) as p_value_tier_{{ value_class }},
        {%- endfor %}
        max(case when target = 'churn_risk' then model_version end) as churn_model_version,
        max(case when target = 'lifecycle_stage' then model_version end) as lifecycle_model_version,
        max(case when target = 'value_tier' then model_version end) as value_tier_model_version
    from {{ ref('ml_customer_label_scores') }}
    group by customer_id
),

purchase_scores as (
    select
        customer_id,
        bgnbd_p_alive,
        bgnbd_expected_purchases,
        gg_expected_order_value,
        clv
    from {{ ref('ml_customer_purchase_scores') }}
    where feature_date_role = 'scoring'
),

profile_facts as (
    select
        customers.customer_id,
        as_of.as_of_date,
        customers.signup_date,
        population.first_seen_date,
        population.tenure_days,
        {%- for attribute in profile_attributes() %}
        {%- if attribute in imputed %}
        imputation.{{ attribute }}_value as {{ attribute }}_text,
        case when imputation.{{ attribute }}_imputed = 1 then true else false end as {{ attribute }}_is_imputed,
        imputation.{{ attribute }}_confidence,
        imputation.{{ attribute }}_imputation_method,
        {%- else %}
        cast(customers.{{ attribute }} as {{ dbt.type_string() }}) as {{ attribute }}_text,
        false as {{ attribute }}_is_imputed,
        cast(case when customers.{{ attribute }} is not null then 1.0 end as double) as {{ attribute }}_confidence,
        cast(null as {{ dbt.type_string() }}) as {{ attribute }}_imputation_method,
        {%- endif %}
        {%- endfor %}
        {{ email_hash('customers.email') }} as email_sha256,
        {{ phone_hash('customers.phone') }} as phone_sha256,
        {{ phone_masked('customers.phone') }} as phone_masked,
        {{- rfm_value_columns('rfm') }}
        rfm.rfm_cell,
        rfm.rfm_segment,
        order_stats.n_orders,
        order_stats.n_completed_orders,
        order_stats.lifetime_net_amount,
        cast(order_stats.first_order_ts as date) as first_order_date,
        cast(order_stats.last_order_ts as date) as last_order_date,
        cast(order_stats.last_completed_ts as date) as last_completed_order_date,
        lifecycle.lifecycle_stage_rule as lifecycle_stage,
        scores.predicted_lifecycle_stage,
        scores.predicted_lifecycle_stage_probability,
        scores.churn_probability,
        {{ churn_risk_class('scores.churn_probability') }} as churn_risk_class,
        scores.predicted_value_tier,
        scores.predicted_value_tier_probability,
        {%- for value_class in classes['value_tier'] %}
        scores.p_value_tier_{{ value_class }},
        {%- endfor %}
        purchase_scores.bgnbd_p_alive,
        purchase_scores.bgnbd_expected_purchases,
        purchase_scores.gg_expected_order_value,
        purchase_scores.clv,
        interests.dominant_interest,
        interests.top_interests,
        interests.stable_interests,
        interests.n_stable_interests,
        circle.circle_id,
        circle.circle_kind,
        circle.circle_size,
        circle.circle_tags,
        circle.monetary_percentile_in_circle,
        circle.frequency_percentile_in_circle,
        circle.degree as circle_degree,
        circle.referrals_made,
        circle.referred_customers_monetary,
        scores.churn_model_version,
        scores.lifecycle_model_version,
        scores.value_tier_model_version
    from {{ ref('stg_customers') }} as customers
    cross join as_of
    left join {{ ref('int_customer_population') }} as population
        on population.customer_id = customers.customer_id and population.feature_date_role = 'scoring'
    left join {{ ref('int_customer_rfm') }} as rfm
        on rfm.customer_id = customers.customer_id and rfm.feature_date_role = 'scoring'
    left join {{ ref('int_customer_order_stats') }} as order_stats
        on order_stats.customer_id = customers.customer_id and order_stats.feature_date_role = 'scoring'
    left join {{ ref('int_customer_lifecycle') }} as lifecycle
        on lifecycle.customer_id = customers.customer_id and lifecycle.feature_date_role = 'scoring'
    left join {{ ref('int_customer_top_interests') }} as interests
        on interests.customer_id = customers.customer_id and interests.feature_date_role = 'scoring'
    left join {{ ref('int_customer_circle') }} as circle
        on circle.customer_id = customers.customer_id and circle.feature_date_role = 'scoring'
    left join imputation on imputation.customer_id = customers.customer_id
    left join scores on scores.customer_id = customers.customer_id
    left join purchase_scores on purchase_scores.customer_id = customers.customer_id
),

matched_actions as (
    select
        profile_facts.customer_id,
        actions.action,
        actions.description,
        row_number() over (partition by profile_facts.customer_id order by actions.priority) as match_order
    from profile_facts
    inner join {{ ref('next_best_actions') }} as actions
        on (actions.lifecycle_stage = '*' or actions.lifecycle_stage = profile_facts.lifecycle_stage)
        and (actions.churn_risk_class = '*' or actions.churn_risk_class = profile_facts.churn_risk_class)
        and (actions.value_tier = '*' or actions.value_tier = profile_facts.predicted_value_tier)
        and (actions.rfm_segment = '*' or actions.rfm_segment = profile_facts.rfm_segment)
)

select
    profile_facts.customer_id,
    profile_facts.as_of_date,
    profile_facts.signup_date,
    profile_facts.first_seen_date,
    cast(profile_facts.tenure_days as bigint) as tenure_days,
    {%- for attribute in profile_attributes() %}
    {%- if attribute == 'birth_year' %}
    {{ safe_cast('profile_facts.birth_year_text', dbt.type_int()) }} as birth_year,
    {%- else %}
    profile_facts.{{ attribute }}_text as {{ attribute }},
    {%- endif %}
    profile_facts.{{ attribute }}_is_imputed,
    profile_facts.{{ attribute }}_confidence,
    profile_facts.{{ attribute }}_imputation_method,
    {%- if attribute == 'birth_year' %}
    {{ age_band('extract(year from profile_facts.as_of_date) - ' ~ safe_cast('profile_facts.birth_year_text', dbt.type_int())) }} as age_band,
    {%- endif %}
    {%- endfor %}
    profile_facts.email_sha256,
    profile_facts.phone_sha256,
    profile_facts.phone_masked,
    cast(profile_facts.recency_days as bigint) as recency_days,
    profile_facts.frequency,
    cast(profile_facts.monetary as decimal(38, 2)) as monetary,
    profile_facts.r_score,
    profile_facts.f_score,
    profile_facts.m_score,
    profile_facts.rfm_cell,
    profile_facts.rfm_segment,
    profile_facts.n_orders,
    profile_facts.n_completed_orders,
    cast(profile_facts.lifetime_net_amount as decimal(38, 2)) as lifetime_net_amount,
    profile_facts.first_order_date,
    profile_facts.last_order_date,
    profile_facts.last_completed_order_date,
    profile_facts.lifecycle_stage,
    profile_facts.predicted_lifecycle_stage,
    profile_facts.predicted_lifecycle_stage_probability,
    profile_facts.churn_probability,
    profile_facts.churn_risk_class,
    profile_facts.predicted_value_tier,
    profile_facts.predicted_value_tier_probability,
    {%- for value_class in classes['value_tier'] %}
    profile_facts.p_value_tier_{{ value_class }},
    {%- endfor %}
    profile_facts.bgnbd_p_alive,
    profile_facts.bgnbd_expected_purchases,
    profile_facts.gg_expected_order_value,
    profile_facts.clv,
    profile_facts.dominant_interest,
    profile_facts.top_interests,
    profile_facts.stable_interests,
    profile_facts.n_stable_interests,
    profile_facts.circle_id,
    profile_facts.circle_kind,
    profile_facts.circle_size,
    profile_facts.circle_tags,
    profile_facts.monetary_percentile_in_circle,
    profile_facts.frequency_percentile_in_circle,
    profile_facts.circle_degree,
    profile_facts.referrals_made,
    profile_facts.referred_customers_monetary,
    matched_actions.action as next_best_action,
    matched_actions.description as next_best_action_reason,
    profile_facts.churn_model_version,
    profile_facts.lifecycle_model_version,
    profile_facts.value_tier_model_version
from profile_facts
left join matched_actions
    on matched_actions.customer_id = profile_facts.customer_id
    and matched_actions.match_order = 1
