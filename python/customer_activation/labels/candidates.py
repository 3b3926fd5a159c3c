"""The candidates and baselines of the label models on the holdout, as probabilities, and the
metric rows they give (overall and per order-count band).

Candidates (what can be published, labels.calibration.choose_candidate): the calibrated
logistic regression, the prior-corrected gradient-boosting challenger, the majority class.
Baselines: the label carried forward (a smoothed one-hot), the recency ranking (churn), the
purchase model's P(no purchase in the horizon) (churn: ranking and probability) and its CLV
ranking (value tier: ROC AUC of CLV for ``high`` against the rest).
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np
import pandas as pd

from customer_activation.labels.challenger import FittedGradientBoosting, fit_gradient_boosting
from customer_activation.labels.classifier import FittedLabelModel
from customer_activation.labels.data import ID, METRIC_NAMES, PREDICT_ROWS, LabelModelSettings
from customer_activation.labels.metrics import DEFAULT_LABEL_SMOOTHING, one_hot, prior_proba, ranking_auc
from customer_activation.labels.pipeline import version_hash

#: order-count bands of the holdout rows (completed orders before the training date)
BANDS = ("0", "1", "2-3", "4+")
SCORE_COLUMNS = ["customer_id", "target", "model_version", "class", "class_index", "probability", "decision_weight"]


def order_bands(ids: pd.Series, order_counts: pd.DataFrame | None) -> np.ndarray:
    """The band of each customer of ``ids`` from (customer_id, n_orders); none known: '0'."""
    if order_counts is None:
        return np.full(len(ids), "", dtype=object)
    n = pd.DataFrame({ID: ids.to_numpy()}).merge(order_counts[[ID, "n_orders"]], on=ID, how="left")["n_orders"]
    n = n.fillna(0).to_numpy(dtype=float)
    return np.select([n <= 0, n == 1, n <= 3], ["0", "1", "2-3"], "4+").astype(object)


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
                 reason: str | None, *, band: str, published: bool,
                 selection: str | None) -> list[dict[str, Any]]:
    rows = []
    for metric in METRIC_NAMES:
        value = values.get(metric)
        rows.append({
            "target": target, "model": model_name, "model_version": version, "metric": metric,
            "value": None if value is None or (isinstance(value, float) and np.isnan(value)) else float(value),
            "n_eval": int(values.get("n", 0) or 0),
            "reason": reason or values.get("reason") or (values.get("roc_auc_note") if metric == "roc_auc_ovr" else None),
            "order_band": band, "is_published": published, "selection_reason": selection,
        })
    return rows


def _auc_row(target: str, model: str, band: str, y: np.ndarray, score: np.ndarray, what: str,
             metric: str = "roc_auc_ovr", published: bool = False) -> dict[str, Any]:
    auc = ranking_auc(y.astype(int), score)
    return {"target": target, "model": model, "model_version": None, "metric": metric,
            "value": None if np.isnan(auc) else float(auc), "n_eval": len(y),
            "reason": f"ROC AUC undefined: a single outcome among {what}" if np.isnan(auc) else None,
            "order_band": band, "is_published": published, "selection_reason": None}


def _ranking_rows(target: str, band: str, evaluation: pd.DataFrame, y_true: np.ndarray,
                  baselines: dict[str, Any]) -> list[dict[str, Any]]:
    """The recency ranking of churn (never-purchased customers rank as the most lapsed)."""
    recency = baselines.get("recency")
    if recency is None:
        return []
    r = evaluation[[ID]].merge(recency, on=ID, how="left")["recency_days"]
    score = r.fillna(r.max() + 1 if r.notna().any() else 0).to_numpy(dtype=float)
    return [_auc_row(target, "recency_rank", band, y_true == "churned", score, "the holdout rows")]


def _clv_rows(target: str, band: str, evaluation: pd.DataFrame, y_true: np.ndarray, baselines: dict[str, Any],
              probas: dict[str, np.ndarray], high: int, chosen: str) -> list[dict[str, Any]]:
    """ROC AUC of the value tier ``high`` against the rest (metric roc_auc_high): the purchase
    model's CLV at the training date as a ranking (no CLV: 0), next to every model's P(high)."""
    what = "the holdout rows (high vs the rest)"
    rows = [_auc_row(target, name, band, y_true == "high", p[:, high], what, "roc_auc_high", name == chosen)
            for name, p in probas.items()]
    scores = baselines.get("purchase_scores")
    if scores is not None:
        at = scores.loc[scores["feature_date_role"] == "training", [ID, "clv"]]
        clv = evaluation[[ID]].merge(at, on=ID, how="left")["clv"].fillna(0).to_numpy(dtype=float)
        rows.append(_auc_row(target, "clv_rank", band, y_true == "high", clv, what, "roc_auc_high"))
    return rows


def _bgnbd_churn_proba(backtest: pd.DataFrame, evaluation: pd.DataFrame, classes: list[Any],
                       scores: pd.DataFrame) -> np.ndarray:
    """P(churned) = the purchase model's P(no purchase in the horizon) at the training date; a
    customer it does not score (no completed order yet) gets the churned share of such
    customers among the backtest rows (their labels are before the training date)."""
    at_backtest = scores.loc[scores["feature_date_role"] == "backtest", [ID]]
    unscored = ~backtest[ID].isin(at_backtest[ID])
    fill = float((backtest.loc[unscored, "label"] == "churned").mean()) if unscored.any() else 1.0
    at = scores.loc[scores["feature_date_role"] == "training", [ID, "bgnbd_p_no_purchase"]]
    p = evaluation[[ID]].merge(at, on=ID, how="left")["bgnbd_p_no_purchase"].fillna(fill).to_numpy(dtype=float)
    p = np.clip(p, 1e-6, 1 - 1e-6)
    out = np.zeros((len(evaluation), len(classes)))
    out[:, classes.index("churned")] = p
    if "retained" in classes:
        out[:, classes.index("retained")] = 1 - p
    return out


def _candidates_and_baselines(target: str, backtest: pd.DataFrame, evaluation: pd.DataFrame, classes: list[Any],
                              feature_cols: list[str], validation: FittedLabelModel, settings: LabelModelSettings,
                              baselines: dict[str, Any]) -> tuple[dict[str, np.ndarray], dict[str, str], dict[str, str],
                                                                  dict[str, np.ndarray]]:
    """Holdout probabilities of every candidate and baseline (name -> array aligned to
    ``classes``), the reason of those that are missing, the versions of the models, and the
    decision weights of the prior-corrected models (1 / their training class shares)."""
    probas = {"logistic_regression": _proba_on(validation, evaluation, classes)}
    reasons: dict[str, str] = {}
    versions = {"logistic_regression": validation.version}
    weights = {}
    if validation.offset is not None and validation.pipeline is not None:
        weights["logistic_regression"] = _aligned(1 / np.clip(validation.prior, 1e-12, None), validation.classes, classes)
    if validation.calibration:
        reasons["logistic_regression"] = f"calibrated: {validation.calibration}"
    if settings.label_model_compare_gradient_boosting:
        fitted = fit_gradient_boosting(backtest, feature_cols, settings)
        if fitted is not None:
            probas["gradient_boosting"] = fitted.proba(evaluation, classes)
            weights["gradient_boosting"] = _aligned(1 / fitted.prior, list(fitted.model.classes_), classes)
            reasons["gradient_boosting"] = "prior-corrected class-weighted probabilities"
        else:
            reasons["gradient_boosting"] = "too few rows or classes to train the challenger"
    probas["majority_class"] = prior_proba(backtest["label"].to_numpy(dtype=object), classes, len(evaluation))
    carried = baselines.get("carried_forward")
    if carried is not None:
        cf = carried.loc[carried["target"] == target, [ID, "label"]]
        cf = evaluation[[ID]].merge(cf, on=ID, how="left")["label"]
        # a customer with no earlier label gets the majority class
        fallback = classes[int(np.argmax(probas["majority_class"][0]))]
        y_cf = cf.where(cf.notna() & cf.isin(classes), fallback).to_numpy(dtype=object)
        k = len(classes)
        probas["rule_carried_forward"] = one_hot(y_cf, classes) * (1 - DEFAULT_LABEL_SMOOTHING) + DEFAULT_LABEL_SMOOTHING / k
        reasons["rule_carried_forward"] = f"hard labels, smoothed by {DEFAULT_LABEL_SMOOTHING}"
    scores = baselines.get("purchase_scores")
    if target == "churn_risk" and scores is not None and "churned" in classes and len(classes) == 2:
        probas["bgnbd_p_no_purchase"] = _bgnbd_churn_proba(backtest, evaluation, classes, scores)
        reasons["bgnbd_p_no_purchase"] = "the purchase model (BG/NBD) at the training date: P(no purchase in the horizon)"
    return probas, reasons, versions, weights


def _aligned(values: np.ndarray, own: list[Any], classes: list[Any]) -> np.ndarray:
    out = np.ones(len(classes))
    for j, c in enumerate(own):
        out[classes.index(c)] = values[j]
    return out


def majority_model(model: FittedLabelModel, why: str) -> FittedLabelModel:
    """The class shares of ``model``'s training rows as a model (zero coefficients, log-share
    intercepts: the SQL scoring path publishes them unchanged)."""
    return dataclasses.replace(model, pipeline=None, offset=None, temperature=1.0,
                               version=version_hash({"majority_class_of": model.version}),
                               reason=f"majority class published: {why}")


def _gb_scores(target: str, fitted: FittedGradientBoosting, vectors: pd.DataFrame, classes: list[Any]) -> pd.DataFrame:
    """The published challenger's probabilities at the scoring date, long (SCORE_COLUMNS)."""
    vectors = vectors.sort_values(ID, kind="stable").reset_index(drop=True)
    proba = fitted.proba(vectors, classes)
    weights = _aligned(1 / fitted.prior, list(fitted.model.classes_), classes)
    frames = [pd.DataFrame({"customer_id": vectors[ID].to_numpy(), "target": target, "model_version": fitted.version,
                            "class": str(c), "class_index": j, "probability": proba[:, j],
                            "decision_weight": weights[j]})
              for j, c in enumerate(classes)]
    return pd.concat(frames, ignore_index=True)[SCORE_COLUMNS]
