"""Tests for customer_activation.campaigns.stats (quartiles and quantile shifts).

Every statistic is checked against scipy/numpy on the same numbers, plus simulated
experiments with a known effect and the degenerate inputs a campaign table produces.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from customer_activation.campaigns import stats as cs
from customer_activation.campaigns.stats.quartiles import _order_stat_interval
from scipy import stats

# --------------------------------------------------------------------------------------
# quartiles
# --------------------------------------------------------------------------------------


def test_quartile_summary_matches_numpy_and_pandas():
    rng = np.random.default_rng(3)
    values = np.where(rng.random(501) < 0.6, 0.0, rng.lognormal(3, 1, 501))
    res = cs.quartile_summary(values)
    q = np.quantile(values, [0.25, 0.5, 0.75], method="linear")
    nz = values[values != 0]
    qnz = np.quantile(nz, [0.25, 0.5, 0.75], method="linear")
    assert (res["q1"], res["median"], res["q3"]) == pytest.approx(tuple(q))
    assert (res["nz_q1"], res["nz_median"], res["nz_q3"]) == pytest.approx(tuple(qnz))
    assert res["n"] == 501 and res["n_nonzero"] == nz.size and res["n_missing"] == 0
    assert res["mean"] == pytest.approx(values.mean())
    s = pd.Series(values)
    assert res["q3"] == pytest.approx(s.quantile(0.75))
    other = cs.quartile_summary(values, method="median_unbiased")
    assert other["q1"] == pytest.approx(np.quantile(values, 0.25, method="median_unbiased"))


def test_quartile_summary_missing_values_dropped():
    s = pd.Series([1.0, None, 3.0, 0.0], dtype="Float64")
    res = cs.quartile_summary(s)
    assert res["n"] == 3 and res["n_missing"] == 1 and res["n_nonzero"] == 2
    assert res["median"] == pytest.approx(1.0)


def test_quartile_summary_degenerate():
    empty = cs.quartile_summary([])
    assert empty["n"] == 0 and math.isnan(empty["median"]) and empty["reason"] == "no values"
    zeros = cs.quartile_summary(np.zeros(10))
    assert zeros["median"] == 0.0 and zeros["n_nonzero"] == 0
    assert math.isnan(zeros["nz_median"]) and zeros["reason"] == "no non-zero values"
    one = cs.quartile_summary([4.0])
    assert one["q1"] == one["median"] == one["q3"] == one["nz_q3"] == 4.0
    assert set(cs.QUARTILE_KEYS) | {"reason"} == set(one)


# --------------------------------------------------------------------------------------
# quantile shift bootstrap
# --------------------------------------------------------------------------------------


def test_quantile_shift_point_estimate_and_determinism():
    rng = np.random.default_rng(11)
    t = rng.exponential(2.0, 400)
    c = rng.exponential(1.0, 300)
    a = cs.quantile_shift_ci(t, c, 0.5, n_boot=1000, random_state=42)
    b = cs.quantile_shift_ci(t, c, 0.5, n_boot=1000, random_state=42)
    other = cs.quantile_shift_ci(t, c, 0.5, n_boot=1000, random_state=43)
    assert a == b
    assert (a["ci_low"], a["ci_high"]) != (other["ci_low"], other["ci_high"])
    assert a["estimate"] == pytest.approx(np.quantile(t, 0.5) - np.quantile(c, 0.5))
    assert a["ci_low"] < a["estimate"] < a["ci_high"]
    assert a["se"] > 0 and a["reason"] is None


def test_quantile_shift_covers_known_shift():
    # a pure location shift of 3: every quantile differs by exactly 3
    rng = np.random.default_rng(5)
    c = rng.normal(10, 2, 2_000)
    t = rng.normal(13, 2, 2_000)
    for q in (0.25, 0.5, 0.75):
        res = cs.quantile_shift_ci(t, c, q, n_boot=1000, random_state=0)
        assert res["ci_low"] < 3.0 < res["ci_high"]
        assert res["ci_high"] - res["ci_low"] < 1.0


def test_quantile_shift_matches_manual_percentile_bootstrap_in_distribution():
    """Same statistic by a plain numpy bootstrap: the intervals agree up to MC error."""
    rng = np.random.default_rng(8)
    t, c = rng.gamma(2, 3, 300), rng.gamma(2, 2, 300)
    res = cs.quantile_shift_ci(t, c, 0.75, n_boot=4000, random_state=1)
    r = np.random.default_rng(99)
    boots = np.quantile(t[r.integers(0, 300, (4000, 300))], 0.75, axis=1) - np.quantile(
        c[r.integers(0, 300, (4000, 300))], 0.75, axis=1
    )
    lo, hi = np.quantile(boots, [0.025, 0.975])
    width = hi - lo
    assert res["ci_low"] == pytest.approx(lo, abs=0.1 * width)
    assert res["ci_high"] == pytest.approx(hi, abs=0.1 * width)


def test_quantile_shift_degenerate():
    empty = cs.quantile_shift_ci([], [1.0, 2.0], 0.5)
    assert math.isnan(empty["estimate"]) and empty["reason"] == "an arm has no values"
    one = cs.quantile_shift_ci([5.0], [1.0, 2.0], 0.5)
    assert one["estimate"] == pytest.approx(3.5) and math.isnan(one["ci_low"])
    assert "fewer than 2" in one["reason"]
    zeros = cs.quantile_shift_ci(np.zeros(50), np.zeros(40), 0.5)
    assert zeros["estimate"] == 0.0 and zeros["ci_low"] == zeros["ci_high"] == 0.0
    with pytest.raises(ValueError):
        cs.quantile_shift_ci([1, 2], [1, 2], 1.5)


def test_order_stat_interval_uses_binomial_ranks():
    x = np.sort(np.random.default_rng(3).normal(size=501))
    lo, hi = _order_stat_interval(x, 0.5, 0.95)
    l_rank = int(stats.binom.ppf(0.025, 501, 0.5))
    u_rank = int(stats.binom.ppf(0.975, 501, 0.5)) + 1
    assert (lo, hi) == (x[l_rank - 1], x[u_rank - 1])
    # exact coverage of [x_(l), x_(u)] for continuous data is at least the confidence
    coverage = stats.binom.cdf(u_rank - 1, 501, 0.5) - stats.binom.cdf(l_rank - 1, 501, 0.5)
    assert coverage >= 0.95


def test_order_stat_quantile_shift_matches_asymptotics_and_the_bootstrap():
    rng = np.random.default_rng(4)
    n = 20_000
    t, c = rng.normal(0.3, 1, n), rng.normal(0, 1, n)
    res = cs.quantile_shift_ci_order_stat(t, c, 0.5)
    assert res["estimate"] == pytest.approx(np.median(t) - np.median(c))
    # asymptotic se of a normal median: sqrt(q (1 - q) / n) / pdf(median), both arms
    se = math.sqrt(2 * 0.25 / n) / stats.norm.pdf(0)
    assert res["se"] == pytest.approx(se, rel=0.1)
    assert res["ci_low"] < 0.3 < res["ci_high"]
    assert res["n_boot"] == 0
    boot = cs.quantile_shift_ci(t[:4000], c[:4000], 0.75, n_boot=1000, random_state=0)
    os_ = cs.quantile_shift_ci_order_stat(t[:4000], c[:4000], 0.75)
    width_b, width_o = boot["ci_high"] - boot["ci_low"], os_["ci_high"] - os_["ci_low"]
    assert width_o == pytest.approx(width_b, rel=0.2)


def test_order_stat_quantile_shift_covers_a_known_shift():
    rng = np.random.default_rng(5)
    hits = 0
    for _ in range(200):
        t, c = rng.exponential(1, 400) + 0.5, rng.exponential(1, 400)
        res = cs.quantile_shift_ci_order_stat(t, c, 0.5)
        hits += res["ci_low"] <= 0.5 <= res["ci_high"]
    assert hits / 200 >= 0.9


def test_order_stat_quantile_shift_degenerate():
    assert cs.quantile_shift_ci_order_stat([], [1.0], 0.5)["reason"] == "an arm has no values"
    one = cs.quantile_shift_ci_order_stat([2.0], [1.0, 3.0], 0.5)
    assert one["estimate"] == 0.0 and math.isnan(one["ci_low"]) and "fewer than 2" in one["reason"]
    zeros = cs.quantile_shift_ci_order_stat(np.zeros(500), np.zeros(500), 0.5)
    assert zeros["ci_low"] == zeros["ci_high"] == 0.0
    with pytest.raises(ValueError):
        cs.quantile_shift_ci_order_stat([1, 2], [1, 2], -0.1)
