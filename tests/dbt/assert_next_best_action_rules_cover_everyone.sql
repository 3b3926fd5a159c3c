{#- seeds/next_best_actions.csv must end in a catch-all rule so every customer gets an action:
    returns the profile rows without one (also caught by not_null on the column, this names
    the fix). Fix: add a last rule with '*' in every condition column. -#}
select customer_id, lifecycle_stage, churn_risk_class, predicted_value_tier, rfm_segment
from {{ ref('dim_customer_profile') }}
where next_best_action is null
