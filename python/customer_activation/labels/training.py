"""Training and validating the latent-label models (churn risk, lifecycle stage, value tier).

The dbt Python models ``ml_label_model_*`` are thin wrappers around :func:`train_label_models`.
Inputs are the standardised feature vectors (one row per customer and feature date) and the
training labels (one row per customer, labelled feature date and target) built in SQL.

Protocol, per target (time-based holdout, no leakage):

1. **validate**: fit on the ``backtest`` rows (features at as_of − 2h, labels in the next h
   days) and evaluate on the ``training`` rows (features at as_of − h, labels in the last h
   days), next to the baselines the model must beat:
   - ``majority_class``: always the most frequent training class (class shares as probabilities);
   - ``rule_carried_forward``: the label observed in the window *before* the feature date
     (for lifecycle stage, the rule stage at the feature date) — "nothing changes";
   - ``recency_rank`` (churn only): ranking by days since the last order (ROC AUC);
   and, as a challenger (not the product model), ``gradient_boosting``: scikit-learn's
   HistGradientBoostingClassifier on the same rows, features and weights, to show what a
   non-linear model would add (``compare_gradient_boosting``; trained on at most
   ``comparison_max_rows`` rows).
2. **final**: fit on the ``training`` rows; its parameters score the customers at as_of_date
   (in SQL, from the stored parameters; see :mod:`customer_activation.labels.parameters`).

Training rows are sampled down to ``max_training_rows`` (seeded, stratified by label) so
training is bounded at any customer count; the holdout rows evaluated, for every model and
baseline alike, down to ``max_evaluation_rows`` the same way (``n_eval`` in the metrics).
Manual labels carry ``manual_weight`` as sample weight (rule and observed labels 1).
"""

from __future__ import annotations

import json
import platform
from typing import Any

import numpy as np
import pandas as pd

from customer_activation.labels.challenger import _gradient_boosting_proba
from customer_activation.labels.classifier import FittedLabelModel, fit_label_model
from customer_activation.labels.data import (
    ID,
    METRIC_NAMES,
    PREDICT_ROWS,
    TARGETS,
    LabelModelResults,
    LabelModelSettings,
    _drop_rare_classes,
    _labelled,
    _sample,
    _weights,
)
from customer_activation.labels.metrics import (
    calibration_table,
    label_metrics,
    multiclass_metrics,
    prior_proba,
    ranking_auc,
)
from customer_activation.labels.parameters import scoring_parameters
from customer_activation.threads import single_threaded


def _fit(frame: pd.DataFrame, feature_cols: list[str], target: str,
         settings: LabelModelSettings) -> FittedLabelModel:
    frame, _ = _drop_rare_classes(frame, settings.label_model_min_class_rows)
    sample = _sample(frame, settings.label_model_max_training_rows, settings.random_seed)
    return fit_label_model(
        sample[feature_cols], sample["label"], sample_weight=_weights(sample, settings.label_model_manual_weight),
        C=settings.label_model_regularisation_c, random_state=settings.random_seed, max_iter=settings.max_iter,
        min_rows=settings.label_model_min_training_rows, target=target)


def _proba_on(model: FittedLabelModel, X: pd.DataFrame, classes: list[Any]) -> np.ndarray:
    """Model probabilities aligned to ``classes`` (0 for classes the model never saw),
    computed PREDICT_ROWS rows at a time (the pipeline's float64 copies stay small)."""
    out = np.zeros((len(X), len(classes)))
    if not model.classes or len(X) == 0:
        return out
    for start in range(0, len(X), PREDICT_ROWS):
        proba = model.predict_proba(X.iloc[start:start + PREDICT_ROWS])
        for j, c in enumerate(model.classes):
            out[start:start + len(proba), classes.index(c)] = proba[:, j]
    return out


def _safe_metrics(fn, *args) -> dict[str, Any]:
    """Metrics, or NaNs with the reason when the evaluation set cannot support them
    (e.g. a degenerate model on a handful of rows)."""
    try:
        return fn(*args)
    except ValueError as exc:
        return {"n": len(args[0]), "reason": f"metrics undefined: {exc}"}


def _metric_rows(target: str, model_name: str, values: dict[str, Any], version: str | None,
                 reason: str | None) -> list[dict[str, Any]]:
    rows = []
    for metric in METRIC_NAMES:
        value = values.get(metric)
        rows.append({
            "target": target, "model": model_name, "model_version": version, "metric": metric,
            "value": None if value is None or (isinstance(value, float) and np.isnan(value)) else float(value),
            "n_eval": int(values.get("n", 0) or 0),
            "reason": reason or values.get("reason") or (values.get("roc_auc_note") if metric == "roc_auc_ovr" else None),
        })
    return rows


@single_threaded
def train_label_models(
    vectors: pd.DataFrame,
    labels: pd.DataFrame,
    feature_cols: list[str],
    *,
    carried_forward: pd.DataFrame | None = None,
    recency: pd.DataFrame | None = None,
    settings: LabelModelSettings,
    targets: tuple[str, ...] = TARGETS,
    class_order: dict[str, list[str]] | None = None,
) -> LabelModelResults:
    """Validate and fit one model per target; see the module docstring for the protocol.

    ``carried_forward``: (customer_id, target, label) — the baseline label for the
    ``training`` rows. ``recency``: (customer_id, recency_days) at the training feature date,
    for the churn ranking baseline. ``class_order``: preferred class order per target.
    """
    params_frames, metric_rows, calib_frames, run_rows = [], [], [], []
    models: dict[str, FittedLabelModel] = {}
    for target in targets:
        backtest = _labelled(vectors, labels, target, "backtest", feature_cols)
        holdout = _labelled(vectors, labels, target, "training", feature_cols)
        # Every model and baseline is evaluated on the same rows: the whole holdout, or a seeded
        # sample of it stratified by label (a 200,000-row sample puts an accuracy within about
        # 0.002 of the whole holdout's at 95%, at an eighth of the predictions at 1M customers).
        evaluation = _sample(holdout, settings.label_model_max_evaluation_rows, settings.random_seed)
        seen = set(backtest["label"]).union(holdout["label"])
        preferred = (class_order or {}).get(target, [])
        classes = [c for c in preferred if c in seen] + sorted(seen - set(preferred))

        # 1. validation on the time-based holdout
        validation = _fit(backtest, feature_cols, target, settings)
        y_true = evaluation["label"].to_numpy(dtype=object)
        reason = None if validation.status == "ok" else validation.reason
        if len(evaluation) == 0:
            reason = "no labelled rows at the training date to evaluate on"
        if len(evaluation) and len(classes):
            proba = _proba_on(validation, evaluation, classes)  # it reads the model's features
            lr_values = _safe_metrics(multiclass_metrics, y_true, proba, classes)
            metric_rows += _metric_rows(target, "logistic_regression", lr_values, validation.version, reason)
            calib = calibration_table(y_true, proba, classes, n_bins=10)
            calib.insert(0, "model_version", validation.version)
            calib.insert(0, "target", target)
            calib_frames.append(calib)

            if settings.label_model_compare_gradient_boosting:
                gb = _gradient_boosting_proba(backtest, evaluation, feature_cols, classes, settings)
                metric_rows += _metric_rows(
                    target, "gradient_boosting",
                    _safe_metrics(multiclass_metrics, y_true, gb, classes) if gb is not None else {"n": len(evaluation)},
                    None, None if gb is not None else "too few rows or classes to train the challenger")

            majority = prior_proba(backtest["label"].to_numpy(dtype=object), classes, len(evaluation))
            metric_rows += _metric_rows(target, "majority_class",
                                        _safe_metrics(multiclass_metrics, y_true, majority, classes), None, None)
            if carried_forward is not None:
                cf = carried_forward.loc[carried_forward["target"] == target, [ID, "label"]]
                cf = evaluation[[ID]].merge(cf, on=ID, how="left")["label"]
                # a customer with no earlier label gets the majority class
                fallback = classes[int(np.argmax(majority[0]))]
                y_cf = cf.where(cf.notna(), fallback).to_numpy(dtype=object)
                metric_rows += _metric_rows(target, "rule_carried_forward",
                                            _safe_metrics(label_metrics, y_true, y_cf, classes), None, None)
            if target == "churn_risk" and recency is not None and "churned" in classes:
                r = evaluation[[ID]].merge(recency, on=ID, how="left")["recency_days"]
                # never-purchased customers rank as the most lapsed
                score = r.fillna(r.max() + 1 if r.notna().any() else 0).to_numpy(dtype=float)
                auc = ranking_auc((y_true == "churned").astype(int), score)
                metric_rows.append({"target": target, "model": "recency_rank", "model_version": None,
                                    "metric": "roc_auc_ovr", "value": None if np.isnan(auc) else float(auc),
                                    "n_eval": len(evaluation),
                                    "reason": "ROC AUC undefined: the holdout has no rows or a single outcome (all churned or all retained)"
                                    if np.isnan(auc) else None})
        else:
            metric_rows += _metric_rows(target, "logistic_regression", {"n": 0}, validation.version,
                                        reason or "no classes to evaluate")

        # 2. final model for scoring at as_of_date
        final = _fit(holdout, feature_cols, target, settings)
        models[target] = final
        _, rare = _drop_rare_classes(holdout, settings.label_model_min_class_rows)
        params = scoring_parameters(final)
        params.insert(0, "target", target)
        params["status"] = final.status
        params["reason"] = final.reason or None
        params_frames.append(params)
        balance = holdout["label"].value_counts().sort_index()
        run_rows.append({
            "target": target,
            "model_version": final.version,
            "validation_model_version": validation.version,
            "status": final.status,
            "reason": "; ".join(filter(None, [
                final.reason,
                f"classes with fewer than {settings.label_model_min_class_rows} labels left out of training: {', '.join(rare)}"
                if rare else ""])) or None,
            "n_train_rows": int(final.n_train),
            "n_validation_train_rows": int(validation.n_train),
            "n_holdout_rows": int(len(holdout)),
            "n_manual_labels": int((holdout["label_source"] == "manual").sum()),
            "class_balance": json.dumps({str(k): int(v) for k, v in balance.items()}),
            "parameters": json.dumps({**final.params, "manual_weight": settings.label_model_manual_weight,
                                      "max_training_rows": settings.label_model_max_training_rows,
                                      "max_evaluation_rows": settings.label_model_max_evaluation_rows,
                                      "min_class_rows": settings.label_model_min_class_rows}, sort_keys=True),
            "n_features": len(feature_cols),
        })

    metrics = pd.DataFrame(metric_rows)
    runs = pd.DataFrame(run_rows)
    runs["library_versions"] = json.dumps(library_versions(), sort_keys=True)
    if len(metrics):
        lr = metrics[metrics["model"] == "logistic_regression"].set_index(["target", "metric"])["value"]
        runs["holdout_metrics"] = [
            json.dumps({m: (None if pd.isna(lr.get((t, m))) else round(float(lr.get((t, m))), 6))
                        for m in METRIC_NAMES if (t, m) in lr.index}, sort_keys=True)
            for t in runs["target"]]
    parameters = pd.concat(params_frames, ignore_index=True) if params_frames else pd.DataFrame()
    calibration = pd.concat(calib_frames, ignore_index=True) if calib_frames else pd.DataFrame(
        columns=["target", "model_version", "class", "bin", "n", "p_min", "p_max", "mean_predicted",
                 "observed_rate"])  # no holdout anywhere (no customers): empty, with every column
    return LabelModelResults(parameters=parameters, metrics=metrics, calibration=calibration, runs=runs,
                             models=models)


def reusable_fit(previous: pd.DataFrame, feature_cols: list[str]) -> bool:
    """Whether a stored fit (the stacked frame of :meth:`LabelModelResults.stacked`) can keep
    scoring: every target has parameters, all on exactly ``feature_cols``. A fit on other
    features (features added, removed or renamed since) must not be reused: its
    coefficients would meet missing or unknown features in SQL scoring."""
    if previous.empty or "result_kind" not in previous.columns:
        return False
    params = previous[previous["result_kind"] == "parameters"]
    runs = previous[previous["result_kind"] == "runs"]
    if params.empty or runs.empty or set(runs["target"]) != set(params["target"]):
        return False
    wanted = set(feature_cols)
    return all(set(group["feature"]) == wanted for _, group in params.groupby("target"))


def library_versions() -> dict[str, str]:
    """Versions of the libraries a model depends on, for the model-run log."""
    import scipy
    import sklearn

    return {"python": platform.python_version(), "numpy": np.__version__, "pandas": pd.__version__,
            "scikit-learn": sklearn.__version__, "scipy": scipy.__version__}
