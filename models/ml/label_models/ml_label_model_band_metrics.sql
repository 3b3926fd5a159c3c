{#- ml_label_model_metrics per order-count band of the holdout rows: completed-order days
    before the training date 0, 1, 2-3 or 4+ (order_band). Sparse customers (one or two orders)
    are where a model can fail while the overall numbers look fine. -#}
{{ label_model_metrics("order_band <> 'all'") }}
