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
   (in SQL, from the stored parameters; see :mod:`customer_activation.classifier`).

Training rows are sampled down to ``max_training_rows`` (seeded, stratified by label) so
training is bounded at any customer count; the holdout rows evaluated, for every model and
baseline alike, down to ``max_evaluation_rows`` the same way (``n_eval`` in the metrics).
Manual labels carry ``manual_weight`` as sample weight (rule and observed labels 1).
"""

from __future__ import annotations

import json
import platform
from dataclasses import dataclass, field, fields
from typing import Any

import numpy as np
import pandas as pd

from customer_activation.classifier import (
    FittedLabelModel,
    fit_label_model,
    scoring_parameters,
)
from customer_activation.metrics import (
    calibration_table,
    label_metrics,
    multiclass_metrics,
    prior_proba,
    ranking_auc,
)
from customer_activation.threads import single_threaded

ID = "customer_id"
ROLE = "feature_date_role"
TARGETS = ("churn_risk", "lifecycle_stage", "value_tier")
METRIC_NAMES = ("accuracy", "macro_f1", "roc_auc_ovr", "log_loss", "brier")
PREDICT_ROWS = 65536  # rows per prediction batch


@dataclass
class LabelModelSettings:
    """The settings of the label models, named as their vars (macros/settings/registry.sql);
    no defaults here: the registry has them (LabelModelSettings.from_settings)."""

    label_model_regularisation_c: float
    label_model_manual_weight: float
    label_model_max_training_rows: int
    label_model_min_training_rows: int
    label_model_min_class_rows: int
    random_seed: int
    label_model_compare_gradient_boosting: bool
    label_model_comparison_max_rows: int
    label_model_max_evaluation_rows: int
    max_iter: int = 1000  # the solver's iteration cap, not a setting

    @classmethod
    def from_settings(cls, values: dict[str, Any]) -> LabelModelSettings:
        """The label-model settings out of {var name: value} (model_io.model_settings)."""
        names = [f.name for f in fields(cls) if f.name != "max_iter"]
        return cls(**{name: values[name] for name in names})


@dataclass
class LabelModelResults:
    """Every table the label models produce, as DataFrames."""

    parameters: pd.DataFrame
    metrics: pd.DataFrame
    calibration: pd.DataFrame
    runs: pd.DataFrame
    models: dict[str, FittedLabelModel] = field(default_factory=dict)

    def stacked(self) -> pd.DataFrame:
        """All four tables in one long frame with a ``result_kind`` column (parameters,
        metrics, calibration, runs) and the union of their columns, so one dbt Python
        model can return everything from a single fit; SQL models split it again."""
        frames = []
        for kind in ("parameters", "metrics", "calibration", "runs"):
            frame = getattr(self, kind).copy()
            frame.insert(0, "result_kind", kind)
            frames.append(frame)
        out = pd.concat(frames, ignore_index=True, sort=False)
        for column in out.columns:
            if out[column].dtype == object:
                out[column] = out[column].map(lambda v: None if v is None or (isinstance(v, float) and np.isnan(v)) else str(v))
        return out


def _sample(frame: pd.DataFrame, max_rows: int, random_state: int) -> pd.DataFrame:
    """At most ``max_rows`` rows, stratified by label, deterministic for a seed."""
    if len(frame) <= max_rows:
        return frame
    groups = [group for _, group in frame.groupby("label", sort=True)]
    quota = np.array([len(g) for g in groups]) * (max_rows / len(frame))
    counts = np.floor(quota).astype(int)
    # the rows left go to the largest remainders, so the counts add up to max_rows exactly
    counts[np.argsort(counts - quota, kind="stable")[:max_rows - counts.sum()]] += 1
    for i in np.flatnonzero(counts == 0):  # every class keeps a row, taken from the largest
        largest = np.argmax(counts)
        if counts[largest] > 1:
            counts[largest] -= 1
            counts[i] = 1
    parts = [g.sample(n=int(n), random_state=random_state) for g, n in zip(groups, counts) if n]
    return pd.concat(parts).sort_values(ID, kind="stable")


def _labelled(vectors: pd.DataFrame, labels: pd.DataFrame, target: str, role: str,
              feature_cols: list[str]) -> pd.DataFrame:
    """The feature rows of ``role`` with a ``target`` label, sorted by customer: columns
    customer_id, the features, label, label_source. The join runs on ids and row positions,
    so the wide feature columns are copied once, for the labelled rows only."""
    lab = labels.loc[(labels["target"] == target) & (labels[ROLE] == role),
                     [ID, "label", "label_source"]]
    in_role = np.flatnonzero((vectors[ROLE] == role).to_numpy())
    keys = pd.DataFrame({ID: vectors[ID].to_numpy()[in_role], "_row": in_role})
    keyed = keys.merge(lab, on=ID, how="inner").sort_values(ID, kind="stable").reset_index(drop=True)
    features = vectors.iloc[keyed["_row"].to_numpy(), vectors.columns.get_indexer(feature_cols)]
    return pd.concat([keyed[[ID]], features.reset_index(drop=True), keyed[["label", "label_source"]]],
                     axis=1)


def _weights(frame: pd.DataFrame, manual_weight: float) -> np.ndarray:
    return np.where(frame["label_source"].to_numpy() == "manual", manual_weight, 1.0)


def _drop_rare_classes(frame: pd.DataFrame, min_class_rows: int) -> tuple[pd.DataFrame, list[str]]:
    """Rows of classes with at least ``min_class_rows`` labels, and the classes dropped.

    With balanced class weights a class seen twice would weigh as much as a class seen
    thousands of times and be predicted from noise; such classes are left out of training
    (and said so in the run log) until enough labels exist."""
    counts = frame["label"].value_counts()
    rare = sorted(str(c) for c in counts[counts < min_class_rows].index)
    if not rare:
        return frame, rare  # no copy of a large frame for nothing
    return frame[~frame["label"].isin(rare)], rare


def _fit(frame: pd.DataFrame, feature_cols: list[str], target: str,
         settings: LabelModelSettings) -> FittedLabelModel:
    frame, _ = _drop_rare_classes(frame, settings.label_model_min_class_rows)
    sample = _sample(frame, settings.label_model_max_training_rows, settings.random_seed)
    return fit_label_model(
        sample[feature_cols], sample["label"], sample_weight=_weights(sample, settings.label_model_manual_weight),
        C=settings.label_model_regularisation_c, random_state=settings.random_seed, max_iter=settings.max_iter,
        min_rows=settings.label_model_min_training_rows, target=target)


def _gradient_boosting_proba(train: pd.DataFrame, evaluate: pd.DataFrame, feature_cols: list[str],
                             classes: list[Any], settings: LabelModelSettings) -> np.ndarray | None:
    """Holdout probabilities (aligned to ``classes``) of the gradient-boosting challenger fitted
    on ``train`` like the logistic regression (rare classes out, balanced class weights,
    manual-label weights); None when fewer than two classes remain."""
    from sklearn.ensemble import HistGradientBoostingClassifier

    frame, _ = _drop_rare_classes(train, settings.label_model_min_class_rows)
    sample = _sample(frame, settings.label_model_comparison_max_rows, settings.random_seed)
    if sample["label"].nunique() < 2 or len(sample) < settings.label_model_min_training_rows:
        return None
    model = HistGradientBoostingClassifier(
        max_iter=100, learning_rate=0.1, max_leaf_nodes=31, early_stopping=False,
        class_weight="balanced", random_state=settings.random_seed)
    train = sample[feature_cols].to_numpy(dtype=float)
    edges = quantile_edges(train)
    model.fit(quantile_codes(train, edges), sample["label"].to_numpy(dtype=object),
              sample_weight=_weights(sample, settings.label_model_manual_weight))
    out = np.zeros((len(evaluate), len(classes)))
    for start in range(0, len(evaluate), PREDICT_ROWS):
        rows = evaluate.iloc[start:start + PREDICT_ROWS][feature_cols].to_numpy(dtype=float)
        proba = model.predict_proba(quantile_codes(rows, edges))
        for j, c in enumerate(model.classes_):
            out[start:start + len(rows), classes.index(c)] = proba[:, j]
    return out


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
