"""The imputation candidates, compared on masked known values (similarity.imputation).

For each attribute the evaluation scores every candidate on the same hidden values and the
imputation uses the best one; a candidate must beat the baseline to be used, otherwise the
baseline fills the values, or nothing does (var imputation_fallback):

- ``knn``: the similarity vote of :class:`SimilarityImputer` (k most similar donors, plus the
  link circle's vote with imputation_circle_weight);
- ``circle``: the link circle's vote alone where a circle member knows the value (the k
  nearest donors elsewhere);
- ``supervised``: scikit-learn's HistGradientBoostingClassifier / Regressor on the same
  feature vectors, trained on a seeded sample of at most imputation_max_donors donors;
- ``baseline``: the mode (categorical) or the median (numeric) of the donors.

Score: accuracy (categorical, higher is better) or mean absolute error (numeric, lower).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from customer_activation.similarity.estimator import SimilarityImputer
from customer_activation.similarity.inputs import NUMERIC

METHODS = ("knn", "circle", "supervised", "baseline")
FALLBACKS = ("baseline", "none")
PREDICT_ROWS = 65536


@dataclass
class Prediction:
    """Values (object array), confidence (float, NaN = none), neighbour counts."""

    value: np.ndarray
    confidence: np.ndarray
    n_neighbors: np.ndarray
    n_group_neighbors: np.ndarray


def _mode(values: pd.Series) -> Any:
    """Most frequent value; ties broken by the smallest value as text."""
    text = values.astype(str)
    counts = text.value_counts()
    best = sorted(counts.index[counts == counts.max()])[0]
    return values[text == best].iloc[0]


def _dense(matrix: np.ndarray, rows: np.ndarray, use: np.ndarray) -> np.ndarray:
    return np.asarray(matrix[rows][:, use], dtype=np.float32)


def predict_with(method: str, kind: str, matrix: np.ndarray, use: np.ndarray, train_rows: np.ndarray,
                 y_train: pd.Series, train_groups: Any, query_rows: np.ndarray, query_groups: Any, *,
                 k: int, max_donors: int, batch_size: int, random_state: int | None,
                 group_weight: float) -> Prediction | None:
    """Predictions of ``method`` for the feature rows ``query_rows`` of ``matrix`` (columns
    ``use``) from the donors ``train_rows`` with values ``y_train``; None when the method does
    not apply (circle without circles, supervised with one value)."""
    from customer_activation.similarity.inputs import _LazyRows

    n = len(query_rows)
    zeros = np.zeros(n, dtype=np.int64)
    y_train = y_train.reset_index(drop=True)
    if method == "baseline":
        if kind == NUMERIC:
            value = np.full(n, float(np.median(y_train.to_numpy(dtype=float))), dtype=object)
            return Prediction(value, np.full(n, np.nan), zeros, zeros.copy())
        mode = _mode(y_train)
        share = float((y_train.astype(str) == str(mode)).mean())
        return Prediction(np.full(n, mode, dtype=object), np.full(n, share), zeros, zeros.copy())
    if method in ("knn", "circle"):
        if method == "circle" and train_groups is None:
            return None
        imp = SimilarityImputer(k=k, max_donors=max_donors, batch_size=batch_size, kind=kind,
                                random_state=random_state, group_weight=1.0 if method == "circle" else group_weight)
        imp.fit(_LazyRows(matrix, train_rows, use), y_train, train_groups)
        pred = imp.predict(_LazyRows(matrix, query_rows, use), query_groups)
        return Prediction(pred["value"].to_numpy(dtype=object), pred["confidence"].to_numpy(dtype=float),
                          pred["n_neighbors"].to_numpy(), pred["n_group_neighbors"].to_numpy())
    if method != "supervised":
        raise ValueError(f"unknown imputation method {method!r}")
    from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor

    rng = np.random.default_rng(random_state)
    pick = np.arange(len(train_rows))
    if len(pick) > max_donors:
        pick = np.sort(rng.choice(len(pick), size=max_donors, replace=False))
    X = _dense(matrix, train_rows[pick], use)
    if kind == NUMERIC:
        model = HistGradientBoostingRegressor(max_iter=100, early_stopping=False, random_state=random_state,
                                              loss="absolute_error")
        model.fit(X, y_train.iloc[pick].to_numpy(dtype=float))
    else:
        labels = y_train.iloc[pick].astype(str).to_numpy(dtype=object)
        if len(set(labels)) < 2:
            return None
        originals = dict(zip(labels, y_train.iloc[pick].to_numpy(dtype=object)))
        model = HistGradientBoostingClassifier(max_iter=50, early_stopping=False, random_state=random_state)
        model.fit(X, labels)
    value = np.empty(n, dtype=object)
    confidence = np.full(n, np.nan)
    for start in range(0, n, PREDICT_ROWS):
        block = _dense(matrix, query_rows[start:start + PREDICT_ROWS], use)
        if kind == NUMERIC:
            value[start:start + len(block)] = model.predict(block)
        else:
            proba = model.predict_proba(block)
            best = np.argmax(proba, axis=1)
            value[start:start + len(block)] = [originals[c] for c in model.classes_[best]]
            confidence[start:start + len(block)] = proba[np.arange(len(block)), best]
    return Prediction(value, confidence, zeros, zeros.copy())


def score(kind: str, predicted: np.ndarray, truth: pd.Series) -> float:
    """Accuracy (categorical) or mean absolute error (numeric) against the hidden truth."""
    if kind == NUMERIC:
        return float(np.mean(np.abs(predicted.astype(float) - truth.to_numpy(dtype=float))))
    return float(np.mean(predicted.astype(str) == truth.astype(str).to_numpy()))


def choose(kind: str, scores: dict[str, float], fallback: str) -> tuple[str, str]:
    """The method to use and why: the best score (ties: METHODS order) if it beats the
    baseline, else ``fallback`` (baseline, or none = leave the value unknown)."""
    if fallback not in FALLBACKS:
        raise ValueError(f"fallback must be one of {FALLBACKS}, got {fallback!r}")
    better = (lambda a, b: a < b) if kind == NUMERIC else (lambda a, b: a > b)
    base = scores.get("baseline", np.nan)
    best = None
    for method in METHODS[:-1]:
        v = scores.get(method, np.nan)
        if not np.isnan(v) and (best is None or better(v, scores[best])):
            best = method
    what = "MAE" if kind == NUMERIC else "accuracy"
    if best is not None and not np.isnan(base) and better(scores[best], base):
        return best, f"best {what} {scores[best]:.4f}, baseline {base:.4f}"
    return fallback, f"no candidate beats the baseline's {what} {base:.4f}: var imputation_fallback = {fallback}"


def accuracy_by_confidence(confidence: np.ndarray, correct: np.ndarray, n_bins: int = 5) -> str:
    """JSON list of equal-count confidence bins: bin, n, mean confidence, accuracy."""
    keep = ~np.isnan(confidence)
    conf, hit = confidence[keep], correct[keep].astype(float)
    if conf.size == 0:
        return "[]"
    order = np.argsort(conf, kind="stable")
    bins = np.empty(conf.size, dtype=int)
    bins[order] = np.floor(np.arange(conf.size) * n_bins / conf.size).astype(int) + 1
    out = [{"bin": int(b), "n": int((bins == b).sum()), "confidence_mean": round(float(conf[bins == b].mean()), 4),
            "accuracy": round(float(hit[bins == b].mean()), 4)} for b in np.unique(bins)]
    return json.dumps(out)
