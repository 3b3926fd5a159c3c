"""The dbt steps of attribute imputation: imputed attributes and the imputation accuracy.

One function per dbt Python model (``ml_attribute_imputation``, ``ml_imputation_accuracy``;
thin wrappers): a :class:`~customer_activation.similarity.estimator.SimilarityImputer` per
attribute for :func:`impute_attributes` and :func:`evaluate_imputation`. Look-alikes are in
:mod:`customer_activation.similarity.lookalikes`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from sklearn.utils import check_random_state

from customer_activation.similarity.estimator import _decile_codes
from customer_activation.similarity.inputs import (
    NUMERIC,
    _attribute_features,
    _attribute_kind,
    _feature_columns,
    _feature_matrix,
    _groups_for,
    _to_text,
)
from customer_activation.similarity.methods import METHODS, accuracy_by_confidence, choose, predict_with, score
from customer_activation.threads import single_threaded

__all__ = [
    "evaluate_imputation",
    "impute_attributes",
]


@single_threaded
def impute_attributes(
    features: pd.DataFrame,
    attributes: pd.DataFrame,
    *,
    id_col: str = "customer_id",
    feature_cols: Sequence[str] | None = None,
    attribute_cols: Sequence[str],
    attribute_kinds: dict[str, str] | None,
    k: int,
    max_donors: int,
    batch_size: int = 1024,
    random_state: int | None,
    exclude_features: dict[str, Sequence[str]] | None,
    groups: pd.DataFrame | None = None,
    group_weight: float,
    methods: dict[str, str] | None = None,
) -> pd.DataFrame:
    """Fill unknown attributes from similar customers; observed values are never changed.

    ``methods``: {attribute: method} chosen by :func:`evaluate_imputation` (knn, circle,
    supervised, baseline, or none = leave unknown; similarity.methods); knn when absent.

    ``features`` holds one row per customer with normalised feature columns
    (``feature_cols``, default: every numeric column but ``id_col``); ``attributes`` one row
    per customer with the attribute columns (missing = unknown). Attributes listed in
    ``attribute_cols`` but absent from ``attributes`` are skipped. The kind of an attribute
    is numeric for a numeric dtype, categorical otherwise, unless ``attribute_kinds`` says
    so (e.g. ``{'birth_year': 'categorical'}`` to vote on exact years).

    For each attribute a :class:`SimilarityImputer` is fitted on the customers with a
    known value and predicts only customers with an unknown value and a feature row, on the
    features not excluded for it (``exclude_features``, see :func:`_attribute_features`).
    ``groups`` (columns ``id_col``, ``group``; e.g. link circles) adds the group vote of
    :class:`SimilarityImputer` with weight ``group_weight``.

    Grain: one row per customer (in ``features`` or ``attributes``) and attribute, sorted.
    Columns: ``id_col``, ``attribute``, ``observed_value``, ``imputed_value``, ``value``
    (observed if known, else imputed), ``confidence`` (1.0 for observed values),
    ``n_neighbors`` and ``n_group_neighbors`` (0 for observed values), ``is_imputed``. Values are text so that one
    table holds every attribute; integer-valued numeric attributes (birth_year) are
    imputed as a rounded integer. A customer without a feature row and without an
    observed value keeps a null value.
    """
    fcols = _feature_columns(features, id_col, feature_cols)
    attrs = [a for a in attribute_cols if a in attributes.columns]
    if features[id_col].duplicated().any() or attributes[id_col].duplicated().any():
        raise ValueError(f"{id_col} must be unique in features and attributes")
    # one row per customer in either frame, sorted by id; the feature rows stay where they
    # are (one float32 matrix) and are looked up by position
    ids = pd.Series(pd.concat([features[id_col], attributes[id_col]], ignore_index=True).unique())
    ids = ids.sort_values(kind="stable").reset_index(drop=True)
    feature_row = pd.Index(features[id_col]).get_indexer(ids)
    has_features = feature_row >= 0
    matrix = _feature_matrix(features, fcols)
    observed = attributes.set_index(id_col)[attrs].reindex(ids).reset_index(drop=True)
    group_of = _groups_for(ids, groups, id_col)
    n_rows = len(ids)
    frames = []
    for attr in attrs:
        col = observed[attr]
        kind = _attribute_kind(attributes[attr].rename(attr), attribute_kinds)
        known = col.notna().to_numpy()
        integer_like = False
        if kind == NUMERIC:
            known_vals = pd.to_numeric(col[known]).to_numpy(dtype=float)
            integer_like = bool(known_vals.size) and bool(np.all(np.mod(known_vals, 1) == 0))
        target = known | ~has_features  # rows not to impute
        imputed = pd.Series([None] * n_rows, dtype=object)
        conf = np.where(known, 1.0, np.nan)
        nn = np.zeros(n_rows, dtype=np.int64)
        n_group = np.zeros(n_rows, dtype=np.int64)
        to_impute = np.flatnonzero(~target)
        donors_mask = known & has_features
        method = (methods or {}).get(attr, "knn")
        pred = None
        if to_impute.size and donors_mask.any() and method != "none":
            use = pd.Index(fcols).get_indexer(_attribute_features(fcols, attr, exclude_features))
            donor_values = col[donors_mask]
            if kind == NUMERIC:
                donor_values = pd.to_numeric(donor_values).astype(float)
            pred = predict_with(method, kind, matrix, use, feature_row[donors_mask], donor_values,
                                None if group_of is None else group_of[donors_mask], feature_row[to_impute],
                                None if group_of is None else group_of.iloc[to_impute], k=k, max_donors=max_donors,
                                batch_size=batch_size, random_state=random_state, group_weight=group_weight)
            if pred is None:  # the chosen method no longer applies (e.g. no circles): the vote
                method = "knn"
                pred = predict_with("knn", kind, matrix, use, feature_row[donors_mask], donor_values,
                                    None if group_of is None else group_of[donors_mask], feature_row[to_impute],
                                    None if group_of is None else group_of.iloc[to_impute], k=k,
                                    max_donors=max_donors, batch_size=batch_size, random_state=random_state,
                                    group_weight=group_weight)
            imputed.iloc[to_impute] = pred.value
            conf[to_impute] = pred.confidence
            nn[to_impute] = pred.n_neighbors
            n_group[to_impute] = pred.n_group_neighbors
        observed_text = _to_text(col, integer_like)
        imputed_text = _to_text(imputed, integer_like)
        is_imputed = (~known) & imputed_text.notna().to_numpy()
        frames.append(pd.DataFrame({
            id_col: ids.to_numpy(),
            "attribute": attr,
            "observed_value": observed_text.to_numpy(),
            "imputed_value": imputed_text.to_numpy(),
            "value": np.where(known, observed_text.to_numpy(), imputed_text.to_numpy()),
            "confidence": conf,
            "n_neighbors": nn,
            "n_group_neighbors": n_group,
            "is_imputed": is_imputed,
            "imputation_method": np.where(is_imputed, method, None),
        }))
    columns = [id_col, "attribute", "observed_value", "imputed_value", "value", "confidence",
               "n_neighbors", "n_group_neighbors", "is_imputed", "imputation_method"]
    if not frames:  # no attribute to impute: the table's columns, no rows
        dtypes = {"confidence": float, "n_neighbors": "int64", "n_group_neighbors": "int64", "is_imputed": bool}
        return pd.DataFrame({c: pd.Series(dtype=dtypes.get(c, object)) for c in columns})
    return pd.concat(frames, ignore_index=True)[columns]


@single_threaded
def evaluate_imputation(
    features: pd.DataFrame,
    attributes: pd.DataFrame,
    attribute_cols: Sequence[str],
    mask_share: float,
    random_state: int | None,
    k: int,
    *,
    id_col: str = "customer_id",
    feature_cols: Sequence[str] | None = None,
    attribute_kinds: dict[str, str] | None,
    max_donors: int,
    batch_size: int = 1024,
    exclude_features: dict[str, Sequence[str]] | None,
    groups: pd.DataFrame | None = None,
    group_weight: float,
    max_masked: int | None,
    fallback: str,
) -> pd.DataFrame:
    """Every imputation candidate on masked known values (similarity.methods), the chosen one
    and its accuracy, against the mode.

    Per attribute, among customers with a feature row and a known value, a seeded share
    ``mask_share`` is hidden, stratified (per class, or per value decile for numeric
    attributes: ``round(mask_share * n_stratum)`` rows of each stratum). The rest are the
    donors; the hidden values are imputed (with the same features, ``exclude_features``,
    ``groups`` and settings as :func:`impute_attributes`) and compared with the truth. A
    masked row also leaves the group vote, as an unknown value would. ``max_masked`` caps
    the masked rows per attribute (a seeded subsample of the stratified mask) to bound the
    cost on large populations.

    One row per attribute: ``attribute``, ``kind``, ``n_known``, ``n_masked``, and

    - categorical: ``accuracy``, ``mode_baseline_accuracy`` (always answering the mode of
      the unmasked known values; ties: smallest value as text) and ``lift`` =
      accuracy / mode_baseline_accuracy;
    - numeric: ``mae``, ``median_baseline_mae`` (always answering the median of the
      unmasked values) and ``lift`` = median_baseline_mae / mae.

    Values above 1 in ``lift`` mean imputation beats the baseline. The candidates' scores are
    ``knn_score``, ``circle_score``, ``supervised_score`` and ``baseline_score`` (accuracy or
    MAE; null when a candidate does not apply); ``chosen_method`` is the best if it beats the
    baseline, else ``fallback`` (baseline or none), with ``method_reason``; accuracy, mae and
    lift are the chosen method's (the baseline's when none), so the published imputation is
    never worse than the baseline on this evaluation. ``accuracy_by_confidence``: JSON, the
    chosen method's accuracy per equal-count bin of its confidence (categorical).
    """
    if not 0.0 < mask_share < 1.0:
        raise ValueError("mask_share must be within (0, 1)")
    fcols = _feature_columns(features, id_col, feature_cols)
    attrs = [a for a in attribute_cols if a in attributes.columns]
    # customers with a feature row and an attribute row, sorted by id; the feature rows stay
    # in one float32 matrix and are looked up by position
    both = attributes[[id_col, *attrs]].merge(
        pd.DataFrame({id_col: features[id_col], "_row": np.arange(len(features))}),
        on=id_col, how="inner", sort=True)
    matrix = _feature_matrix(features, fcols)
    group_of = _groups_for(both[id_col], groups, id_col)
    rng = check_random_state(random_state)
    rows = []
    for attr in attrs:
        kind = _attribute_kind(attributes[attr].rename(attr), attribute_kinds)
        known_mask = both[attr].notna().to_numpy()
        known_row = both["_row"].to_numpy()[known_mask]
        known_groups = None if group_of is None else group_of[known_mask].reset_index(drop=True)
        truth = both.loc[known_mask, attr].reset_index(drop=True)
        if kind == NUMERIC:
            truth = pd.to_numeric(truth).astype(float)
            strata = _decile_codes(truth.to_numpy())
        else:
            strata = pd.factorize(truth.astype(str), sort=True)[0]
        masked = np.zeros(len(truth), dtype=bool)
        for s in np.unique(strata):
            members = np.flatnonzero(strata == s)
            take = int(round(mask_share * len(members)))
            if take:
                masked[rng.choice(members, size=take, replace=False)] = True
        if max_masked is not None and masked.sum() > max_masked:
            keep = rng.choice(np.flatnonzero(masked), size=max_masked, replace=False)
            masked[:] = False
            masked[keep] = True
        row: dict[str, Any] = {"attribute": attr, "kind": kind, "n_known": len(truth),
                               "n_masked": int(masked.sum()), "accuracy": np.nan,
                               "mode_baseline_accuracy": np.nan, "mae": np.nan,
                               "median_baseline_mae": np.nan, "lift": np.nan,
                               **{f"{m}_score": np.nan for m in METHODS}, "chosen_method": fallback,
                               "method_reason": "nothing to evaluate", "accuracy_by_confidence": "[]"}
        if masked.any() and (~masked).any():
            use = pd.Index(fcols).get_indexer(_attribute_features(fcols, attr, exclude_features))
            t = truth[masked]
            predictions = {}
            for method in METHODS:
                pred = predict_with(method, kind, matrix, use, known_row[~masked], truth[~masked],
                                    None if known_groups is None else known_groups[~masked], known_row[masked],
                                    None if known_groups is None else known_groups[masked], k=k,
                                    max_donors=max_donors, batch_size=batch_size, random_state=random_state,
                                    group_weight=group_weight)
                if pred is not None:
                    predictions[method] = pred
                    row[f"{method}_score"] = score(kind, pred.value, t)
            chosen, why = choose(kind, {m: row[f"{m}_score"] for m in METHODS}, fallback)
            used = chosen if chosen in predictions else "baseline"
            value, base = row[f"{used}_score"], row["baseline_score"]
            if kind == NUMERIC:
                row.update(mae=value, median_baseline_mae=base, lift=base / value if value > 0 else np.inf)
            else:
                row.update(accuracy=value, mode_baseline_accuracy=base, lift=value / base if base > 0 else np.inf)
                hit = predictions[used].value.astype(str) == t.astype(str).to_numpy()
                row["accuracy_by_confidence"] = accuracy_by_confidence(predictions[used].confidence, hit)
            row.update(chosen_method=chosen, method_reason=why)
        rows.append(row)
    return pd.DataFrame(rows, columns=["attribute", "kind", "n_known", "n_masked", "accuracy",
                                       "mode_baseline_accuracy", "mae", "median_baseline_mae",
                                       "lift", *[f"{m}_score" for m in METHODS], "chosen_method",
                                       "method_reason", "accuracy_by_confidence"])
