{#- One row per target, model and metric on the time-based holdout, over all holdout rows
    (order_band 'all'; per order-count band: ml_label_model_band_metrics): the candidates that can
    be published (the calibrated logistic regression, model_role product and the default; the
    gradient-boosting challenger; the majority class) and the baselines (rule_carried_forward,
    recency_rank, and the purchase model's bgnbd_p_no_purchase for churn and clv_rank for value
    tier), trained at the backtest date and evaluated on the labels of the last
    label_horizon_days. is_published marks the candidate the profile's probabilities come from
    (chosen on log loss, selection_reason says why); is_beaten_by_model compares it with each row. -#}
{{ label_model_metrics("order_band = 'all'") }}
