"""Shared helpers of the campaign statistics: input checks, reasons and the bootstrap.

Conventions: see :mod:`customer_activation.campaigns.stats`."""

from __future__ import annotations

import inspect
import math
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

NAN = float("nan")

# Keyword used to pass the random generator to scipy.stats.bootstrap: scipy >= 1.15 takes
# ``rng``; older releases (the project allows scipy >= 1.11) only take ``random_state``.
_BOOTSTRAP_RNG_KW = (
    "rng" if "rng" in inspect.signature(stats.bootstrap).parameters else "random_state"
)


# --------------------------------------------------------------------------------------
# small helpers
# --------------------------------------------------------------------------------------


def _join_reasons(*reasons: str | None) -> str | None:
    kept = [r for r in reasons if r]
    return "; ".join(kept) if kept else None


def _check_confidence(confidence: float) -> float:
    confidence = float(confidence)
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must be in (0, 1), got {confidence}")
    return confidence


def _as_float_array(values: Any, name: str) -> np.ndarray:
    """1-D float array; pandas missing values (``pd.NA``) become NaN. ``None`` -> empty."""
    if values is None:
        return np.empty(0, dtype=float)
    if isinstance(values, (pd.Series, pd.Index, pd.api.extensions.ExtensionArray)):
        arr = pd.Series(values).to_numpy(dtype=float, na_value=np.nan)
    else:
        arr = np.asarray(values, dtype=float)
    if arr.ndim == 0:
        arr = arr.reshape(1)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {arr.shape}")
    return arr


def _clean(values: Any, name: str) -> np.ndarray:
    """1-D float array with missing values dropped."""
    arr = _as_float_array(values, name)
    return arr[~np.isnan(arr)]


def _clean_pairs(pre: Any, post: Any, name: str) -> tuple[np.ndarray, np.ndarray]:
    """Paired before/after arrays with every pair that has a missing side dropped."""
    pre_a = _as_float_array(pre, f"pre_{name}")
    post_a = _as_float_array(post, f"post_{name}")
    if pre_a.shape != post_a.shape:
        raise ValueError(
            f"pre_{name} and post_{name} must have the same length "
            f"({pre_a.size} != {post_a.size}): they are per-customer pairs"
        )
    keep = ~(np.isnan(pre_a) | np.isnan(post_a))
    return pre_a[keep], post_a[keep]


def _as_count(value: Any, name: str) -> int:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        raise ValueError(f"{name} is missing")
    as_float = float(value)
    if not as_float.is_integer():
        raise ValueError(f"{name} must be a whole number, got {value}")
    count = int(as_float)
    if count < 0:
        raise ValueError(f"{name} must be >= 0, got {count}")
    return count


def _rng(random_state: Any) -> np.random.Generator:
    return np.random.default_rng(random_state)


def _percentile_bootstrap(
    samples: tuple[np.ndarray, ...],
    statistic,
    n_boot: int,
    confidence: float,
    random_state: Any,
) -> tuple[float, float, float]:
    """Percentile bootstrap CI and standard error via ``scipy.stats.bootstrap``.

    Samples are resampled independently (unpaired), the statistic must be vectorised (it
    receives arrays with resamples along the last axis and an ``axis`` keyword). ``batch``
    bounds memory to roughly 4 million resampled values at a time.
    """
    largest = max(s.size for s in samples)
    batch = max(1, min(int(n_boot), 4_000_000 // max(largest, 1)))
    res = stats.bootstrap(
        samples,
        statistic,
        n_resamples=int(n_boot),
        batch=batch,
        vectorized=True,
        paired=False,
        axis=-1,
        confidence_level=confidence,
        method="percentile",
        **{_BOOTSTRAP_RNG_KW: _rng(random_state)},
    )
    ci = res.confidence_interval
    return float(ci.low), float(ci.high), float(res.standard_error)
