"""The label models' settings and training rows: which rows a fit sees, with which weights.

:class:`LabelModelSettings` holds the vars of the fit (named as the vars, no defaults of its
own: the settings registry has them); the helpers select, sample and weight the labelled rows
the logistic regression and its gradient-boosting challenger are fitted on.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

import numpy as np
import pandas as pd

from customer_activation.labels.classifier import FittedLabelModel

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
    label_model_calibration_share: float
    label_model_selection_margin: float
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
    scores: pd.DataFrame = field(default_factory=pd.DataFrame)
    published: dict[str, str] = field(default_factory=dict)

    def stacked(self) -> pd.DataFrame:
        """All five tables in one long frame with a ``result_kind`` column (parameters,
        metrics, calibration, runs, scores: the scoring-date probabilities of a published
        model SQL cannot score) and the union of their columns, so one dbt Python model can
        return everything from a single fit; SQL models split it again."""
        frames = []
        for kind in ("parameters", "metrics", "calibration", "runs", "scores"):
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
