"""Calibrated probabilities for the label models, and the choice of the published candidate.

**Why**: the logistic regression is fitted with balanced class weights, so it answers as if
every class were equally common; its probabilities overstate the rare classes (on a
repeat-purchase panel it lost on log loss to the majority class). Two corrections, both kept
linear so the SQL scoring (eta = intercept + coefficients . z, softmax) is unchanged:

1. **prior correction**: with class weights w_c proportional to 1 / n_c the fitted model estimates
   p_w(c | x) proportional to p(c | x) / pi_c, so adding ln(pi_c) (the training class share) to
   every intercept gives back p(c | x);
2. **temperature and bias** fitted on a held-out slice of the training date (a seeded,
   stratified share of the training rows the regression did not see): eta'_c = eta_c / T + b_c
   minimising the slice's log loss (b of the first class fixed at 0).

:func:`calibrate` returns the model with ``temperature`` and ``offset`` set;
``FittedLabelModel.predict_proba`` and the stored parameters (coefficients / T, intercepts / T
+ offset) apply them, so the SQL probabilities stay equal to Python's.

:func:`choose_candidate` picks what is published from the holdout's log losses.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np
import pandas as pd

from customer_activation.labels.classifier import FittedLabelModel
from customer_activation.labels.pipeline import version_hash

__all__ = ["CANDIDATES", "calibrate", "choose_candidate", "prior_corrected"]

#: The candidates that can be published, in order of preference (the first is the default;
#: bgnbd_p_no_purchase, the purchase model's P(no purchase in the horizon), for churn_risk only).
CANDIDATES = ("logistic_regression", "gradient_boosting", "bgnbd_p_no_purchase", "majority_class")
CHALLENGERS = CANDIDATES[1:-1]

def _softmax(eta: np.ndarray) -> np.ndarray:
    e = np.exp(eta - eta.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def prior_corrected(proba: np.ndarray, prior: np.ndarray) -> np.ndarray:
    """Probabilities of a model fitted with balanced class weights, corrected for the class
    shares ``prior`` of its training rows: p proportional to p_w × prior, renormalised."""
    p = np.asarray(proba, dtype=float) * np.asarray(prior, dtype=float)
    total = p.sum(axis=1, keepdims=True)
    return np.where(total > 0, p / np.where(total > 0, total, 1), 1.0 / max(p.shape[1], 1))


def _fit_temperature(eta: np.ndarray, codes: np.ndarray, weights: np.ndarray) -> tuple[float, np.ndarray]:
    """(T, b) minimising the weighted log loss of softmax(eta / T + b), b[0] = 0."""
    from scipy.optimize import minimize

    k = eta.shape[1]
    w = weights / weights.sum()

    def loss(theta: np.ndarray) -> float:
        t = np.exp(theta[0])
        b = np.concatenate([[0.0], theta[1:]])
        z = eta / t + b
        z = z - z.max(axis=1, keepdims=True)
        log_p = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
        return float(-(w * log_p[np.arange(len(codes)), codes]).sum())

    result = minimize(loss, np.zeros(k), method="L-BFGS-B",
                      bounds=[(np.log(0.05), np.log(20.0))] + [(-20.0, 20.0)] * (k - 1))
    return float(np.exp(result.x[0])), np.concatenate([[0.0], result.x[1:]])


def calibrate(model: FittedLabelModel, X_slice: pd.DataFrame | None, y_slice: Any,
              w_slice: Any, min_rows: int) -> FittedLabelModel:
    """``model`` with its prior correction and, when the held-out slice ``X_slice`` /
    ``y_slice`` (weights ``w_slice``) has at least ``min_rows`` rows of the model's classes and
    every class, a temperature and bias fitted on it. A degenerate model (no pipeline) already
    predicts the class shares and is returned unchanged."""
    if model.pipeline is None or not model.classes:
        return model
    log_prior = np.log(np.clip(model.prior, 1e-12, None))
    corrected = dataclasses.replace(model, temperature=1.0, offset=log_prior,
                                    calibration="prior correction", version=_version(model, 1.0, log_prior))
    if X_slice is None or len(X_slice) < min_rows:
        return corrected
    y = np.asarray(y_slice, dtype=object)
    known = np.isin(y, np.asarray(model.classes, dtype=object))
    index = {c: j for j, c in enumerate(model.classes)}
    codes = np.array([index[v] for v in y[known]], dtype=int)
    if known.sum() < min_rows or len(np.unique(codes)) < len(model.classes):
        return corrected
    eta = corrected.linear_scores(X_slice[known])
    temperature, bias = _fit_temperature(eta, codes, np.asarray(w_slice, dtype=float)[known])
    offset = log_prior / temperature + bias
    return dataclasses.replace(model, temperature=temperature, offset=offset,
                               version=_version(model, temperature, offset),
                               calibration=f"prior correction, temperature {temperature:.3f} and bias "
                                           f"fitted on a held-out slice of {int(known.sum())} rows")


def _version(model: FittedLabelModel, temperature: float, offset: np.ndarray) -> str:
    """The calibrated model's version: the fit's, with the calibration."""
    return version_hash({"fit": model.version, "temperature": repr(float(temperature)),
                         "offset": [repr(float(v)) for v in offset]})


def choose_candidate(log_losses: dict[str, float], margin: float) -> tuple[str, str]:
    """The candidate to publish and why, from the holdout log loss of each candidate
    (CANDIDATES; a missing or NaN value = not available). The logistic regression is the
    default; each challenger in turn (gradient_boosting, then bgnbd_p_no_purchase) replaces the
    leader when its log loss is lower than the leader's by more than ``margin`` nats; whichever
    leads must beat the majority class by more than ``margin``, else the next candidate (in
    order of preference) that does is published, else the majority class (the class shares)."""
    def value(name: str) -> float:
        v = log_losses.get(name)
        return float("nan") if v is None else float(v)

    majority = value("majority_class")
    if np.isnan(majority):
        return "logistic_regression", "no majority-class log loss to compare with: the default"
    models = [name for name in CANDIDATES if name != "majority_class"]
    leader, beaten = "logistic_regression", []
    for name in CHALLENGERS:
        v, best = value(name), value(leader)
        if not np.isnan(v) and (np.isnan(best) or v < best - margin):
            beaten.append(leader)
            leader = name
    order = [leader] + [name for name in models if name != leader]
    compared = ", ".join(f"{name} {value(name):.4f}" for name in models if not np.isnan(value(name)))
    for name in order:
        v = value(name)
        if not np.isnan(v) and v < majority - margin:
            versus = "; ".join(f"{o} {value(o):.4f}" for o in models if o != name and not np.isnan(value(o)))
            why = ("the default" if name == "logistic_regression" and leader == name
                   else f"beats {' then '.join(beaten)} by more than {margin:g}" if leader == name
                   else f"{leader} loses to the majority class")
            return name, (f"log loss {v:.4f} < majority class {majority:.4f} - margin {margin:g}"
                          f"{'; ' + versus if versus else ''}: {why}")
    return "majority_class", (f"no candidate beats the majority class's log loss {majority:.4f} by {margin:g} "
                              f"({compared or 'none available'}): the class shares of the training rows are published")

