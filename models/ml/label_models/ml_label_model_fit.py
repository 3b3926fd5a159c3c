"""All outputs of the label models (churn risk, lifecycle stage, value tier) from one fit:
validation on the time-based holdout with baselines, final parameters, calibration, run log.
A thin wrapper around customer_activation.labels.training.train_label_models; the SQL models
ml_label_model_parameters / _metrics / _calibration and ml_model_runs split it by result_kind.
With var refit_models false the previous fit is kept (daily scoring runs; docs/refresh.md) unless there is none or the features changed since."""
from customer_activation.io.model_io import model_settings, previous_result, to_frame
from customer_activation.labels.data import LabelModelSettings
from customer_activation.labels.training import reusable_fit, train_label_models


def model(dbt, session):
    dbt.config(materialized="table")
    build = model_settings(dbt.config.get("settings"))
    settings = LabelModelSettings.from_settings(build)
    scaling = to_frame(dbt.ref("int_feature_scaling")).sort_values("feature_order")
    feature_cols = scaling["feature_name"].tolist()
    if not build["refit_models"]:
        previous = previous_result(session, dbt.this)
        if previous is not None and reusable_fit(previous, feature_cols):
            return previous
    vectors = to_frame(dbt.ref("int_customer_feature_vectors"), "feature_date_role in ('backtest', 'training')",
                       ["customer_id", "feature_date_role", *feature_cols], float32=feature_cols, arrow=True)
    labels = to_frame(dbt.ref("ml_training_labels"), arrow=True)
    rfm = to_frame(dbt.ref("int_customer_rfm"), "feature_date_role = 'training'", ["customer_id", "feature_date_role", "recency_days"])
    history = to_frame(dbt.ref("int_customer_purchase_history"), "feature_date_role = 'training'",
                       ["customer_id", "n_order_days"])
    purchase = to_frame(dbt.ref("ml_customer_purchase_scores"), "feature_date_role in ('backtest', 'training', 'scoring')",
                        ["customer_id", "feature_date_role", "bgnbd_p_no_purchase", "clv"])
    purchase_parameters = to_frame(dbt.ref("ml_purchase_model_parameters"), None,
                                   ["feature_date_role", "model_status", "r", "alpha", "a", "b", "bgnbd_n_customers"])
    # baseline "nothing changes": the label of the window before the training date
    carried_forward = labels.loc[labels["feature_date_role"] == "backtest", ["customer_id", "target", "rule_label"]]
    carried_forward = carried_forward.rename(columns={"rule_label": "label"})
    recency = rfm.loc[rfm["feature_date_role"] == "training", ["customer_id", "recency_days"]]
    class_order = build["label_classes"]
    results = train_label_models(
        vectors, labels, feature_cols, carried_forward=carried_forward, recency=recency,
        order_counts=history.rename(columns={"n_order_days": "n_orders"}), purchase_scores=purchase,
        purchase_parameters=purchase_parameters,
        scoring_customers=lambda: to_frame(dbt.ref("int_customer_feature_vectors"), "feature_date_role = 'scoring'",
                                           ["customer_id"])["customer_id"],
        scoring_vectors=lambda: to_frame(dbt.ref("int_customer_feature_vectors"), "feature_date_role = 'scoring'",
                                         ["customer_id", *feature_cols], float32=feature_cols),
        settings=settings, class_order=class_order)
    return results.stacked()
