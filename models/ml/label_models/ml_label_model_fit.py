"""All outputs of the label models (churn risk, lifecycle stage, value tier) from one fit:
validation on the time-based holdout with baselines, final parameters, calibration, run log.
A thin wrapper around customer_activation.label_models.train_label_models; the SQL models
ml_label_model_parameters / _metrics / _calibration and ml_model_runs split it by result_kind.
With var refit_models false the previous fit is kept (daily scoring runs; README "Daily
refresh") unless there is none or the features changed since."""
import json

from customer_activation.model_io import previous_result, to_frame
from customer_activation.label_models import LabelModelSettings, reusable_fit, train_label_models


def model(dbt, session):
    dbt.config(materialized="table")
    challenger = dbt.config.get("gradient_boosting_challenger")  # yes or no
    settings = LabelModelSettings(
        C=float(dbt.config.get("regularisation_c")),
        manual_weight=float(dbt.config.get("manual_label_weight")),
        max_training_rows=int(dbt.config.get("max_training_rows")),
        min_rows=int(dbt.config.get("min_training_rows")),
        min_class_rows=int(dbt.config.get("min_class_rows")),
        random_state=int(dbt.config.get("random_seed")),
        compare_gradient_boosting=challenger == "yes",
        comparison_max_rows=int(dbt.config.get("comparison_max_rows")),
        max_evaluation_rows=int(dbt.config.get("max_evaluation_rows")),
    )
    scaling = to_frame(dbt.ref("int_feature_scaling")).sort_values("feature_order")
    feature_cols = scaling["feature_name"].tolist()
    if dbt.config.get("refit") == "no":
        previous = previous_result(session, dbt.this)
        if previous is not None and reusable_fit(previous, feature_cols):
            return previous
    vectors = to_frame(dbt.ref("int_customer_feature_vectors"), "feature_date_role in ('backtest', 'training')",
                       ["customer_id", "feature_date_role", *feature_cols], float32=feature_cols, arrow=True)
    labels = to_frame(dbt.ref("ml_training_labels"), arrow=True)
    rfm = to_frame(dbt.ref("int_customer_rfm"), "feature_date_role = 'training'", ["customer_id", "feature_date_role", "recency_days"])
    # baseline "nothing changes": the label of the window before the training date
    carried_forward = labels.loc[labels["feature_date_role"] == "backtest", ["customer_id", "target", "rule_label"]]
    carried_forward = carried_forward.rename(columns={"rule_label": "label"})
    recency = rfm.loc[rfm["feature_date_role"] == "training", ["customer_id", "recency_days"]]
    class_order = json.loads(dbt.config.get("class_order"))
    results = train_label_models(
        vectors, labels, feature_cols, carried_forward=carried_forward, recency=recency,
        settings=settings, class_order=class_order)
    return results.stacked()
