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

from customer_activation.similarity.estimator import SimilarityImputer, _decile_codes
from customer_activation.similarity.inputs import (
    NUMERIC,
    _attribute_features,
    _attribute_kind,
    _feature_columns,
    _feature_matrix,
    _groups_for,
    _LazyRows,
    _to_text,
)

__all__ = [
    "evaluate_imputation",
    "impute_attributes",
]


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
) -> pd.DataFrame:
    """Fill unknown attributes from similar customers; observed values are never changed.

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
        if to_impute.size and donors_mask.any():
            use = pd.Index(fcols).get_indexer(_attribute_features(fcols, attr, exclude_features))
            imp = SimilarityImputer(k=k, max_donors=max_donors, batch_size=batch_size, kind=kind,
                                    random_state=random_state, group_weight=group_weight)
            imp.fit(_LazyRows(matrix, feature_row[donors_mask], use), col[donors_mask],
                    None if group_of is None else group_of[donors_mask])
            pred = imp.predict(_LazyRows(matrix, feature_row[to_impute], use),
                               None if group_of is None else group_of.iloc[to_impute])
            imputed.iloc[to_impute] = pred["value"].to_numpy(dtype=object)
            conf[to_impute] = pred["confidence"].to_numpy()
            nn[to_impute] = pred["n_neighbors"].to_numpy()
            n_group[to_impute] = pred["n_group_neighbors"].to_numpy()
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
        }))
    columns = [id_col, "attribute", "observed_value", "imputed_value", "value", "confidence",
               "n_neighbors", "n_group_neighbors", "is_imputed"]
    if not frames:  # no attribute to impute: the table's columns, no rows
        dtypes = {"confidence": float, "n_neighbors": "int64", "n_group_neighbors": "int64", "is_imputed": bool}
        return pd.DataFrame({c: pd.Series(dtype=dtypes.get(c, object)) for c in columns})
    return pd.concat(frames, ignore_index=True)[columns]


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
) -> pd.DataFrame:
    """Accuracy of similarity imputation on masked known values, against the mode.

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

    Values above 1 in ``lift`` mean imputation beats the baseline.
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
                               "median_baseline_mae": np.nan, "lift": np.nan}
        if masked.any() and (~masked).any():
            use = pd.Index(fcols).get_indexer(_attribute_features(fcols, attr, exclude_features))
            imp = SimilarityImputer(k=k, max_donors=max_donors, batch_size=batch_size, kind=kind,
                                    random_state=random_state, group_weight=group_weight)
            imp.fit(_LazyRows(matrix, known_row[~masked], use), truth[~masked],
                    None if known_groups is None else known_groups[~masked])
            pred = imp.predict(_LazyRows(matrix, known_row[masked], use),
                               None if known_groups is None else known_groups[masked])["value"]
            t = truth[masked]
            if kind == NUMERIC:
                mae = float(np.mean(np.abs(pred.to_numpy(dtype=float) - t.to_numpy())))
                base = float(np.mean(np.abs(float(np.median(truth[~masked])) - t.to_numpy())))
                row.update(mae=mae, median_baseline_mae=base,
                           lift=base / mae if mae > 0 else np.inf)
            else:
                acc = float(np.mean(pred.to_numpy(dtype=object) == t.to_numpy(dtype=object)))
                mode = _mode(truth[~masked])
                base = float(np.mean(t.to_numpy(dtype=object) == mode))
                row.update(accuracy=acc, mode_baseline_accuracy=base,
                           lift=acc / base if base > 0 else np.inf)
        rows.append(row)
    return pd.DataFrame(rows, columns=["attribute", "kind", "n_known", "n_masked", "accuracy",
                                       "mode_baseline_accuracy", "mae", "median_baseline_mae",
                                       "lift"])


def _mode(values: pd.Series) -> Any:
    """Most frequent value; ties broken by the smallest value as text."""
    text = values.astype(str)
    counts = text.value_counts()
    best = sorted(counts.index[counts == counts.max()])[0]
    return values[text == best].iloc[0]
