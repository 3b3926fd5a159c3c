{#- One row per customer with a completed order and feature date (scoring = as_of_date,
    training = as_of_date - label_horizon_days): the purchase model's scores, from
    ml_purchase_model (result_kind scores). -#}
select
    cast(customer_id as {{ dbt.type_string() }}) as customer_id,
    feature_date_role,
    cast(bgnbd_p_alive as double) as bgnbd_p_alive,
    cast(bgnbd_expected_purchases as double) as bgnbd_expected_purchases,
    cast(bgnbd_p_no_purchase as double) as bgnbd_p_no_purchase,
    cast(gg_expected_order_value as double) as gg_expected_order_value,
    cast(clv as double) as clv
from {{ ref('ml_purchase_model') }}
where result_kind = 'scores'
