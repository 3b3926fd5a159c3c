"""Latent labels by multi-class logistic regression (churn risk, lifecycle stage, value tier).

The model is one scikit-learn ``Pipeline``::

    SimpleImputer(median) -> StandardScaler -> LogisticRegression(lbfgs, class_weight='balanced')

With more than two classes and the lbfgs solver, scikit-learn fits a multinomial (softmax)
model; with two classes it fits one coefficient vector for the second class (sigmoid).

Scores are reproducible outside Python: :func:`scoring_parameters` writes the imputation
medians, scaler means/scales, coefficients and intercepts to one long table, from which

    z_f   = (coalesce(x_f, median_f) - mean_f) / scale_f
    eta_c = intercept_c + sum_f coefficient_cf * z_f
    p_c   = exp(eta_c) / sum_k exp(eta_k)

equals ``pipeline.predict_proba`` (:func:`score_from_parameters` does it in numpy and the
tests hold it to 1e-9). A binary model is stored as two classes with the fitted vector on
the second class and zeros on the first, so the same softmax gives the sigmoid.

Degenerate training sets do not raise: with fewer than ``min_rows`` labelled rows the
model predicts the observed class shares (``status='too_few_rows'``); with a single class
it predicts that class with probability 1 (``status='single_class'``). Both are stored as
parameter tables with zero coefficients, so the SQL path still works.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from sklearn.pipeline import Pipeline

from customer_activation.labels.pipeline import build_pipeline, version_hash

__all__ = [
    "INTERCEPT",
    "FittedLabelModel",
    "fit_label_model",
    "manual_label_weights",
    "predict_frame",
    "sanitize_class_names",
]

#: ``feature`` value of intercept rows in :func:`coefficients_frame`.
INTERCEPT = "(intercept)"

STATUS_OK = "ok"
STATUS_SINGLE_CLASS = "single_class"
STATUS_TOO_FEW_ROWS = "too_few_rows"


@dataclass(frozen=True)
class FittedLabelModel:
    """A fitted label model and what is needed to score and describe it.

    Attributes
    ----------
    pipeline:
        The fitted scikit-learn pipeline, or ``None`` for a degenerate model.
    feature_names:
        Feature columns, in the order the pipeline expects them.
    classes:
        Class labels; column ``j`` of :meth:`predict_proba` is ``classes[j]``.
    version:
        Short stable hash of target, features, parameters and training data.
    status:
        ``'ok'``, ``'single_class'`` or ``'too_few_rows'``.
    reason:
        Human-readable explanation of a degenerate status (empty when ``'ok'``).
    prior:
        Class shares among the labelled training rows (weighted by ``sample_weight``).
    target, params, n_train:
        Target name (may be ``None``), fit parameters and number of labelled rows.
    """

    pipeline: Pipeline | None
    feature_names: list[str]
    classes: list[Any]
    version: str
    status: str
    reason: str = ""
    prior: np.ndarray = field(default_factory=lambda: np.zeros(0))
    target: str | None = None
    params: dict[str, Any] = field(default_factory=dict)
    n_train: int = 0
    temperature: float = 1.0
    offset: np.ndarray | None = None
    calibration: str = ""

    def linear_scores(self, X: pd.DataFrame) -> np.ndarray:
        """The fitted regression's linear scores (n_rows, n_classes) in softmax form (a binary
        model's first class 0), before any calibration."""
        eta = self.pipeline.decision_function(_feature_matrix(X, self.feature_names))
        if eta.ndim == 1:
            eta = np.column_stack([np.zeros_like(eta), eta])
        return eta

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        """Probabilities (n_rows, n_classes) for the rows of ``X`` (by feature name); with a
        calibration (``offset``, labels.calibration) softmax(eta / temperature + offset)."""
        matrix = _feature_matrix(X, self.feature_names)
        if self.pipeline is not None:
            if self.offset is None:
                return self.pipeline.predict_proba(matrix)
            eta = self.linear_scores(X) / self.temperature + self.offset
            e = np.exp(eta - eta.max(axis=1, keepdims=True))
            return e / e.sum(axis=1, keepdims=True)
        return np.tile(self.prior.astype(float), (matrix.shape[0], 1))


def _feature_matrix(X: pd.DataFrame, feature_names: Sequence[str]) -> np.ndarray:
    """Float matrix of the named columns; missing values (None, NA, NaN) become NaN."""
    missing = [f for f in feature_names if f not in X.columns]
    if missing:
        raise ValueError(f"feature columns missing from X: {missing}")
    cols = [pd.to_numeric(X[f], errors="raise") for f in feature_names]
    if not cols:
        return np.zeros((len(X), 0))
    frame = pd.concat(cols, axis=1)
    return frame.to_numpy(dtype=float, na_value=np.nan)


def _fingerprint(matrix: np.ndarray, labels: np.ndarray, weights: np.ndarray | None) -> str:
    """SHA-256 of the training data as it enters the pipeline."""
    h = hashlib.sha256()
    h.update(np.ascontiguousarray(matrix, dtype="<f8").tobytes())
    h.update(json.dumps([str(v) for v in labels]).encode())
    if weights is not None:
        h.update(np.ascontiguousarray(weights, dtype="<f8").tobytes())
    return h.hexdigest()


def fit_label_model(
    X: pd.DataFrame,
    y: pd.Series,
    sample_weight: Any = None,
    *,
    C: float,
    random_state: int | None,
    max_iter: int = 1000,
    min_rows: int,
    target: str | None = None,
) -> FittedLabelModel:
    """Fit the label model on the labelled rows of ``X``.

    Rows whose label is missing are dropped (they carry no training signal); every
    column of ``X`` is a feature; ``y`` and ``sample_weight`` align with ``X`` by
    position. ``sample_weight`` (e.g. from
    :func:`manual_label_weights`) multiplies the balanced class weights.

    Outcomes:

    - fewer than ``min_rows`` labelled rows: class-prior model, ``status='too_few_rows'``
      (with no labelled row at all it has no classes and predicts nothing);
    - one class only: predicts it with probability 1, ``status='single_class'``;
    - otherwise the pipeline of :func:`build_pipeline` is fitted, ``status='ok'``.

    ``version`` is the first 12 hex digits of a SHA-256 over the target name, feature
    names, parameters and a fingerprint of the labelled training data, so the same inputs
    always give the same version and any change gives a new one.
    """
    feature_names = [str(c) for c in X.columns]
    if not feature_names:
        raise ValueError("X has no feature columns")
    y_series = pd.Series(np.asarray(y, dtype=object), index=X.index)
    labelled = y_series.notna().to_numpy()
    matrix = _feature_matrix(X, feature_names)[labelled]
    labels = y_series.to_numpy(dtype=object)[labelled]
    weights = None
    if sample_weight is not None:
        weights = np.asarray(sample_weight, dtype=float).reshape(-1)
        if weights.shape[0] != len(X):
            raise ValueError("sample_weight must have one value per row of X")
        weights = weights[labelled]
    params = {"C": C, "random_state": random_state, "max_iter": max_iter, "min_rows": min_rows,
              "class_weight": "balanced", "solver": "lbfgs"}
    version = version_hash({"target": target, "features": feature_names, "params": params,
                            "data": _fingerprint(matrix, labels, weights)})
    classes = sorted(set(labels.tolist()), key=lambda v: (str(type(v)), v))
    w = np.ones(len(labels)) if weights is None else weights
    prior = np.array([w[labels == c].sum() for c in classes], dtype=float)
    if prior.sum() > 0:
        prior = prior / prior.sum()
    else:
        prior = np.full(len(classes), 1 / max(len(classes), 1))
    common = dict(feature_names=feature_names, classes=classes, version=version, prior=prior,
                  target=target, params=params, n_train=len(labels))
    if len(labels) < min_rows:
        reason = (f"{len(labels)} labelled rows, fewer than min_rows={min_rows}: "
                  "predicts the class shares")
        return FittedLabelModel(None, status=STATUS_TOO_FEW_ROWS, reason=reason, **common)
    if len(classes) == 1:
        reason = f"only class {classes[0]!r} in the labels: predicts it with probability 1"
        return FittedLabelModel(None, status=STATUS_SINGLE_CLASS, reason=reason, **common)
    pipeline = build_pipeline(C=C, random_state=random_state, max_iter=max_iter, class_weight="balanced")
    fit_params = {} if weights is None else {"model__sample_weight": weights}
    pipeline.fit(matrix, labels, **fit_params)
    fitted_classes = pipeline.named_steps["model"].classes_.tolist()
    common["classes"] = fitted_classes
    common["prior"] = np.array([prior[classes.index(c)] for c in fitted_classes])
    return FittedLabelModel(pipeline, status=STATUS_OK, reason="", **common)


def sanitize_class_names(classes: Sequence[Any]) -> list[str]:
    """snake_case names for class labels, unique (``'High Value'`` -> ``'high_value'``).

    Non-alphanumeric runs become ``_``; an empty result becomes ``'class'``; duplicates get
    a ``_2``, ``_3``... suffix in class order.
    """
    out: list[str] = []
    seen: set[str] = set()
    for c in classes:
        name = re.sub(r"[^0-9a-zA-Z]+", "_", str(c)).strip("_").lower() or "class"
        candidate, i = name, 2
        while candidate in seen:
            candidate, i = f"{name}_{i}", i + 1
        seen.add(candidate)
        out.append(candidate)
    return out


def predict_frame(
    model: FittedLabelModel,
    X: pd.DataFrame,
    ids: Any,
    *,
    id_col: str = "customer_id",
) -> pd.DataFrame:
    """Score ``X`` and return one row per input row.

    Columns: ``id_col`` (from ``ids``), ``predicted_class`` (arg-max, ties to the earlier
    class), ``probability`` (of the predicted class), ``p_<class>`` per class (names from
    :func:`sanitize_class_names`) and ``model_version``. A model without classes (no
    labelled training row) yields null predictions.
    """
    ids_arr = np.asarray(ids, dtype=object).reshape(-1)
    if len(ids_arr) != len(X):
        raise ValueError("ids must have one value per row of X")
    out = pd.DataFrame({id_col: ids_arr})
    names = sanitize_class_names(model.classes)
    if not model.classes:
        out["predicted_class"] = pd.Series([None] * len(X), dtype=object)
        out["probability"] = np.nan
    else:
        proba = model.predict_proba(X)
        best = np.argmax(proba, axis=1)
        out["predicted_class"] = np.asarray(model.classes, dtype=object)[best]
        out["probability"] = proba[np.arange(len(X)), best]
        for j, name in enumerate(names):
            out[f"p_{name}"] = proba[:, j]
    out["model_version"] = model.version
    return out


def manual_label_weights(
    rule_labels: pd.DataFrame | None,
    manual_labels: pd.DataFrame | None = None,
    observed_labels: pd.DataFrame | None = None,
    *,
    id_col: str = "customer_id",
    label_name_col: str = "label_name",
    label_value_col: str = "label_value",
    manual_weight: float,
    rule_weight: float = 1.0,
    observed_weight: float = 1.0,
) -> pd.DataFrame:
    """Combine label sources into one training label per customer and target.

    Inputs are long frames with ``id_col``, ``label_name_col`` (the target, e.g.
    ``churn_risk``) and ``label_value_col``; any may be ``None`` or empty, and rows with a
    missing value are ignored. For each (customer, target) the first available source wins
    in the order **manual > observed > rule**: a manual annotation overrides both the
    observed outcome and the rule label, an observed outcome overrides the rule label.
    Among several manual labels for the same pair the latest ``labeled_at`` wins (when the
    column exists; remaining ties: the greatest ``label_value`` as text, so the result is
    deterministic).

    Returns ``id_col``, ``label_name``, ``label_value``, ``sample_weight``
    (``manual_weight`` for manual labels, ``observed_weight`` / ``rule_weight`` otherwise)
    and ``label_source`` (``'manual'``, ``'observed'`` or ``'rule'``), sorted by target
    and customer.
    """
    sources = [
        ("manual", manual_labels, manual_weight, 0),
        ("observed", observed_labels, observed_weight, 1),
        ("rule", rule_labels, rule_weight, 2),
    ]
    frames = []
    for name, frame, weight, priority in sources:
        if frame is None or len(frame) == 0:
            continue
        keep = [id_col, label_name_col, label_value_col]
        f = frame[keep + (["labeled_at"] if "labeled_at" in frame.columns else [])].copy()
        if "labeled_at" not in f.columns:
            f["labeled_at"] = pd.NaT
        f["labeled_at"] = pd.to_datetime(f["labeled_at"])
        f = f[f[label_value_col].notna() & f[id_col].notna() & f[label_name_col].notna()]
        f["_value_text"] = f[label_value_col].astype(str)
        f["sample_weight"] = float(weight)
        f["label_source"] = name
        f["_priority"] = priority
        frames.append(f)
    columns = [id_col, "label_name", "label_value", "sample_weight", "label_source"]
    if not frames:
        return pd.DataFrame(columns=columns)
    allf = pd.concat(frames, ignore_index=True)
    allf["_ts"] = allf["labeled_at"].fillna(pd.Timestamp.min)
    allf = allf.sort_values(
        [label_name_col, id_col, "_priority", "_ts", "_value_text"],
        ascending=[True, True, True, False, False],
        kind="stable",
    )
    best = allf.drop_duplicates([label_name_col, id_col], keep="first")
    out = best.rename(columns={label_name_col: "label_name", label_value_col: "label_value"})
    return out[columns].reset_index(drop=True)
