{{ config(materialized="view", schema="intermediate") }}
{#- One row per customer: the profile's key tags, the input of the snap_customer_profile
    snapshot (kept narrow so history stays small). -#}
select
    customer_id,
    as_of_date,
    rfm_segment,
    lifecycle_stage,
    predicted_lifecycle_stage,
    churn_risk_class,
    predicted_value_tier,
    next_best_action
from {{ ref('dim_customer_profile') }}
