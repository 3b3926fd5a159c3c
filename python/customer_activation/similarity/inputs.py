"""Feature and attribute columns of the similarity steps: which features, which kind, which groups."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from pandas.api.types import is_bool_dtype, is_numeric_dtype

CATEGORICAL = "categorical"
NUMERIC = "numeric"


def _feature_columns(
    features: pd.DataFrame, id_col: str, feature_cols: Sequence[str] | None
) -> list[str]:
    """``feature_cols`` if given, else every numeric, non-boolean column but ``id_col``."""
    if feature_cols is not None:
        return list(feature_cols)
    return [c for c in features.columns
            if c != id_col and is_numeric_dtype(features[c]) and not is_bool_dtype(features[c])]


def _attribute_features(
    fcols: list[str], attr: str, exclude_features: dict[str, Sequence[str]] | None
) -> list[str]:
    """The feature columns used for ``attr``: all but those derived from it.

    ``exclude_features[attr]`` lists prefixes: a feature named ``p`` or ``p__<anything>``
    (a one-hot column of attribute ``p``) is left out, so that the vector of a customer does
    not reveal the value being imputed (or a value that determines it, e.g. region for city).
    """
    prefixes = list((exclude_features or {}).get(attr, ()))
    return [c for c in fcols
            if not any(c == p or c.startswith(p + "__") for p in prefixes)]


def _groups_for(ids: pd.Series, groups: pd.DataFrame | None, id_col: str) -> pd.Series | None:
    """The group of each id (None = no group) from a frame ``id_col``, ``group``."""
    if groups is None:
        return None
    if "group" not in groups.columns or id_col not in groups.columns:
        raise ValueError(f"groups must have columns {id_col!r} and 'group'")
    if groups[id_col].duplicated().any():
        raise ValueError(f"{id_col} must be unique in groups")
    mapping = groups.set_index(id_col)["group"]
    return ids.map(mapping).astype(object).where(lambda g: g.notna(), None).reset_index(drop=True)


def _attribute_kind(series: pd.Series, kinds: dict[str, str] | None) -> str:
    if kinds and series.name in kinds:
        return kinds[series.name]
    if is_numeric_dtype(series) and not is_bool_dtype(series):
        return NUMERIC
    return CATEGORICAL


def _to_text(values: pd.Series, integer_like: bool) -> pd.Series:
    """Values as text for the long output; integer-like numbers lose the ``.0``."""
    def fmt(v: Any) -> Any:
        if v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NA:
            return None
        if integer_like and isinstance(v, (int, float, np.integer, np.floating)):
            return str(int(round(float(v))))
        return str(v)
    return values.map(fmt).astype(object)


def _feature_matrix(features: pd.DataFrame, fcols: list[str]) -> np.ndarray:
    """The feature columns as one float32 matrix (missing = NaN): the precision the search
    uses anyway (:func:`l2_normalize` returns float32), at half the memory of the frame."""
    return features[fcols].to_numpy(dtype=np.float32, na_value=np.nan)


class _LazyRows:
    """Rows ``rows`` and columns ``cols`` of ``matrix``, copied only a slice at a time: what
    :class:`SimilarityImputer` needs (``shape``, row slices, row selection), without holding
    a copy of every donor or query row at once."""

    def __init__(self, matrix: np.ndarray, rows: np.ndarray, cols: np.ndarray) -> None:
        self.matrix, self.rows, self.cols = matrix, np.asarray(rows, dtype=np.int64), cols
        self.shape = (len(self.rows), len(cols))
        self.ndim = 2

    def __len__(self) -> int:
        return self.shape[0]

    def __getitem__(self, key: Any) -> np.ndarray:
        return self.matrix[np.ix_(self.rows[key], self.cols)]
