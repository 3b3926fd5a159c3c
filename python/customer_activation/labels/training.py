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
   (in SQL, from the stored parameters; see :mod:`customer_activation.labels.parameters`).

Training rows are sampled down to ``max_training_rows`` (seeded, stratified by label) so
training is bounded at any customer count; the holdout rows evaluated, for every model and
baseline alike, down to ``max_evaluation_rows`` the same way (``n_eval`` in the metrics).
Manual labels carry ``manual_weight`` as sample weight (rule and observed labels 1).
"""

from __future__ import annotations

import dataclasses
import json
import platform
from collections.abc import Callable

import numpy as np
import pandas as pd

from customer_activation.labels.calibration import CANDIDATES, calibrate, choose_candidate
from customer_activation.labels.candidates import (
    BANDS,
    BGNBD,
    SCORE_COLUMNS,
    _bgnbd_scores,
    _candidates_and_baselines,
    _clv_rows,
    _gb_scores,
    _metric_rows,
    _ranking_rows,
    _safe_metrics,
    majority_model,
    order_bands,
)
from customer_activation.labels.challenger import fit_gradient_boosting
from customer_activation.labels.classifier import FittedLabelModel, fit_label_model
from customer_activation.labels.data import (
    ID,
    METRIC_NAMES,
    TARGETS,
    LabelModelResults,
    LabelModelSettings,
    _drop_rare_classes,
    _labelled,
    _sample,
    _weights,
)
from customer_activation.labels.metrics import (
    calibration_table,
    multiclass_metrics,
)
from customer_activation.labels.parameters import scoring_parameters
from customer_activation.threads import single_threaded


def _fit(frame: pd.DataFrame, feature_cols: list[str], target: str,
         settings: LabelModelSettings) -> FittedLabelModel:
    """The calibrated logistic regression (labels.calibration) on a seeded, stratified sample
    of ``frame``: fitted on all but a held-out slice (label_model_calibration_share of the
    sample), whose temperature and bias it then learns; prior correction only when the slice
    would hold fewer than label_model_min_training_rows rows."""
    frame, _ = _drop_rare_classes(frame, settings.label_model_min_class_rows)
    sample = _sample(frame, settings.label_model_max_training_rows, settings.random_seed)
    n_slice = int(round(len(sample) * settings.label_model_calibration_share))
    held_out = sample.iloc[:0]
    if n_slice >= settings.label_model_min_training_rows and len(sample) - n_slice >= settings.label_model_min_training_rows:
        held_out = _sample(sample, n_slice, settings.random_seed + 1)
        sample = sample[~sample[ID].isin(held_out[ID])]
    model = fit_label_model(
        sample[feature_cols], sample["label"], sample_weight=_weights(sample, settings.label_model_manual_weight),
        C=settings.label_model_regularisation_c, random_state=settings.random_seed, max_iter=settings.max_iter,
        min_rows=settings.label_model_min_training_rows, target=target)
    return calibrate(model, held_out[feature_cols] if len(held_out) else None, held_out["label"],
                     _weights(held_out, settings.label_model_manual_weight), settings.label_model_min_training_rows)


@single_threaded
def train_label_models(
    vectors: pd.DataFrame,
    labels: pd.DataFrame,
    feature_cols: list[str],
    *,
    carried_forward: pd.DataFrame | None = None,
    recency: pd.DataFrame | None = None,
    order_counts: pd.DataFrame | None = None,
    purchase_scores: pd.DataFrame | None = None,
    purchase_parameters: pd.DataFrame | None = None,
    scoring_customers: Callable[[], pd.Series] | None = None,
    scoring_vectors: Callable[[], pd.DataFrame] | None = None,
    settings: LabelModelSettings,
    targets: tuple[str, ...] = TARGETS,
    class_order: dict[str, list[str]] | None = None,
) -> LabelModelResults:
    """Validate and fit one model per target; see the module docstring for the protocol.

    ``carried_forward``: (customer_id, target, label) — the baseline label for the
    ``training`` rows. ``recency``: (customer_id, recency_days) at the training feature date,
    for the churn ranking baseline. ``order_counts``: (customer_id, n_orders) at the training
    date, for the metrics by order-count band. ``purchase_scores``: (customer_id,
    feature_date_role, bgnbd_p_no_purchase, clv) of the purchase model at the backtest,
    training and scoring dates, for its baselines and the BG/NBD churn candidate;
    ``purchase_parameters``: its parameter rows (feature_date_role, model_status, r, alpha, a,
    b, bgnbd_n_customers), for that candidate's versions and status. ``scoring_vectors``:
    called for the scoring-date vectors when a challenger that SQL cannot score is published;
    ``scoring_customers``: called for the scoring-date customer ids when the BG/NBD candidate
    is published (default: the ids of ``scoring_vectors``, else the customers it scores). ``class_order``: preferred
    class order per target.
    """
    params_frames, metric_rows, calib_frames, run_rows, score_frames = [], [], [], [], []
    models: dict[str, FittedLabelModel] = {}
    published_models: dict[str, str] = {}
    baselines = {"carried_forward": carried_forward, "recency": recency, "order_counts": order_counts,
                 "purchase_scores": purchase_scores, "purchase_parameters": purchase_parameters}
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

        # 1. validation on the time-based holdout: every candidate and baseline as probabilities
        validation = _fit(backtest, feature_cols, target, settings)
        y_true = evaluation["label"].to_numpy(dtype=object)
        reason = None if validation.status == "ok" else validation.reason
        if len(evaluation) == 0:
            reason = "no labelled rows at the training date to evaluate on"
        chosen, why = "logistic_regression", "the default"
        if len(evaluation) and len(classes):
            probas, reasons, versions, weights = _candidates_and_baselines(
                target, backtest, evaluation, classes, feature_cols, validation, settings, baselines)
            calib = calibration_table(y_true, probas["logistic_regression"], classes, n_bins=10)
            calib.insert(0, "model_version", validation.version)
            calib.insert(0, "target", target)
            calib_frames.append(calib)
            overall = {name: _safe_metrics(multiclass_metrics, y_true, p, classes, weights.get(name))
                       for name, p in probas.items()}
            chosen, why = choose_candidate({name: overall.get(name, {}).get("log_loss") for name in CANDIDATES},
                                           settings.label_model_selection_margin)
            bands = order_bands(evaluation[ID], (baselines or {}).get("order_counts"))
            for band in ["all", *BANDS]:
                rows = np.ones(len(evaluation), bool) if band == "all" else (bands == band)
                if band != "all" and not rows.any():
                    continue
                for name, p in probas.items():
                    values = overall[name] if band == "all" else _safe_metrics(
                        multiclass_metrics, y_true[rows], p[rows], classes, weights.get(name))
                    metric_rows += _metric_rows(target, name, values, versions.get(name),
                                                reason if name == "logistic_regression" else reasons.get(name),
                                                band=band, published=name == chosen,
                                                selection=why if name == chosen and band == "all" else None)
                metric_rows += [row for name in reasons if name not in probas for row in _metric_rows(
                    target, name, {"n": int(rows.sum())}, None, reasons[name], band=band, published=False,
                    selection=None)]
                if target == "churn_risk" and "churned" in classes:
                    metric_rows += _ranking_rows(target, band, evaluation[rows], y_true[rows], baselines)
                if target == "value_tier" and "high" in classes:
                    metric_rows += _clv_rows(target, band, evaluation[rows], y_true[rows], baselines,
                                             {n: p[rows] for n, p in probas.items()}, classes.index("high"), chosen)
        else:
            metric_rows += _metric_rows(target, "logistic_regression", {"n": 0}, validation.version,
                                        reason or "no classes to evaluate", band="all", published=True,
                                        selection="nothing to evaluate: the default")

        # 2. final model for scoring at as_of_date: the chosen candidate, refitted on the training date
        final = _fit(holdout, feature_cols, target, settings)
        models[target] = final
        published = final
        if chosen == "majority_class":
            published = majority_model(final, why)
        elif chosen == "gradient_boosting" and scoring_vectors is not None:
            gb_final = fit_gradient_boosting(holdout, feature_cols, settings)
            if gb_final is None:
                published = majority_model(final, "the challenger could not be refitted at the training date")
            else:
                score_frames.append(_gb_scores(target, gb_final, scoring_vectors(), classes))
                published = dataclasses.replace(final, version=gb_final.version)
        elif chosen == BGNBD:
            # the candidate is only offered when the purchase model scores the scoring date too
            ids = (scoring_customers() if scoring_customers is not None
                   else scoring_vectors()[ID] if scoring_vectors is not None
                   else purchase_scores.loc[purchase_scores["feature_date_role"] == "scoring", ID])
            frame, version, fill = _bgnbd_scores(target, holdout, ids, classes, purchase_scores,
                                                 purchase_parameters, settings)
            score_frames.append(frame)
            published = dataclasses.replace(
                final, version=version,
                reason=(f"BG/NBD published: P(churned) = bgnbd_p_no_purchase of the purchase model fitted at the "
                        f"scoring date; customers it does not score get {fill:.4f}, the churned share of such "
                        "customers at the training date"))
        published_models[target] = chosen
        _, rare = _drop_rare_classes(holdout, settings.label_model_min_class_rows)
        params = scoring_parameters(published if chosen == "majority_class" else final)
        params.insert(0, "target", target)
        params["status"] = published.status
        params["reason"] = published.reason or None
        params["published_model"] = chosen
        params_frames.append(params)
        balance = holdout["label"].value_counts().sort_index()
        run_rows.append({
            "target": target,
            "model_version": published.version,
            "validation_model_version": validation.version,
            "status": final.status,
            "reason": "; ".join(filter(None, [
                final.reason,
                published.reason if published is not final and published.reason != final.reason else "",
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
        lr = metrics[metrics["is_published"].astype(bool) & (metrics["order_band"] == "all")]
        lr = lr.set_index(["target", "metric"])["value"]
        runs["holdout_metrics"] = [
            json.dumps({m: (None if pd.isna(lr.get((t, m))) else round(float(lr.get((t, m))), 6))
                        for m in METRIC_NAMES if (t, m) in lr.index}, sort_keys=True)
            for t in runs["target"]]
    parameters = pd.concat(params_frames, ignore_index=True) if params_frames else pd.DataFrame()
    calibration = pd.concat(calib_frames, ignore_index=True) if calib_frames else pd.DataFrame(
        columns=["target", "model_version", "class", "bin", "n", "p_min", "p_max", "mean_predicted",
                 "observed_rate"])  # no holdout anywhere (no customers): empty, with every column
    scores = pd.concat(score_frames, ignore_index=True) if score_frames else pd.DataFrame(
        {c: pd.Series(dtype=float if c in ("class_index", "probability", "decision_weight") else object) for c in SCORE_COLUMNS})
    return LabelModelResults(parameters=parameters, metrics=metrics, calibration=calibration, runs=runs,
                             models=models, scores=scores, published=published_models)


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
