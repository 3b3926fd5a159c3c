"""The gradient-boosting challenger of the label models (not the product model).

scikit-learn's HistGradientBoostingClassifier on the same rows, features and weights as the
logistic regression, on quantile bin codes of the features (:func:`quantile_edges`,
:func:`quantile_codes`), to show what a non-linear model would add.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from customer_activation.labels.calibration import prior_corrected
from customer_activation.labels.data import PREDICT_ROWS, LabelModelSettings, _drop_rare_classes, _sample, _weights
from customer_activation.labels.pipeline import version_hash


@dataclass
class FittedGradientBoosting:
    """A fitted challenger: the classifier, its bin edges and the class shares of its training
    rows (its balanced-weight probabilities are corrected for them, labels.calibration)."""

    model: Any
    edges: list[np.ndarray]
    prior: np.ndarray
    feature_cols: list[str]
    version: str

    def proba(self, evaluate: pd.DataFrame, classes: list[Any]) -> np.ndarray:
        """Prior-corrected probabilities of ``evaluate``'s rows, aligned to ``classes``."""
        out = np.zeros((len(evaluate), len(classes)))
        for start in range(0, len(evaluate), PREDICT_ROWS):
            rows = evaluate.iloc[start:start + PREDICT_ROWS][self.feature_cols].to_numpy(dtype=float)
            proba = prior_corrected(self.model.predict_proba(quantile_codes(rows, self.edges)), self.prior)
            for j, c in enumerate(self.model.classes_):
                out[start:start + len(rows), classes.index(c)] = proba[:, j]
        return out


def fit_gradient_boosting(train: pd.DataFrame, feature_cols: list[str],
                          settings: LabelModelSettings) -> FittedGradientBoosting | None:
    """The challenger fitted on ``train`` like the logistic regression (rare classes out,
    balanced class weights, manual-label weights, at most label_model_comparison_max_rows
    seeded rows); None when fewer than two classes or too few rows remain."""
    from sklearn.ensemble import HistGradientBoostingClassifier

    frame, _ = _drop_rare_classes(train, settings.label_model_min_class_rows)
    sample = _sample(frame, settings.label_model_comparison_max_rows, settings.random_seed)
    if sample["label"].nunique() < 2 or len(sample) < settings.label_model_min_training_rows:
        return None
    model = HistGradientBoostingClassifier(
        max_iter=100, learning_rate=0.1, max_leaf_nodes=31, early_stopping=False,
        class_weight="balanced", random_state=settings.random_seed)
    matrix = sample[feature_cols].to_numpy(dtype=float)
    edges = quantile_edges(matrix)
    labels = sample["label"].to_numpy(dtype=object)
    weights = _weights(sample, settings.label_model_manual_weight)
    model.fit(quantile_codes(matrix, edges), labels, sample_weight=weights)
    prior = np.array([weights[labels == c].sum() for c in model.classes_], dtype=float)
    version = version_hash({"model": "gradient_boosting", "features": feature_cols, "seed": settings.random_seed},
                           np.ascontiguousarray(matrix, dtype="<f8").tobytes(), "|".join(map(str, labels)).encode())
    return FittedGradientBoosting(model, edges, prior / prior.sum(), feature_cols, version)


def _gradient_boosting_proba(train: pd.DataFrame, evaluate: pd.DataFrame, feature_cols: list[str],
                             classes: list[Any], settings: LabelModelSettings) -> np.ndarray | None:
    """Holdout probabilities (aligned to ``classes``, prior-corrected) of the challenger fitted
    on ``train`` (:func:`fit_gradient_boosting`); None when it cannot be fitted."""
    fitted = fit_gradient_boosting(train, feature_cols, settings)
    return None if fitted is None else fitted.proba(evaluate, classes)


def quantile_edges(train: np.ndarray, max_bins: int = 255) -> list[np.ndarray]:
    """Per column of ``train``, the distinct edges of at most ``max_bins`` quantile bins of
    its known values (see :func:`quantile_codes`)."""
    levels = np.linspace(0, 1, max_bins + 1)[1:-1]
    edges = []
    for j in range(train.shape[1]):
        # sorted first: np.quantile then partitions a sorted array, 5x faster for 254 levels
        known = np.sort(train[:, j][~np.isnan(train[:, j])])
        edges.append(np.unique(np.quantile(known, levels)) if known.size else np.zeros(0))
    return edges


def quantile_codes(X: np.ndarray, edges: list[np.ndarray]) -> np.ndarray:
    """``X`` with every column replaced by its bin among the column's ``edges`` (from
    :func:`quantile_edges` on the training rows); missing values stay missing.

    HistGradientBoostingClassifier bins its input the same way, but scikit-learn 1.9 finds
    each of the 254 bin edges of a feature with a separate sort of the column (0.9 s per
    feature at 50k rows, 80% of the challenger's fit). One ``np.quantile`` call per column
    gives the edges at once; a column holding at most 255 distinct values is then binned by
    the classifier without further work. Trees split on the order of values only, so bin
    codes (a monotone map of each column) lose nothing but the within-bin order the
    classifier would drop as well.
    """
    out = np.empty(X.shape, dtype=float)
    for j, column_edges in enumerate(edges):
        codes = np.searchsorted(column_edges, X[:, j], side="right").astype(float)
        codes[np.isnan(X[:, j])] = np.nan
        out[:, j] = codes
    return out
