"""Multiple-testing corrections: Benjamini-Hochberg and Holm adjusted p-values."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from customer_activation.campaigns.stats.common import _as_float_array

__all__ = [
    "benjamini_hochberg",
    "holm",
]


# --------------------------------------------------------------------------------------
# multiple testing
# --------------------------------------------------------------------------------------


def _p_array(p_values: Any) -> tuple[np.ndarray, np.ndarray]:
    p = _as_float_array(p_values, "p_values")
    ok = ~np.isnan(p)
    if np.any((p[ok] < 0) | (p[ok] > 1)):
        raise ValueError("p-values must be in [0, 1]")
    return p, ok


def _like_input(adjusted: np.ndarray, p_values: Any):
    if isinstance(p_values, pd.Series):
        return pd.Series(adjusted, index=p_values.index, name=p_values.name)
    return adjusted


def benjamini_hochberg(p_values: Any):
    """Benjamini-Hochberg adjusted p-values (false discovery rate).

    Wraps ``scipy.stats.false_discovery_control(method="bh")``; missing p-values stay NaN
    and are not counted in the number of tests. Returns a numpy array, or a Series with the
    same index when given a Series.
    """
    p, ok = _p_array(p_values)
    adjusted = np.full(p.shape, np.nan)
    if ok.any():
        adjusted[ok] = stats.false_discovery_control(p[ok], method="bh")
    return _like_input(adjusted, p_values)


def holm(p_values: Any):
    """Holm step-down adjusted p-values (family-wise error rate).

    With the m p-values sorted ascending, adjusted p_(i) = max_{j <= i} min(1, (m - j + 1)
    p_(j)). Written by hand (sort, multiply, ``np.maximum.accumulate``) because scipy has no
    Holm adjustment and the project does not depend on statsmodels. Missing p-values stay
    NaN and are not counted in m. Returns an array, or a Series when given a Series.
    """
    p, ok = _p_array(p_values)
    adjusted = np.full(p.shape, np.nan)
    valid = p[ok]
    m = valid.size
    if m:
        order = np.argsort(valid, kind="stable")
        stepped = np.minimum(1.0, (m - np.arange(m)) * valid[order])
        stepped = np.maximum.accumulate(stepped)
        result = np.empty(m)
        result[order] = stepped
        adjusted[ok] = result
    return _like_input(adjusted, p_values)
