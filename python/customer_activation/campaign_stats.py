"""Campaign statistics: the numbers behind the campaign loop.

The campaign loop (see DESIGN.md) goes audience -> deterministic assignment (done in SQL) ->
pilot gate -> rollout -> before/after metrics -> quartile comparison, response rate,
difference-in-differences, incremental revenue and ROI with confidence intervals. This module
holds the statistics for every step after assignment. dbt Python models call these functions
as thin wrappers.

Conventions shared by every function
------------------------------------
* Pure and deterministic: no global state, all randomness comes from ``random_state``
  (an int seed or a ``numpy.random.Generator``).
* Inputs are plain numbers, sequences, numpy arrays or pandas Series. Missing values (NaN,
  ``pd.NA``) in per-customer arrays are dropped (for paired before/after arrays the whole pair
  is dropped); counts such as ``n`` always refer to the values actually used.
* Outputs are flat dicts of Python scalars (easy to turn into one DataFrame row) or pandas
  objects. Every dict has a ``reason`` key: ``None`` when everything was computed, otherwise a
  short text saying why some entries are NaN.
* Degenerate data (empty arrays, n=1, zero variance, all zeros, zero counts) returns NaN with a
  ``reason`` instead of raising. Inputs that are *invalid* rather than degenerate (negative
  counts, successes > n, a confidence level outside (0, 1), arrays of mismatched length) raise
  ``ValueError``: those are caller bugs, not properties of the data.
* scipy/numpy do the statistics wherever they can; where a formula is written by hand, the
  docstring says why.
"""

from __future__ import annotations

import inspect
import math
import warnings
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

__all__ = [
    "srm_check",
    "proportion_ci",
    "pilot_gate",
    "recommended_pilot_size",
    "quartile_summary",
    "quantile_shift_ci",
    "quantile_shift_ci_order_stat",
    "welch_ttest",
    "diff_in_diff",
    "cuped_effect",
    "incremental_summary",
    "benjamini_hochberg",
    "holm",
    "compare_arms",
    "COMPARE_ARMS_COLUMNS",
]

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


# --------------------------------------------------------------------------------------
# sample ratio mismatch
# --------------------------------------------------------------------------------------


def srm_check(
    observed_counts: Mapping[str, int],
    planned_shares: Mapping[str, float],
    alpha: float = 0.001,
) -> dict:
    """Sample ratio mismatch check: chi-square goodness of fit of arm sizes to the plan.

    Parameters
    ----------
    observed_counts
        Customers actually assigned per arm, e.g. ``{"treatment": 9_012, "control": 988}``.
        An arm present in the plan but absent here counts as 0.
    planned_shares
        Planned share per arm, e.g. ``{"treatment": 0.9, "control": 0.1}``. Shares are
        normalised to sum to 1, so weights such as ``{"treatment": 9, "control": 1}`` work.
    alpha
        Significance level; small by default (0.001) because an SRM test runs on every
        campaign and a false alarm stops the analysis.

    Returns
    -------
    dict with ``statistic``, ``p_value``, ``dof``, ``is_mismatch`` (``p_value < alpha``),
    ``n``, ``expected`` (dict of expected counts), ``alpha`` and ``reason``.
    ``is_mismatch`` is ``None`` when the test cannot be run (no customers, fewer than two
    arms). Customers in an arm with a planned share of 0 make the mismatch certain:
    ``statistic`` is inf and ``p_value`` 0.

    Uses ``scipy.stats.chisquare``.
    """
    if not 0.0 < float(alpha) < 1.0:
        raise ValueError(f"alpha must be in (0, 1), got {alpha}")
    unknown = sorted(set(observed_counts) - set(planned_shares))
    if unknown:
        raise ValueError(f"arms without a planned share: {unknown}")
    shares = {arm: float(share) for arm, share in planned_shares.items()}
    if any(not math.isfinite(s) or s < 0 for s in shares.values()):
        raise ValueError(f"planned shares must be finite and >= 0, got {shares}")
    counts = {arm: _as_count(observed_counts.get(arm, 0), f"count[{arm}]") for arm in shares}
    n = sum(counts.values())
    total_share = sum(shares.values())

    out: dict[str, Any] = {
        "statistic": NAN,
        "p_value": NAN,
        "dof": None,
        "is_mismatch": None,
        "n": n,
        "observed": counts,
        "expected": {arm: NAN for arm in shares},
        "alpha": float(alpha),
        "reason": None,
    }
    if total_share <= 0:
        out["reason"] = "planned shares sum to 0"
        return out
    out["expected"] = {arm: n * s / total_share for arm, s in shares.items()}
    if n == 0:
        out["reason"] = "no customers assigned"
        return out

    impossible = [arm for arm, s in shares.items() if s == 0 and counts[arm] > 0]
    if impossible:
        out.update(
            statistic=math.inf,
            p_value=0.0,
            is_mismatch=True,
            reason=f"customers in arms planned at share 0: {impossible}",
        )
        return out

    arms = [arm for arm, s in shares.items() if s > 0]
    if len(arms) < 2:
        out["reason"] = "fewer than two arms with a positive planned share"
        return out
    f_obs = np.array([counts[a] for a in arms], dtype=float)
    f_exp = np.array([out["expected"][a] for a in arms], dtype=float)
    res = stats.chisquare(f_obs, f_exp)
    out.update(
        statistic=float(res.statistic),
        p_value=float(res.pvalue),
        dof=len(arms) - 1,
        is_mismatch=bool(res.pvalue < alpha),
    )
    return out


# --------------------------------------------------------------------------------------
# proportions and the pilot gate
# --------------------------------------------------------------------------------------

_PROPORTION_METHODS = ("wilson", "wilsoncc", "exact")


def proportion_ci(
    successes: int, n: int, confidence: float = 0.95, method: str = "wilson"
) -> dict:
    """Confidence interval for a binomial proportion.

    ``method`` is passed to ``scipy.stats.binomtest(...).proportion_ci``: ``"wilson"`` (score
    interval, the default: good coverage at small n and rates near 0), ``"wilsoncc"`` (with
    continuity correction) or ``"exact"`` (Clopper-Pearson, conservative).

    Returns ``estimate``, ``ci_low``, ``ci_high``, ``successes``, ``n``, ``confidence``,
    ``method`` and ``reason``; NaN with a reason when ``n == 0``.
    """
    confidence = _check_confidence(confidence)
    if method not in _PROPORTION_METHODS:
        raise ValueError(f"method must be one of {_PROPORTION_METHODS}, got {method!r}")
    k = _as_count(successes, "successes")
    n = _as_count(n, "n")
    if k > n:
        raise ValueError(f"successes ({k}) > n ({n})")
    out = {
        "estimate": NAN,
        "ci_low": NAN,
        "ci_high": NAN,
        "successes": k,
        "n": n,
        "confidence": confidence,
        "method": method,
        "reason": None,
    }
    if n == 0:
        out["reason"] = "n = 0"
        return out
    ci = stats.binomtest(k, n).proportion_ci(confidence_level=confidence, method=method)
    out.update(estimate=k / n, ci_low=float(ci.low), ci_high=float(ci.high))
    return out


def _newcombe_difference(
    k1: int, n1: int, k0: int, n0: int, confidence: float
) -> tuple[float, float, float, str | None]:
    """Difference of proportions p1 - p0 with Newcombe's hybrid score interval.

    Newcombe (1998), method 10: combine the two Wilson intervals (l1, u1), (l0, u0)::

        low  = d - sqrt((p1 - l1)**2 + (u0 - p0)**2)
        high = d + sqrt((u1 - p1)**2 + (p0 - l0)**2)

    Written by hand because scipy has no interval for a difference of independent
    proportions; the Wilson bounds themselves come from ``scipy.stats.binomtest``. Chosen
    over the Wald interval because it stays inside [-1, 1] and keeps its coverage when a
    rate is near 0, which is the usual case for campaign responses.
    """
    if n1 == 0 or n0 == 0:
        return NAN, NAN, NAN, "an arm has n = 0"
    p1, p0 = k1 / n1, k0 / n0
    c1 = stats.binomtest(k1, n1).proportion_ci(confidence_level=confidence, method="wilson")
    c0 = stats.binomtest(k0, n0).proportion_ci(confidence_level=confidence, method="wilson")
    d = p1 - p0
    low = d - math.sqrt((p1 - c1.low) ** 2 + (c0.high - p0) ** 2)
    high = d + math.sqrt((c1.high - p1) ** 2 + (p0 - c0.low) ** 2)
    return d, low, high, None


def pilot_gate(
    observed_responses: int,
    n_treatment: int,
    predicted_mean: float,
    control_responses: int,
    n_control: int,
    min_n: int = 100,
    tolerance: float = 0.0,
    confidence: float = 0.95,
    method: str = "wilson",
) -> dict:
    """Does the pilot's observed response agree with the model's predicted response?

    The observed treatment response rate gets a confidence interval (``proportion_ci`` with
    ``method``), widened on both sides by the absolute ``tolerance`` (e.g. 0.01 = one
    percentage point; it allows for a model that is "close enough"). The gate:

    * ``"insufficient_sample"`` if ``n_treatment < min_n`` (numbers are still reported);
    * ``"pass"`` if ``predicted_mean`` lies inside the widened interval;
    * ``"fail"`` otherwise.

    ``predicted_mean`` is the mean predicted response probability over the *treated* pilot
    customers. It must be in [0, 1]; a missing prediction raises ``ValueError``.

    The observed incremental effect (treatment rate - control rate) is also reported, with
    Newcombe's hybrid score interval (see ``_newcombe_difference``); it is NaN with a reason
    when the control arm is empty, which does not affect the gate.

    Returns ``status``, ``reason``, ``n_treatment``, ``n_control``, ``observed_rate``,
    ``ci_low``, ``ci_high``, ``accept_low``, ``accept_high`` (the widened interval, clipped
    to [0, 1]), ``predicted_mean``, ``prediction_error`` (observed - predicted),
    ``control_rate``, ``effect``, ``effect_ci_low``, ``effect_ci_high``, ``effect_ci_method``,
    ``min_n``, ``tolerance``, ``confidence``.
    """
    confidence = _check_confidence(confidence)
    predicted_mean = float(predicted_mean)
    if not 0.0 <= predicted_mean <= 1.0:  # also rejects NaN
        raise ValueError(f"predicted_mean must be in [0, 1], got {predicted_mean}")
    tolerance = float(tolerance)
    if not tolerance >= 0.0:
        raise ValueError(f"tolerance must be >= 0, got {tolerance}")
    min_n = max(1, _as_count(min_n, "min_n"))

    treat = proportion_ci(observed_responses, n_treatment, confidence, method)
    ctrl_k = _as_count(control_responses, "control_responses")
    ctrl_n = _as_count(n_control, "n_control")
    if ctrl_k > ctrl_n:
        raise ValueError(f"control_responses ({ctrl_k}) > n_control ({ctrl_n})")
    effect, eff_low, eff_high, eff_reason = _newcombe_difference(
        treat["successes"], treat["n"], ctrl_k, ctrl_n, confidence
    )

    accept_low = max(0.0, treat["ci_low"] - tolerance)
    accept_high = min(1.0, treat["ci_high"] + tolerance)
    if treat["n"] < min_n:
        status = "insufficient_sample"
        gate_reason = f"n_treatment = {treat['n']} < min_n = {min_n}"
    elif accept_low <= predicted_mean <= accept_high:
        status, gate_reason = "pass", None
    else:
        status = "fail"
        gate_reason = (
            f"predicted mean {predicted_mean:.4g} outside "
            f"[{accept_low:.4g}, {accept_high:.4g}]"
        )

    return {
        "status": status,
        "reason": _join_reasons(
            gate_reason, f"effect: {eff_reason}" if eff_reason else None
        ),
        "n_treatment": treat["n"],
        "n_control": ctrl_n,
        "observed_rate": treat["estimate"],
        "ci_low": treat["ci_low"],
        "ci_high": treat["ci_high"],
        "accept_low": accept_low if treat["n"] else NAN,
        "accept_high": accept_high if treat["n"] else NAN,
        "predicted_mean": predicted_mean,
        "prediction_error": treat["estimate"] - predicted_mean,
        "control_rate": ctrl_k / ctrl_n if ctrl_n else NAN,
        "effect": effect,
        "effect_ci_low": eff_low,
        "effect_ci_high": eff_high,
        "effect_ci_method": "newcombe_hybrid_score",
        "min_n": min_n,
        "tolerance": tolerance,
        "confidence": confidence,
    }


def recommended_pilot_size(
    baseline_rate: float,
    mde: float,
    alpha: float = 0.05,
    power: float = 0.8,
    treatment_share: float = 0.5,
    two_sided: bool = True,
) -> dict:
    """Customers needed to detect an absolute uplift ``mde`` over ``baseline_rate``.

    Standard two-proportion formula (normal approximation, pooled variance under H0,
    unpooled under H1, no continuity correction), for a total sample N split
    ``treatment_share`` (w) / ``1 - w``; with p0 = baseline, p1 = baseline + mde and
    pbar = w p1 + (1 - w) p0::

        N = ( z_{1-a} sqrt(pbar (1 - pbar) (1/w + 1/(1-w)))
              + z_{1-b} sqrt(p1 (1 - p1)/w + p0 (1 - p0)/(1-w)) )**2 / mde**2

    where z_{1-a} uses a/2 when ``two_sided``. Quantiles come from ``scipy.stats.norm``; the
    formula itself is written by hand because scipy has no power/sample-size routine. With
    w = 0.5 it reduces to the textbook per-arm formula (e.g. 10% -> 15%, alpha 0.05, power
    0.8: 686 per arm).

    Returns ``n_treatment``, ``n_control`` (each rounded up), ``n_total`` (their sum),
    ``n_total_exact`` (unrounded N) and the inputs.
    """
    p0 = float(baseline_rate)
    mde = float(mde)
    w = float(treatment_share)
    if not 0.0 < p0 < 1.0:
        raise ValueError(f"baseline_rate must be in (0, 1), got {baseline_rate}")
    if mde == 0.0 or not math.isfinite(mde):
        raise ValueError(f"mde must be a non-zero absolute difference, got {mde}")
    p1 = p0 + mde
    if not 0.0 < p1 < 1.0:
        raise ValueError(f"baseline_rate + mde must be in (0, 1), got {p1}")
    if not 0.0 < w < 1.0:
        raise ValueError(f"treatment_share must be in (0, 1), got {treatment_share}")
    if not 0.0 < alpha < 1.0 or not 0.0 < power < 1.0:
        raise ValueError("alpha and power must be in (0, 1)")

    z_a = stats.norm.ppf(1.0 - alpha / 2.0 if two_sided else 1.0 - alpha)
    z_b = stats.norm.ppf(power)
    pbar = w * p1 + (1.0 - w) * p0
    sd0 = math.sqrt(pbar * (1.0 - pbar) * (1.0 / w + 1.0 / (1.0 - w)))
    sd1 = math.sqrt(p1 * (1.0 - p1) / w + p0 * (1.0 - p0) / (1.0 - w))
    n_total_exact = float((z_a * sd0 + z_b * sd1) ** 2 / mde**2)
    n_t = math.ceil(n_total_exact * w - 1e-9)
    n_c = math.ceil(n_total_exact * (1.0 - w) - 1e-9)
    return {
        "n_treatment": n_t,
        "n_control": n_c,
        "n_total": n_t + n_c,
        "n_total_exact": n_total_exact,
        "baseline_rate": p0,
        "mde": mde,
        "alpha": float(alpha),
        "power": float(power),
        "treatment_share": w,
        "two_sided": bool(two_sided),
    }


# --------------------------------------------------------------------------------------
# quartiles
# --------------------------------------------------------------------------------------

QUARTILE_KEYS = (
    "n", "n_missing", "mean", "q1", "median", "q3", "n_nonzero", "nz_q1", "nz_median", "nz_q3",
)


def quartile_summary(values: Any, method: str = "linear") -> dict:
    """n, mean, Q1/median/Q3, and the same quartiles among non-zero values.

    Quartiles use ``np.quantile(..., method=method)``; the default ``"linear"`` is numpy's
    default (type 7 of Hyndman & Fan, also R's and pandas' default), so numbers match
    ``pandas.Series.quantile`` and DuckDB's ``quantile_cont``. The non-zero quartiles
    (``nz_q1``, ``nz_median``, ``nz_q3``) matter for campaign metrics such as revenue, where
    most customers are at 0 and the plain quartiles are all 0.

    Missing values are dropped and counted in ``n_missing``. Returns the keys in
    ``QUARTILE_KEYS`` plus ``reason``: NaN statistics with a reason when there are no values
    or no non-zero values.
    """
    raw = _as_float_array(values, "values")
    arr = raw[~np.isnan(raw)]
    nonzero = arr[arr != 0]
    out: dict[str, Any] = {
        "n": int(arr.size),
        "n_missing": int(raw.size - arr.size),
        "mean": NAN,
        "q1": NAN,
        "median": NAN,
        "q3": NAN,
        "n_nonzero": int(nonzero.size),
        "nz_q1": NAN,
        "nz_median": NAN,
        "nz_q3": NAN,
        "reason": None,
    }
    probs = [0.25, 0.5, 0.75]
    if arr.size == 0:
        out["reason"] = "no values"
        return out
    q1, med, q3 = np.quantile(arr, probs, method=method)
    out.update(mean=float(np.mean(arr)), q1=float(q1), median=float(med), q3=float(q3))
    if nonzero.size == 0:
        out["reason"] = "no non-zero values"
        return out
    nq1, nmed, nq3 = np.quantile(nonzero, probs, method=method)
    out.update(nz_q1=float(nq1), nz_median=float(nmed), nz_q3=float(nq3))
    return out


def quantile_shift_ci(
    treatment_values: Any,
    control_values: Any,
    q: float,
    n_boot: int = 2000,
    confidence: float = 0.95,
    random_state: Any = 0,
    method: str = "linear",
) -> dict:
    """Difference of q-quantiles (treatment - control) with a percentile bootstrap CI.

    Both arms are resampled independently (``scipy.stats.bootstrap``, ``paired=False``,
    ``method="percentile"``, vectorised over resamples and batched to bound memory).
    Quantiles use ``np.quantile(..., method=method)`` (default ``"linear"``). The same
    ``random_state`` gives the same interval. Percentile rather than BCa: BCa's jackknife
    is O(n^2) for quantiles and breaks down on the many ties of zero-inflated metrics.

    Returns ``estimate``, ``treatment_quantile``, ``control_quantile``, ``ci_low``,
    ``ci_high``, ``se`` (bootstrap standard error), ``n_t``, ``n_c``, ``q``, ``n_boot``,
    ``confidence``, ``reason``; NaN with a reason if an arm has fewer than 2 values
    (the point estimate is still given when both arms have at least 1).
    """
    confidence = _check_confidence(confidence)
    q = float(q)
    if not 0.0 <= q <= 1.0:
        raise ValueError(f"q must be in [0, 1], got {q}")
    if int(n_boot) < 1:
        raise ValueError("n_boot must be >= 1")
    t = _clean(treatment_values, "treatment_values")
    c = _clean(control_values, "control_values")
    out: dict[str, Any] = {
        "estimate": NAN,
        "treatment_quantile": NAN,
        "control_quantile": NAN,
        "ci_low": NAN,
        "ci_high": NAN,
        "se": NAN,
        "n_t": int(t.size),
        "n_c": int(c.size),
        "q": q,
        "n_boot": int(n_boot),
        "confidence": confidence,
        "reason": None,
    }
    if t.size == 0 or c.size == 0:
        out["reason"] = "an arm has no values"
        return out
    qt = float(np.quantile(t, q, method=method))
    qc = float(np.quantile(c, q, method=method))
    out.update(estimate=qt - qc, treatment_quantile=qt, control_quantile=qc)
    if t.size < 2 or c.size < 2:
        out["reason"] = "an arm has fewer than 2 values: no bootstrap interval"
        return out

    def statistic(x, y, axis=-1):
        return np.quantile(x, q, axis=axis, method=method) - np.quantile(
            y, q, axis=axis, method=method
        )

    low, high, se = _percentile_bootstrap((t, c), statistic, n_boot, confidence, random_state)
    out.update(ci_low=low, ci_high=high, se=se)
    return out


def _order_stat_interval(sorted_x: np.ndarray, q: float, confidence: float) -> tuple[float, float]:
    """Distribution-free interval for the q-quantile: the order statistics x_(l), x_(u) with
    l = binom.ppf(a/2, n, q) and u = binom.ppf(1 - a/2, n, q) + 1 (1-based, clipped to
    1..n), so that P(x_(l) <= xi_q <= x_(u)) >= confidence for continuous data."""
    n = sorted_x.size
    alpha = 1.0 - confidence
    lo = int(stats.binom.ppf(alpha / 2.0, n, q))
    hi = int(stats.binom.ppf(1.0 - alpha / 2.0, n, q)) + 1
    lo, hi = min(max(lo, 1), n), min(max(hi, 1), n)
    return float(sorted_x[lo - 1]), float(sorted_x[hi - 1])


def quantile_shift_ci_order_stat(
    treatment_values: Any,
    control_values: Any,
    q: float,
    confidence: float = 0.95,
    method: str = "linear",
) -> dict:
    """Difference of q-quantiles (treatment - control) with an order-statistic interval.

    For large samples, where a bootstrap of quantiles costs n_boot sorts of each arm. Each
    arm's quantile gets its distribution-free order-statistic interval (binomial ranks,
    ``_order_stat_interval``); its width gives a standard error se = width / (2 z) (the
    Price & Bonett approach for medians), and the difference gets
    estimate +/- z sqrt(se_t**2 + se_c**2). O(n log n); written by hand because scipy has
    no interval for a quantile difference. Needs a few dozen values per arm to be
    trustworthy (the bootstrap is the choice for small samples).

    Returns the keys of :func:`quantile_shift_ci` (``n_boot`` is 0, ``se`` the combined
    standard error) with the same degenerate cases.
    """
    confidence = _check_confidence(confidence)
    q = float(q)
    if not 0.0 <= q <= 1.0:
        raise ValueError(f"q must be in [0, 1], got {q}")
    t = np.sort(_clean(treatment_values, "treatment_values"))
    c = np.sort(_clean(control_values, "control_values"))
    out: dict[str, Any] = {
        "estimate": NAN, "treatment_quantile": NAN, "control_quantile": NAN,
        "ci_low": NAN, "ci_high": NAN, "se": NAN, "n_t": int(t.size), "n_c": int(c.size),
        "q": q, "n_boot": 0, "confidence": confidence, "reason": None,
    }
    if t.size == 0 or c.size == 0:
        out["reason"] = "an arm has no values"
        return out
    qt = float(np.quantile(t, q, method=method))
    qc = float(np.quantile(c, q, method=method))
    out.update(estimate=qt - qc, treatment_quantile=qt, control_quantile=qc)
    if t.size < 2 or c.size < 2:
        out["reason"] = "an arm has fewer than 2 values: no interval"
        return out
    z = float(stats.norm.ppf(0.5 + confidence / 2.0))
    se_parts = []
    for arr in (t, c):
        lo, hi = _order_stat_interval(arr, q, confidence)
        se_parts.append((hi - lo) / (2.0 * z))
    se = math.sqrt(se_parts[0] ** 2 + se_parts[1] ** 2)
    out.update(ci_low=out["estimate"] - z * se, ci_high=out["estimate"] + z * se, se=se)
    return out


# --------------------------------------------------------------------------------------
# mean differences: Welch, difference-in-differences, CUPED
# --------------------------------------------------------------------------------------


def welch_ttest(a: Any, b: Any, confidence: float = 0.95) -> dict:
    """Welch's t-test for mean(a) - mean(b), with a two-sided confidence interval.

    The p-value is ``scipy.stats.ttest_ind(a, b, equal_var=False).pvalue``. The interval is
    diff +/- t_{df}(1 - (1-confidence)/2) * se with se = sqrt(var_a/n_a + var_b/n_b) and the
    Welch-Satterthwaite df; it equals ``ttest_ind(...).confidence_interval()`` (a test checks
    it). se and df are computed by hand so that they can be reported and so that the
    zero-variance case gives a clear reason rather than scipy's NaN/inf.

    Missing values are dropped. Returns ``estimate``, ``mean_a``, ``mean_b``, ``n_a``,
    ``n_b``, ``se``, ``df``, ``statistic``, ``p_value``, ``ci_low``, ``ci_high``,
    ``confidence``, ``reason``. Needs at least 2 values per group and some variance.
    """
    confidence = _check_confidence(confidence)
    a = _clean(a, "a")
    b = _clean(b, "b")
    out: dict[str, Any] = {
        "estimate": NAN,
        "mean_a": float(np.mean(a)) if a.size else NAN,
        "mean_b": float(np.mean(b)) if b.size else NAN,
        "n_a": int(a.size),
        "n_b": int(b.size),
        "se": NAN,
        "df": NAN,
        "statistic": NAN,
        "p_value": NAN,
        "ci_low": NAN,
        "ci_high": NAN,
        "confidence": confidence,
        "reason": None,
    }
    if a.size and b.size:
        out["estimate"] = out["mean_a"] - out["mean_b"]
    if a.size < 2 or b.size < 2:
        out["reason"] = "a group has fewer than 2 values"
        return out
    va = float(np.var(a, ddof=1)) / a.size
    vb = float(np.var(b, ddof=1)) / b.size
    if va + vb == 0.0:
        out["reason"] = "zero variance in both groups"
        return out
    se = math.sqrt(va + vb)
    df = (va + vb) ** 2 / (va**2 / (a.size - 1) + vb**2 / (b.size - 1))
    half = float(stats.t.ppf(0.5 + confidence / 2.0, df)) * se
    with warnings.catch_warnings():
        # scipy warns about "precision loss" when one group is constant (e.g. all zeros);
        # that case is legitimate here and handled by the se/df computed above.
        warnings.filterwarnings("ignore", message="Precision loss", category=RuntimeWarning)
        res = stats.ttest_ind(a, b, equal_var=False)
    out.update(
        se=se,
        df=df,
        statistic=float(res.statistic),
        p_value=float(res.pvalue),
        ci_low=out["estimate"] - half,
        ci_high=out["estimate"] + half,
    )
    return out


def diff_in_diff(
    pre_t: Any, post_t: Any, pre_c: Any, post_c: Any, confidence: float = 0.95
) -> dict:
    """Difference-in-differences of per-customer before/after metrics.

    Each customer's change is post - pre; the estimate is mean change (treatment) - mean
    change (control), with Welch's CI and p-value on the changes (``welch_ttest``). Using the
    per-customer changes makes the before/after pairing explicit; the arms are independent.

    ``pre_x`` and ``post_x`` are aligned per customer (same length); a pair with a missing
    side is dropped. Returns the ``welch_ttest`` keys (``estimate`` is the DiD, ``n_t``/``n_c``
    instead of ``n_a``/``n_b``) plus ``mean_change_t``, ``mean_change_c``, ``mean_pre_t``,
    ``mean_post_t``, ``mean_pre_c``, ``mean_post_c``.
    """
    pre_t, post_t = _clean_pairs(pre_t, post_t, "t")
    pre_c, post_c = _clean_pairs(pre_c, post_c, "c")
    res = welch_ttest(post_t - pre_t, post_c - pre_c, confidence)

    def _mean(x):
        return float(np.mean(x)) if x.size else NAN

    return {
        "estimate": res["estimate"],
        "ci_low": res["ci_low"],
        "ci_high": res["ci_high"],
        "se": res["se"],
        "df": res["df"],
        "statistic": res["statistic"],
        "p_value": res["p_value"],
        "n_t": res["n_a"],
        "n_c": res["n_b"],
        "mean_change_t": res["mean_a"],
        "mean_change_c": res["mean_b"],
        "mean_pre_t": _mean(pre_t),
        "mean_post_t": _mean(post_t),
        "mean_pre_c": _mean(pre_c),
        "mean_post_c": _mean(post_c),
        "confidence": res["confidence"],
        "reason": res["reason"],
    }


def cuped_effect(
    pre_t: Any, post_t: Any, pre_c: Any, post_c: Any, confidence: float = 0.95
) -> dict:
    """Treatment effect on the post metric with CUPED variance reduction.

    CUPED (Deng et al., 2013) with the pre-period metric as covariate:
    theta = cov(pre, post) / var(pre) on the pooled sample of both arms (``np.cov``),
    adjusted post = post - theta * (pre - mean(pre_pooled)); the estimate is the difference
    of mean adjusted post (treatment - control) with Welch's CI (``welch_ttest``). Pooling
    keeps the same theta for both arms, which is what keeps the estimator unbiased under
    randomisation; the CI treats theta as known (standard practice, negligible for the
    sample sizes of a rollout).

    Also reported: ``theta``, ``variance_ratio`` = var(adjusted) / var(post) on the pooled
    sample, ``variance_reduction`` = 1 - variance_ratio (= squared pre/post correlation),
    and the unadjusted difference of post means with its Welch CI (``unadjusted_*``) for
    comparison. If pre has no variance theta is 0 (no adjustment) and ``reason`` says so.
    Pairs with a missing side are dropped.
    """
    pre_t, post_t = _clean_pairs(pre_t, post_t, "t")
    pre_c, post_c = _clean_pairs(pre_c, post_c, "c")
    pre = np.concatenate([pre_t, pre_c])
    post = np.concatenate([post_t, post_c])

    theta, var_ratio, theta_reason = NAN, NAN, None
    if pre.size >= 2:
        cov = np.cov(pre, post, ddof=1)
        if cov[0, 0] > 0:
            theta = float(cov[0, 1] / cov[0, 0])
        else:
            theta, theta_reason = 0.0, "pre-period metric has no variance: no adjustment"
    else:
        theta_reason = "fewer than 2 customers"

    adj_theta = theta if math.isfinite(theta) else 0.0
    pre_mean = float(np.mean(pre)) if pre.size else 0.0
    adj_t = post_t - adj_theta * (pre_t - pre_mean)
    adj_c = post_c - adj_theta * (pre_c - pre_mean)
    if post.size >= 2:
        var_post = float(np.var(post, ddof=1))
        if var_post > 0:
            var_adj = float(np.var(np.concatenate([adj_t, adj_c]), ddof=1))
            var_ratio = var_adj / var_post

    adjusted = welch_ttest(adj_t, adj_c, confidence)
    plain = welch_ttest(post_t, post_c, confidence)
    return {
        "estimate": adjusted["estimate"],
        "ci_low": adjusted["ci_low"],
        "ci_high": adjusted["ci_high"],
        "se": adjusted["se"],
        "df": adjusted["df"],
        "p_value": adjusted["p_value"],
        "theta": theta,
        "variance_ratio": var_ratio,
        "variance_reduction": 1.0 - var_ratio,
        "unadjusted_estimate": plain["estimate"],
        "unadjusted_ci_low": plain["ci_low"],
        "unadjusted_ci_high": plain["ci_high"],
        "unadjusted_se": plain["se"],
        "n_t": adjusted["n_a"],
        "n_c": adjusted["n_b"],
        "confidence": adjusted["confidence"],
        "reason": _join_reasons(theta_reason, adjusted["reason"]),
    }


# --------------------------------------------------------------------------------------
# incremental revenue and ROI
# --------------------------------------------------------------------------------------


def _per_contact_values(values: Any, n: int, total: float, name: str) -> np.ndarray:
    """Per-contacted-customer revenue, zero-padded to n; must agree with the given sum."""
    arr = _as_float_array(values, name)
    arr = np.where(np.isnan(arr), 0.0, arr)
    if arr.size > n:
        raise ValueError(f"{name} has {arr.size} values for {n} contacted customers")
    if not np.isclose(arr.sum(), total, rtol=1e-6, atol=1e-6):
        raise ValueError(f"{name} sums to {arr.sum()}, but the revenue sum given is {total}")
    return np.concatenate([arr, np.zeros(n - arr.size)])


def incremental_summary(
    n_t: int,
    responders_t: int,
    revenue_t_sum: float,
    n_c: int,
    responders_c: int,
    revenue_c_sum: float,
    cost_per_contact: float,
    fixed_cost: float,
    revenue_t_values: Any = None,
    revenue_c_values: Any = None,
    n_boot: int = 2000,
    random_state: Any = 0,
    confidence: float = 0.95,
) -> dict:
    """Response rates, uplift, incremental responders and revenue, cost and ROI.

    * response rates per arm; ``uplift`` = rate_t - rate_c with Newcombe's hybrid score CI;
    * ``incremental_responders`` = uplift * n_t (CI scaled the same way);
    * ``incremental_revenue`` = (revenue_t_sum / n_t - revenue_c_sum / n_c) * n_t, i.e. the
      revenue per *contacted* customer difference scaled to the treated population;
    * ``cost`` = cost_per_contact * n_t + fixed_cost. Only the treatment arm is contacted;
      the control arm is a hold-out and costs nothing;
    * ``roi`` = (incremental_revenue - cost) / cost (NaN if cost is 0).

    When ``revenue_t_values`` and ``revenue_c_values`` (revenue per contacted customer, 0
    for non-responders) are both given, incremental revenue gets a percentile bootstrap CI
    (``scipy.stats.bootstrap``, arms resampled independently, ``random_state`` seeded). A
    list shorter than n is padded with zeros (customers without a response row earned
    nothing); the values must sum to the ``revenue_*_sum`` given. The ROI CI is the same
    interval mapped through (x - cost) / cost: that map is increasing when cost > 0 and a
    percentile interval commutes with increasing maps, so no second bootstrap is needed.
    Without per-customer values the revenue and ROI CIs are NaN and ``reason`` says so.
    """
    confidence = _check_confidence(confidence)
    n_t = _as_count(n_t, "n_t")
    n_c = _as_count(n_c, "n_c")
    k_t = _as_count(responders_t, "responders_t")
    k_c = _as_count(responders_c, "responders_c")
    if k_t > n_t or k_c > n_c:
        raise ValueError("responders exceed contacts")
    revenue_t_sum, revenue_c_sum = float(revenue_t_sum), float(revenue_c_sum)
    cost = float(cost_per_contact) * n_t + float(fixed_cost)
    if cost < 0:
        raise ValueError(f"cost must be >= 0, got {cost}")

    out: dict[str, Any] = {
        "n_t": n_t,
        "n_c": n_c,
        "responders_t": k_t,
        "responders_c": k_c,
        "response_rate_t": k_t / n_t if n_t else NAN,
        "response_rate_c": k_c / n_c if n_c else NAN,
        "uplift": NAN,
        "uplift_ci_low": NAN,
        "uplift_ci_high": NAN,
        "incremental_responders": NAN,
        "incremental_responders_ci_low": NAN,
        "incremental_responders_ci_high": NAN,
        "revenue_per_contact_t": revenue_t_sum / n_t if n_t else NAN,
        "revenue_per_contact_c": revenue_c_sum / n_c if n_c else NAN,
        "incremental_revenue": NAN,
        "incremental_revenue_ci_low": NAN,
        "incremental_revenue_ci_high": NAN,
        "cost": cost,
        "roi": NAN,
        "roi_ci_low": NAN,
        "roi_ci_high": NAN,
        "confidence": confidence,
        "n_boot": int(n_boot),
        "reason": None,
    }
    if n_t == 0 or n_c == 0:
        out["reason"] = "an arm has n = 0"
        return out

    uplift, up_low, up_high, _ = _newcombe_difference(k_t, n_t, k_c, n_c, confidence)
    inc_rev = (out["revenue_per_contact_t"] - out["revenue_per_contact_c"]) * n_t
    out.update(
        uplift=uplift,
        uplift_ci_low=up_low,
        uplift_ci_high=up_high,
        incremental_responders=uplift * n_t,
        incremental_responders_ci_low=up_low * n_t,
        incremental_responders_ci_high=up_high * n_t,
        incremental_revenue=inc_rev,
    )
    reasons: list[str | None] = []
    if cost > 0:
        out["roi"] = (inc_rev - cost) / cost
    else:
        reasons.append("cost is 0: ROI undefined")

    if revenue_t_values is None or revenue_c_values is None:
        reasons.append("per-customer revenue not given: no revenue/ROI interval")
    elif n_t < 2 or n_c < 2:
        reasons.append("an arm has fewer than 2 customers: no bootstrap interval")
    else:
        rt = _per_contact_values(revenue_t_values, n_t, revenue_t_sum, "revenue_t_values")
        rc = _per_contact_values(revenue_c_values, n_c, revenue_c_sum, "revenue_c_values")

        def statistic(x, y, axis=-1):
            return (np.mean(x, axis=axis) - np.mean(y, axis=axis)) * n_t

        low, high, _ = _percentile_bootstrap((rt, rc), statistic, n_boot, confidence, random_state)
        out.update(incremental_revenue_ci_low=low, incremental_revenue_ci_high=high)
        if cost > 0:
            out.update(roi_ci_low=(low - cost) / cost, roi_ci_high=(high - cost) / cost)
    out["reason"] = _join_reasons(*reasons)
    return out


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


# --------------------------------------------------------------------------------------
# tidy comparison for dbt
# --------------------------------------------------------------------------------------

COMPARE_ARMS_COLUMNS = (
    "campaign_id", "arm", "metric", "period", *QUARTILE_KEYS, "reason",
)


def compare_arms(
    df: pd.DataFrame,
    metric_cols: Sequence[str] | None = None,
    arm_col: str = "arm",
    period_col: str = "period",
    campaign_col: str | None = "campaign_id",
    metric_col: str = "metric",
    value_col: str = "value",
    method: str = "linear",
) -> pd.DataFrame:
    """Quartile summary per campaign x arm x metric x period, as a tidy DataFrame.

    Input is one row per customer (x period). Two layouts:

    * wide: ``metric_cols`` names the metric columns (e.g. ``["revenue", "orders"]``);
    * long: ``metric_cols=None`` and the frame has ``metric_col`` / ``value_col`` columns.

    Output columns are ``COMPARE_ARMS_COLUMNS``: ``campaign_id``, ``arm``, ``metric``,
    ``period``, then ``quartile_summary``'s keys (``n``, ``n_missing``, ``mean``, ``q1``,
    ``median``, ``q3``, ``n_nonzero``, ``nz_q1``, ``nz_median``, ``nz_q3``) and ``reason``,
    whatever the input columns are called, so the SQL downstream has a fixed schema.
    ``campaign_id`` is passed through from ``campaign_col`` and is null when the frame has
    no such column. Rows are sorted by campaign, arm, metric, period (plain value order, so
    "post" sorts before "pre"); missing group keys form their own group rather than being
    dropped.
    """
    missing = [c for c in (arm_col, period_col) if c not in df.columns]
    if metric_cols is None:
        missing += [c for c in (metric_col, value_col) if c not in df.columns]
    else:
        metric_cols = list(metric_cols)
        missing += [c for c in metric_cols if c not in df.columns]
    if missing:
        raise ValueError(f"columns not in df: {missing}")

    has_campaign = campaign_col is not None and campaign_col in df.columns
    cols = {arm_col: "arm", period_col: "period"}
    if has_campaign:
        cols[campaign_col] = "campaign_id"
    if metric_cols is None:
        long = df[[*cols, metric_col, value_col]].rename(
            columns={**cols, metric_col: "metric", value_col: "value"}
        )
    else:
        long = df[[*cols, *metric_cols]].rename(columns=cols).melt(
            id_vars=list(cols.values()), value_vars=metric_cols,
            var_name="metric", value_name="value",
        )
    if not has_campaign:
        long["campaign_id"] = None

    keys = ["campaign_id", "arm", "metric", "period"]
    rows = []
    if len(long):
        grouped = long.groupby(keys, sort=True, dropna=False)["value"]
        for key, values in grouped:
            rows.append({**dict(zip(keys, key)), **quartile_summary(values, method=method)})

    out = pd.DataFrame(rows, columns=list(COMPARE_ARMS_COLUMNS))
    for col in ("n", "n_missing", "n_nonzero"):
        out[col] = out[col].astype("int64")
    for col in ("mean", "q1", "median", "q3", "nz_q1", "nz_median", "nz_q3"):
        out[col] = out[col].astype("float64")
    return out.reset_index(drop=True)
