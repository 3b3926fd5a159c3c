{#- One row per customer and feature date: the rule-defined lifecycle stage at that date
    (macro lifecycle_stage: new / active / declining / dormant / lost), from the features
    computed at that date. -#}
select
    customer_id,
    feature_date_role,
    feature_date,
    {{ lifecycle_stage('tenure_days', 'recency_days', 'recent_orders', 'previous_orders') }} as lifecycle_stage_rule
from {{ ref('int_customer_features') }}
