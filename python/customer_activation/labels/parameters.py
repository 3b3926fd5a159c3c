"""The fitted label model as tables: coefficients and scoring parameters, and scoring from them.

:func:`scoring_parameters` writes the imputation medians, scaler means/scales, coefficients
and intercepts of a :class:`~customer_activation.labels.classifier.FittedLabelModel` to one
long table; :func:`score_from_parameters` reproduces ``predict_proba`` from it in numpy (the
SQL scoring models compute the same softmax).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from customer_activation.labels.classifier import INTERCEPT, FittedLabelModel, _feature_matrix

__all__ = [
    "coefficients_frame",
    "score_from_parameters",
    "scoring_parameters",
]


_LinearParts = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]


def _linear_parts(model: FittedLabelModel) -> _LinearParts:
    """(median, mean, scale, coef (K, F), intercept (K,)) in softmax form for any model."""
    n_feat = len(model.feature_names)
    k = len(model.classes)
    if model.pipeline is None:
        with np.errstate(divide="ignore"):
            intercept = np.log(model.prior) if k else np.zeros(0)
        zeros = np.zeros(n_feat)
        return zeros, zeros.copy(), np.ones(n_feat), np.zeros((k, n_feat)), intercept
    imputer = model.pipeline.named_steps["imputer"]
    scaler = model.pipeline.named_steps["scaler"]
    lr = model.pipeline.named_steps["model"]
    coef = np.asarray(lr.coef_, dtype=float)
    intercept = np.asarray(lr.intercept_, dtype=float)
    if coef.shape[0] == 1 and k == 2:  # binary: sigmoid == softmax over (0, eta)
        coef = np.vstack([np.zeros_like(coef), coef])
        intercept = np.array([0.0, intercept[0]])
    if model.offset is not None:  # calibrated (labels.calibration): eta / T + offset
        coef = coef / model.temperature
        intercept = intercept / model.temperature + np.asarray(model.offset, dtype=float)
    return (
        np.asarray(imputer.statistics_, dtype=float),
        np.asarray(scaler.mean_, dtype=float),
        np.asarray(scaler.scale_, dtype=float),
        coef,
        intercept,
    )


def coefficients_frame(model: FittedLabelModel) -> pd.DataFrame:
    """Coefficients on the standardised scale, long: one row per class and feature.

    Columns: ``model_version``, ``class``, ``feature``, ``coefficient``, ``abs_rank``
    (1 = largest absolute coefficient within the class; ties in feature order), plus one
    row per class with ``feature='(intercept)'`` and a null rank. For a binary model the
    fitted vector belongs to the second class and the first (reference) class has zero
    coefficients with null ranks. Degenerate models have zero coefficients, null ranks
    and log class shares as intercepts.
    """
    _, _, _, coef, intercept = _linear_parts(model)
    rows = []
    binary_ref = model.pipeline is not None and len(model.classes) == 2
    for j, c in enumerate(model.classes):
        values = coef[j]
        ranked = model.pipeline is not None and not (binary_ref and j == 0)
        order = np.argsort(-np.abs(values), kind="stable")
        rank = np.empty(len(values), dtype=np.int64)
        rank[order] = np.arange(1, len(values) + 1)
        for f, name in enumerate(model.feature_names):
            rows.append((c, name, float(values[f]), int(rank[f]) if ranked else None))
        rows.append((c, INTERCEPT, float(intercept[j]), None))
    out = pd.DataFrame(rows, columns=["class", "feature", "coefficient", "abs_rank"])
    out["abs_rank"] = out["abs_rank"].astype("Int64")
    out.insert(0, "model_version", model.version)
    return out


def scoring_parameters(model: FittedLabelModel) -> pd.DataFrame:
    """Everything needed to recompute probabilities in SQL, one row per class and feature.

    Columns: ``model_version``, ``class``, ``class_index`` (column order of the
    probabilities), ``feature``, ``feature_index``, ``median`` (imputation value),
    ``mean``, ``scale``, ``coefficient`` and ``intercept`` (repeated on every row of its
    class) and ``decision_weight`` (:func:`decision_weights`). In SQL, join the unpivoted features on ``feature`` and compute::

        eta = max(intercept) + sum(coefficient * (coalesce(x, median) - mean) / scale)
              group by customer, class
        p   = exp(eta - max(eta) over customer) / sum(exp(eta - max(eta))) over customer

    See the module docstring for binary and degenerate models.
    """
    median, mean, scale, coef, intercept = _linear_parts(model)
    weights = decision_weights(model)
    rows = []
    for j, c in enumerate(model.classes):
        for f, name in enumerate(model.feature_names):
            rows.append((c, j, name, f, median[f], mean[f], scale[f], coef[j, f], intercept[j], weights[j]))
    out = pd.DataFrame(
        rows,
        columns=["class", "class_index", "feature", "feature_index", "median", "mean", "scale",
                 "coefficient", "intercept", "decision_weight"],
    )
    out.insert(0, "model_version", model.version)
    return out


def decision_weights(model: FittedLabelModel) -> np.ndarray:
    """Per class, what the predicted class multiplies the probability by: 1 / the training class
    share for a prior-corrected model (the predicted class is the one most over-represented
    against its base rate, as the balanced fit decided), 1 otherwise (arg-max probability)."""
    if model.offset is None or model.pipeline is None:
        return np.ones(len(model.classes))
    return 1.0 / np.clip(np.asarray(model.prior, dtype=float), 1e-12, None)


def score_from_parameters(params: pd.DataFrame, X: pd.DataFrame) -> np.ndarray:
    """Probabilities (n_rows, n_classes) from a :func:`scoring_parameters` table.

    The numpy twin of the SQL formula; columns are in ``class_index`` order. Used to
    prove that stored parameters reproduce ``predict_proba``.
    """
    p = params.sort_values(["class_index", "feature_index"])
    features = p.loc[p["class_index"] == p["class_index"].min()].sort_values("feature_index")
    names = features["feature"].tolist()
    median = features["median"].to_numpy(dtype=float)
    mean = features["mean"].to_numpy(dtype=float)
    scale = features["scale"].to_numpy(dtype=float)
    k = p["class_index"].nunique()
    coef = p["coefficient"].to_numpy(dtype=float).reshape(k, len(names))
    intercept = p.groupby("class_index", sort=True)["intercept"].first().to_numpy(dtype=float)
    x = _feature_matrix(X, names)
    x = np.where(np.isnan(x), median, x)
    z = (x - mean) / scale
    eta = z @ coef.T + intercept
    eta = eta - eta.max(axis=1, keepdims=True)
    e = np.exp(eta)
    return e / e.sum(axis=1, keepdims=True)
