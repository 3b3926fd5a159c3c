"""Mean effects with intervals: Welch's t-test and difference-in-differences."""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np
from scipy import stats

from customer_activation.campaigns.stats.common import NAN, _check_confidence, _clean, _clean_pairs

__all__ = [
    "welch_ttest",
    "diff_in_diff",
]


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
