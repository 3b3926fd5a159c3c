"""The candidates and baselines of the label models on the holdout, as probabilities, and the
metric rows they give (overall and per order-count band).

Candidates (what can be published, labels.calibration.choose_candidate): the calibrated
logistic regression, the prior-corrected gradient-boosting challenger, the purchase model's
P(no purchase in the horizon) (churn_risk only: ``bgnbd_p_no_purchase``), the majority class.
Baselines: the label carried forward (a smoothed one-hot), the recency ranking (churn) and the
purchase model's CLV ranking (value tier: ROC AUC of CLV for ``high`` against the rest).
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np
import pandas as pd

from customer_activation.labels.challenger import FittedGradientBoosting, fit_gradient_boosting
from customer_activation.labels.classifier import FittedLabelModel
from customer_activation.labels.data import ID, METRIC_NAMES, PREDICT_ROWS, LabelModelSettings, _weights
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


BGNBD = "bgnbd_p_no_purchase"
BGNBD_PARAMETERS = ("r", "alpha", "a", "b")


def bgnbd_fill(labelled: pd.DataFrame, scores: pd.DataFrame, fit_role: str) -> float:
    """P(churned) of a customer the purchase model does not score (no completed order yet):
    the churned share of such customers among ``labelled`` (the rows at ``fit_role``, whose
    labels end by the next feature date); none among them: the churned share of all of them."""
    scored = labelled[ID].isin(scores.loc[scores["feature_date_role"] == fit_role, ID])
    rows = labelled.loc[~scored] if (~scored).any() else labelled
    return float((rows["label"] == "churned").mean()) if len(rows) else 1.0


def bgnbd_churn_proba(ids: pd.Series, classes: list[Any], scores: pd.DataFrame, score_role: str,
                      fill: float) -> np.ndarray:
    """P(churned) = the purchase model's P(no purchase in the horizon) at ``score_role`` for the
    customers ``ids`` (``fill`` for those it does not score), aligned to ``classes``."""
    at = scores.loc[scores["feature_date_role"] == score_role, [ID, "bgnbd_p_no_purchase"]]
    p = pd.DataFrame({ID: ids.to_numpy()}).merge(at, on=ID, how="left")["bgnbd_p_no_purchase"]
    p = np.clip(p.fillna(fill).to_numpy(dtype=float), 1e-6, 1 - 1e-6)
    out = np.zeros((len(ids), len(classes)))
    out[:, classes.index("churned")] = p
    if "retained" in classes:
        out[:, classes.index("retained")] = 1 - p
    return out


def bgnbd_version(parameters: pd.DataFrame | None, role: str, fill: float) -> str | None:
    """The version of the BG/NBD churn candidate scored at ``role``: a hash of the purchase
    model's parameters fitted there (and the fill of unscored customers); None when unknown."""
    if parameters is None or not (parameters["feature_date_role"] == role).any():
        return None
    row = parameters.loc[parameters["feature_date_role"] == role].iloc[0]
    return version_hash({"model": BGNBD, "feature_date_role": role, "fill": repr(float(fill)),
                         "n_customers": row.get("bgnbd_n_customers"),
                         **{k: repr(float(row[k])) for k in BGNBD_PARAMETERS if k in row and pd.notna(row[k])}})


def bgnbd_unavailable(scores: pd.DataFrame | None, parameters: pd.DataFrame | None, roles: tuple[str, ...]) -> str | None:
    """Why the BG/NBD churn candidate cannot be scored at ``roles`` (None when it can): no
    purchase model, or no BG/NBD fit (or no scored customer) at one of the dates."""
    if scores is None:
        return "no purchase model (ml_customer_purchase_scores) to take BG/NBD's P(no purchase) from"
    for role in roles:
        if parameters is not None and (parameters["feature_date_role"] == role).any():
            row = parameters.loc[parameters["feature_date_role"] == role].iloc[0]
            if pd.isna(row.get("r")):
                return f"no BG/NBD fit at the {role} date (purchase model status {row.get('model_status')})"
        if not (scores["feature_date_role"] == role).any():
            return f"the purchase model scores no customer at the {role} date"
    return None


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
    if target == "churn_risk" and "churned" in classes and len(classes) == 2:
        scores, parameters = baselines.get("purchase_scores"), baselines.get("purchase_parameters")
        missing = bgnbd_unavailable(scores, parameters, ("backtest", "training", "scoring"))
        if missing is None:
            fill = bgnbd_fill(backtest, scores, "backtest")
            probas[BGNBD] = bgnbd_churn_proba(evaluation[ID], classes, scores, "training", fill)
            shares = _class_shares(backtest, classes, settings)
            weights[BGNBD] = 1 / np.clip(shares, 1e-12, None)
            versions[BGNBD] = bgnbd_version(parameters, "training", fill)
            reasons[BGNBD] = ("the purchase model (BG/NBD) fitted before the training date: P(no purchase in the "
                              f"horizon); customers it does not score get {fill:.4f}, the churned share of such "
                              "customers at the backtest date")
        else:
            reasons[BGNBD] = f"candidate absent: {missing}"
    return probas, reasons, versions, weights


def _class_shares(labelled: pd.DataFrame, classes: list[Any], settings: LabelModelSettings) -> np.ndarray:
    """The class shares of ``labelled`` (manual labels weighted as in the fits), aligned to ``classes``."""
    w = _weights(labelled, settings.label_model_manual_weight)
    y = labelled["label"].to_numpy(dtype=object)
    shares = np.array([w[y == c].sum() for c in classes], dtype=float)
    return shares / shares.sum() if shares.sum() > 0 else np.full(len(classes), 1 / max(len(classes), 1))


def _bgnbd_scores(target: str, holdout: pd.DataFrame, ids: pd.Series, classes: list[Any], scores: pd.DataFrame,
                  parameters: pd.DataFrame | None, settings: LabelModelSettings) -> tuple[pd.DataFrame, str, float]:
    """The published BG/NBD churn probabilities at the scoring date, long (SCORE_COLUMNS):
    P(churned) = bgnbd_p_no_purchase of the purchase model fitted at the scoring date, the
    customers it does not score filled with the churned share of such customers among the
    training-date rows; decision weights 1 / the training-date class shares (as the
    prior-corrected candidates). Returns (scores, version, fill)."""
    ids = pd.Series(sorted(pd.unique(ids.astype(str))), dtype=object)
    fill = bgnbd_fill(holdout, scores, "training")
    proba = bgnbd_churn_proba(ids, classes, scores, "scoring", fill)
    weights = 1 / np.clip(_class_shares(holdout, classes, settings), 1e-12, None)
    version = bgnbd_version(parameters, "scoring", fill) or version_hash({"model": BGNBD, "fill": repr(fill)})
    frames = [pd.DataFrame({"customer_id": ids.to_numpy(), "target": target, "model_version": version,
                            "class": str(c), "class_index": j, "probability": proba[:, j],
                            "decision_weight": weights[j]})
              for j, c in enumerate(classes)]
    return pd.concat(frames, ignore_index=True)[SCORE_COLUMNS], version, fill


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
