"""The one logistic-regression pipeline of the project and the one version hash of a fit.

Both the label models (:mod:`customer_activation.labels.classifier`) and the campaign
response model (:mod:`customer_activation.campaigns.steps.response`) fit::

    SimpleImputer(median) -> StandardScaler -> LogisticRegression(lbfgs)

and name each fit by :func:`version_hash`: the first 12 hex digits of a SHA-256 over a JSON
header (sorted keys) and the raw bytes of the training data, so the same inputs always give
the same version and any change gives a new one.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

__all__ = ["build_pipeline", "version_hash"]


def build_pipeline(C: float, random_state: int | None, max_iter: int,
                   class_weight: str | None = "balanced") -> Pipeline:
    """Unfitted pipeline: median imputation, standardisation, logistic regression.

    ``SimpleImputer(keep_empty_features=True)`` keeps a column that is entirely missing in
    training (imputed as 0), so the fitted coefficients always align with the feature list.
    The solver is lbfgs, multinomial for more than two classes (scikit-learn's default).
    ``class_weight='balanced'`` for the label models; ``None`` keeps the probabilities
    calibrated (the campaign response model, compared with observed response rates).
    """
    return Pipeline(
        [
            ("imputer", SimpleImputer(strategy="median", keep_empty_features=True)),
            ("scaler", StandardScaler()),
            (
                "model",
                LogisticRegression(
                    C=C,
                    class_weight=class_weight,
                    solver="lbfgs",
                    max_iter=max_iter,
                    random_state=random_state,
                ),
            ),
        ]
    )


def version_hash(header: dict[str, Any], *data: bytes) -> str:
    """First 12 hex digits of SHA-256 over ``json.dumps(header, sort_keys=True, default=str)``
    followed by the ``data`` byte strings in order."""
    h = hashlib.sha256()
    h.update(json.dumps(header, sort_keys=True, default=str).encode())
    for chunk in data:
        h.update(chunk)
    return h.hexdigest()[:12]
