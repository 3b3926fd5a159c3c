"""Evaluation of probabilistic multi-class classifiers and of their baselines.

Every trained label model writes its metrics next to the baselines it must beat (the
majority class, the rule labels, a single-feature ranking such as recency). The functions
here compute those numbers from plain arrays so that a dbt Python model can turn them into
a table:

- :func:`multiclass_metrics` for a model that outputs a probability per class;
- :func:`label_metrics` for a baseline that outputs hard labels only;
- :func:`prior_proba` for the majority-class / class-prior baseline;
- :func:`calibration_table` for reliability curves (one-vs-rest, quantile bins);
- :func:`ranking_auc` for a single score ranked against a binary outcome;
- :func:`metrics_frame` to flatten a metrics dict into a long table.

Conventions
-----------
``classes`` is the ordered list of class labels; column ``j`` of ``proba`` is the
probability of ``classes[j]``. Every label in ``y_true`` must be one of ``classes``.
The multi-class Brier score is ``mean_i sum_j (p_ij - 1[y_i = c_j])**2`` (range 0..2); for
a binary problem this is twice scikit-learn's binary ``brier_score_loss``, which is kept
so that binary and multi-class models share one definition.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from sklearn import metrics as skm

__all__ = [
    "DEFAULT_LABEL_SMOOTHING",
    "calibration_table",
    "label_metrics",
    "metrics_frame",
    "multiclass_metrics",
    "one_hot",
    "prior_proba",
    "ranking_auc",
]

#: Probability mass a hard-label baseline spreads evenly over all classes (see
#: :func:`label_metrics`).
DEFAULT_LABEL_SMOOTHING = 0.05


def _as_label_array(y: Any) -> np.ndarray:
    """Return labels as a 1-d object array (keeps strings, ints and bools as they are)."""
    arr = np.asarray(pd.Series(y).to_numpy(dtype=object))
    return arr.reshape(-1)


def _class_codes(y_true: np.ndarray, classes: Sequence[Any]) -> np.ndarray:
    """Map each label to its column index in ``classes``; raise if a label is unknown."""
    index = {c: j for j, c in enumerate(classes)}
    if len(index) != len(classes):
        raise ValueError("classes must be unique")
    codes = np.fromiter((index.get(v, -1) for v in y_true), dtype=np.int64, count=len(y_true))
    if (codes < 0).any():
        unknown = sorted({str(v) for v, c in zip(y_true, codes) if c < 0})
        raise ValueError(f"labels not in classes: {unknown[:10]}")
    return codes


def one_hot(y: Any, classes: Sequence[Any]) -> np.ndarray:
    """One-hot matrix (n_rows, n_classes) of ``y`` with columns in the order of ``classes``."""
    codes = _class_codes(_as_label_array(y), classes)
    out = np.zeros((len(codes), len(classes)), dtype=float)
    out[np.arange(len(codes)), codes] = 1.0
    return out


def _check_proba(proba: np.ndarray, n: int, classes: Sequence[Any]) -> np.ndarray:
    p = np.asarray(proba, dtype=float)
    if p.ndim != 2 or p.shape != (n, len(classes)):
        raise ValueError(f"proba must have shape ({n}, {len(classes)}), got {p.shape}")
    return p


def _balance(codes: np.ndarray, classes: Sequence[Any]) -> dict[str, float]:
    counts = np.bincount(codes, minlength=len(classes))
    total = max(int(counts.sum()), 1)
    return {str(c): float(counts[j] / total) for j, c in enumerate(classes)}


def multiclass_metrics(y_true: Any, proba: np.ndarray, classes: Sequence[Any],
                       decision_weights: Any = None) -> dict[str, Any]:
    """Metrics of a probabilistic classifier on one evaluation set.

    The predicted label is the arg-max of ``proba`` (ties go to the earlier class), or of
    ``proba × decision_weights`` when given (1 / the training class shares: the class most
    over-represented against its base rate, the decision of the calibrated label models,
    whose probabilities are corrected for the prior; accuracy and macro F1 use it).

    Returns a dict with:

    - ``n``: number of rows; ``n_classes``: ``len(classes)``;
    - ``accuracy``;
    - ``macro_f1``: unweighted mean of per-class F1 over the classes that occur in
      ``y_true`` or in the predictions (scikit-learn's default label set; a class that
      neither occurs nor is predicted does not drag the mean down);
    - ``roc_auc_ovr``: macro one-vs-rest ROC AUC (for two classes: the AUC of the second
      class's probability). ``NaN`` when it is undefined, with the cause in
      ``roc_auc_note`` (a class absent from ``y_true``, or a single class);
    - ``log_loss``: cross-entropy with ``labels=classes`` (probabilities are clipped by
      scikit-learn to avoid ``log(0)``);
    - ``brier``: multi-class Brier score, see the module docstring;
    - ``class_balance``: share of each class in ``y_true`` (dict class -> share) and
      ``majority_share``: the largest of those shares.
    """
    y = _as_label_array(y_true)
    classes = list(classes)
    n = len(y)
    p = _check_proba(proba, n, classes)
    out: dict[str, Any] = {"n": n, "n_classes": len(classes)}
    if n == 0:
        out.update(
            accuracy=math.nan, macro_f1=math.nan, roc_auc_ovr=math.nan,
            roc_auc_note="empty evaluation set", log_loss=math.nan, brier=math.nan,
            class_balance={str(c): math.nan for c in classes}, majority_share=math.nan,
        )
        return out
    codes = _class_codes(y, classes)
    pred_codes = np.argmax(p if decision_weights is None else p * np.asarray(decision_weights, dtype=float), axis=1)
    out["accuracy"] = float(np.mean(pred_codes == codes))
    out["macro_f1"] = float(skm.f1_score(codes, pred_codes, average="macro", zero_division=0))
    auc, note = _roc_auc_ovr(codes, p, len(classes))
    out["roc_auc_ovr"] = auc
    out["roc_auc_note"] = note
    out["log_loss"] = float(skm.log_loss(codes, p, labels=list(range(len(classes)))))
    onehot = np.zeros_like(p)
    onehot[np.arange(n), codes] = 1.0
    out["brier"] = float(np.mean(np.sum((p - onehot) ** 2, axis=1)))
    balance = _balance(codes, classes)
    out["class_balance"] = balance
    out["majority_share"] = max(balance.values()) if balance else math.nan
    return out


def _roc_auc_ovr(codes: np.ndarray, p: np.ndarray, n_classes: int) -> tuple[float, str | None]:
    """Macro one-vs-rest AUC, or NaN and the reason it is undefined."""
    present = np.unique(codes)
    if n_classes < 2 or len(present) < 2:
        return math.nan, "only one class in y_true"
    if len(present) < n_classes:
        return math.nan, f"{n_classes - len(present)} class(es) absent from y_true"
    if n_classes == 2:
        return float(skm.roc_auc_score(codes == 1, p[:, 1])), None
    # roc_auc_score checks that each row sums to one; renormalise away rounding error.
    p_norm = p / np.clip(p.sum(axis=1, keepdims=True), 1e-300, None)
    auc = skm.roc_auc_score(
        codes, p_norm, multi_class="ovr", average="macro", labels=list(range(n_classes))
    )
    return float(auc), None


def label_metrics(
    y_true: Any,
    y_pred: Any,
    classes: Sequence[Any],
    *,
    smoothing: float = DEFAULT_LABEL_SMOOTHING,
) -> dict[str, Any]:
    """Metrics of a hard-label baseline (e.g. the rule labels), comparable to a model's.

    ``accuracy`` and ``macro_f1`` use the labels directly. The probability-based metrics
    (``roc_auc_ovr``, ``log_loss``, ``brier``) are computed from a *smoothed one-hot*
    probability: the predicted class gets ``1 - smoothing + smoothing / K`` and every other
    class ``smoothing / K`` (``K = len(classes)``). Without smoothing a single wrong hard
    label would cost the clipping limit of the log loss (about 36 nats) and make the
    number meaningless; with it the baseline is scored as a confident but not certain
    forecaster. The AUC of a hard labeller is the AUC of a two-valued score (ties count
    one half). ``smoothing`` is reported in the result. A predicted label outside
    ``classes`` raises ``ValueError``.
    """
    if not 0.0 <= smoothing <= 1.0:
        raise ValueError("smoothing must be within [0, 1]")
    classes = list(classes)
    k = len(classes)
    pred = _as_label_array(y_pred)
    proba = one_hot(pred, classes) * (1.0 - smoothing) + smoothing / max(k, 1)
    out = multiclass_metrics(y_true, proba, classes)
    out["smoothing"] = smoothing
    return out


def prior_proba(y_train: Any, classes: Sequence[Any], n_rows: int) -> np.ndarray:
    """Class-prior baseline: every row gets the class shares observed in ``y_train``.

    Its arg-max is the majority class (ties: the earlier class), so
    ``multiclass_metrics(y_test, prior_proba(y_train, classes, len(y_test)), classes)``
    scores the majority-class baseline with calibrated probabilities.
    """
    classes = list(classes)
    codes = _class_codes(_as_label_array(y_train), classes)
    counts = np.bincount(codes, minlength=len(classes)).astype(float)
    share = counts / counts.sum() if counts.sum() > 0 else np.full(len(classes), 1 / len(classes))
    return np.tile(share, (n_rows, 1))


def calibration_table(
    y_true: Any, proba: np.ndarray, classes: Sequence[Any], n_bins: int = 10
) -> pd.DataFrame:
    """Reliability table: per class (one-vs-rest) and quantile bin of its probability.

    For each class ``c`` the rows are ordered by the predicted probability of ``c``
    (stable sort, so ties keep their input order) and cut into ``n_bins`` bins of equal
    row count (bin ``b`` holds the rows with rank ``r`` such that
    ``floor(r * n_bins / n) == b - 1``). Equal-count bins are deterministic and never empty
    when ``n >= n_bins``; rows with tied probabilities may fall into adjacent bins.

    Columns: ``class``, ``bin`` (1 = lowest probabilities), ``n``, ``p_min``, ``p_max``,
    ``mean_predicted``, ``observed_rate`` (share of rows whose label is ``c``).
    """
    if n_bins < 1:
        raise ValueError("n_bins must be >= 1")
    y = _as_label_array(y_true)
    classes = list(classes)
    n = len(y)
    p = _check_proba(proba, n, classes)
    columns = ["class", "bin", "n", "p_min", "p_max", "mean_predicted", "observed_rate"]
    if n == 0:
        return pd.DataFrame(columns=columns)
    codes = _class_codes(y, classes)
    frames = []
    bins_of_rank = np.floor(np.arange(n) * n_bins / n).astype(np.int64) + 1
    for j, c in enumerate(classes):
        order = np.argsort(p[:, j], kind="stable")
        bins = np.empty(n, dtype=np.int64)
        bins[order] = bins_of_rank
        df = pd.DataFrame({"bin": bins, "p": p[:, j], "hit": (codes == j).astype(float)})
        agg = (
            df.groupby("bin", sort=True)
            .agg(n=("p", "size"), p_min=("p", "min"), p_max=("p", "max"),
                 mean_predicted=("p", "mean"), observed_rate=("hit", "mean"))
            .reset_index()
        )
        agg.insert(0, "class", str(c))
        frames.append(agg)
    out = pd.concat(frames, ignore_index=True)
    out["n"] = out["n"].astype("int64")
    return out[columns]


def ranking_auc(y_true_binary: Any, score: Any) -> float:
    """ROC AUC of ``score`` as a ranking of a binary outcome (higher score = more positive).

    Used for single-feature baselines such as recency for churn: pass the score oriented
    so that larger means "more likely positive" (e.g. days since last order). Rows where
    either value is missing are dropped. Returns ``NaN`` when only one outcome occurs.
    """
    y = pd.Series(np.asarray(y_true_binary, dtype=object)).reset_index(drop=True)
    s = pd.to_numeric(pd.Series(np.asarray(score, dtype=object)), errors="coerce")
    s = s.reset_index(drop=True)
    if len(y) != len(s):
        raise ValueError("y_true_binary and score must have the same length")
    keep = y.notna() & s.notna()
    yk = y[keep].astype(bool).to_numpy()
    sk = s[keep].astype(float).to_numpy()
    if yk.size == 0 or yk.all() or not yk.any():
        return math.nan
    return float(skm.roc_auc_score(yk, sk))


def metrics_frame(metrics: dict[str, Any], **labels: Any) -> pd.DataFrame:
    """Flatten a metrics dict into a long table: one row per metric.

    Scalars go to ``value`` (float) and text to ``note``; a nested dict such as
    ``class_balance`` expands into ``class_balance:<class>`` rows; ``None`` is skipped.
    Keyword ``labels`` (e.g. ``model='churn_risk'``, ``baseline='rule'``) become leading
    constant columns.
    """
    rows: list[dict[str, Any]] = []
    for key, val in metrics.items():
        if isinstance(val, dict):
            for sub, subval in val.items():
                rows.append({"metric": f"{key}:{sub}", "value": float(subval), "note": None})
        elif val is None:
            continue
        elif isinstance(val, str):
            rows.append({"metric": key, "value": math.nan, "note": val})
        else:
            rows.append({"metric": key, "value": float(val), "note": None})
    out = pd.DataFrame(rows, columns=["metric", "value", "note"])
    for i, (name, value) in enumerate(labels.items()):
        out.insert(i, name, value)
    return out
