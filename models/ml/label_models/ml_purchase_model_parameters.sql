{#- One row per fitted feature date (scoring, training, backtest): the purchase model's parameters and
    fit, from ml_purchase_model (result_kind parameters). -#}
select
    feature_date_role,
    model_status,
    cast(r as double) as r,
    cast(alpha as double) as alpha,
    cast(a as double) as a,
    cast(b as double) as b,
    cast(bgnbd_log_likelihood as double) as bgnbd_log_likelihood,
    cast(bgnbd_n_customers as bigint) as bgnbd_n_customers,
    bgnbd_converged,
    cast(p as double) as p,
    cast(q as double) as q,
    cast(v as double) as v,
    cast(gg_log_likelihood as double) as gg_log_likelihood,
    cast(gg_n_customers as bigint) as gg_n_customers,
    gg_converged,
    cast(frequency_value_correlation as double) as frequency_value_correlation,
    cast(fit_seconds as double) as fit_seconds
from {{ ref('ml_purchase_model') }}
where result_kind = 'parameters'
