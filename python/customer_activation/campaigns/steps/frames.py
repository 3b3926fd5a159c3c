"""Shared helpers of the campaign steps: typed output frames, numbers from rows, box-plot statistics."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "box_stats",
]

NAN = float("nan")

# The primary outcome and the revenue of every result (campaign_contact_outcomes): defined once,
# by the campaign's objective (seed campaign_outcome_definitions), the same way in both arms.
OUTCOME = "converted"
REVENUE = "order_revenue"


# --------------------------------------------------------------------------------------
# box plot numbers (the report)
# --------------------------------------------------------------------------------------


def box_stats(values: Any) -> dict:
    """Tukey box: quartiles (linear), whiskers at the most extreme values within 1.5 IQR,
    the values outside them (``outliers``), mean and n. Empty input: n = 0, NaN elsewhere."""
    arr = np.asarray(pd.to_numeric(pd.Series(values), errors="coerce"), dtype=float)
    arr = arr[~np.isnan(arr)]
    if arr.size == 0:
        return {"n": 0, "q1": NAN, "median": NAN, "q3": NAN, "low": NAN, "high": NAN,
                "mean": NAN, "outliers": []}
    q1, med, q3 = np.quantile(arr, [0.25, 0.5, 0.75])
    iqr = q3 - q1
    inside = arr[(arr >= q1 - 1.5 * iqr) & (arr <= q3 + 1.5 * iqr)]
    return {"n": int(arr.size), "q1": float(q1), "median": float(med), "q3": float(q3),
            "low": float(inside.min()), "high": float(inside.max()), "mean": float(arr.mean()),
            "outliers": sorted(float(v) for v in arr[(arr < inside.min()) | (arr > inside.max())])}


# --------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------


def _float(value: Any, default: float = NAN) -> float:
    try:
        out = float(value)
    except (TypeError, ValueError):
        return default
    return default if math.isnan(out) else out


def _typed(frame: pd.DataFrame, floats: Sequence[str] = (), ints: Sequence[str] = ()) -> pd.DataFrame:
    """Fixed dtypes, so an empty result still has the right column types in the warehouse."""
    frame = frame.copy()
    for col in floats:
        frame[col] = pd.to_numeric(frame[col], errors="coerce").astype("float64")
    for col in ints:
        frame[col] = pd.to_numeric(frame[col], errors="coerce").astype("Int64")
    for col in frame.columns:
        if col not in floats and col not in ints and frame[col].dtype == object:
            frame[col] = frame[col].astype("string")
    return frame.reset_index(drop=True)
