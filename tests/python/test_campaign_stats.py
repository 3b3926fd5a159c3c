"""Tests for customer_activation.campaign_stats.

Every statistic is checked against scipy/numpy on the same numbers, plus simulated
experiments with a known effect and the degenerate inputs a campaign table produces.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from customer_activation import campaign_stats as cs
from scipy import stats

# --------------------------------------------------------------------------------------
# SRM
# --------------------------------------------------------------------------------------


def test_srm_matches_scipy_chisquare():
    counts = {"treatment": 9_100, "control": 900}
    res = cs.srm_check(counts, {"treatment": 0.9, "control": 0.1})
    ref = stats.chisquare([9_100, 900], [9_000, 1_000])
    assert res["statistic"] == pytest.approx(ref.statistic)
    assert res["p_value"] == pytest.approx(ref.pvalue)
    assert res["dof"] == 1
    assert res["is_mismatch"] is True  # p ~ 0.00086 < 0.001
    assert res["expected"] == {"treatment": 9_000.0, "control": 1_000.0}
    assert res["reason"] is None


def test_srm_shares_are_normalised_and_missing_arm_counts_zero():
    a = cs.srm_check({"a": 480, "b": 520, "c": 0}, {"a": 1, "b": 1, "c": 0})
    b = cs.srm_check({"a": 480, "b": 520}, {"a": 0.5, "b": 0.5})
    assert a["p_value"] == pytest.approx(b["p_value"])
    assert a["is_mismatch"] is False
    three = cs.srm_check({"a": 100, "b": 120}, {"a": 1, "b": 1, "c": 1})
    ref = stats.chisquare([100, 120, 0], [220 / 3] * 3)
    assert three["p_value"] == pytest.approx(ref.pvalue)
    assert three["dof"] == 2


def test_srm_degenerate_and_invalid():
    empty = cs.srm_check({"t": 0, "c": 0}, {"t": 0.5, "c": 0.5})
    assert math.isnan(empty["p_value"]) and empty["is_mismatch"] is None
    assert empty["reason"] == "no customers assigned"
    impossible = cs.srm_check({"t": 10, "c": 3}, {"t": 1.0, "c": 0.0})
    assert impossible["is_mismatch"] is True and impossible["p_value"] == 0.0
    single = cs.srm_check({"t": 10}, {"t": 1.0})
    assert single["is_mismatch"] is None and "two arms" in single["reason"]
    with pytest.raises(ValueError):
        cs.srm_check({"t": 10, "x": 1}, {"t": 1.0})
    with pytest.raises(ValueError):
        cs.srm_check({"t": -1, "c": 1}, {"t": 0.5, "c": 0.5})


# --------------------------------------------------------------------------------------
# proportions, pilot gate, sample size
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["wilson", "wilsoncc", "exact"])
@pytest.mark.parametrize("k,n", [(0, 20), (3, 10), (57, 1_000), (20, 20)])
def test_proportion_ci_matches_binomtest(method, k, n):
    res = cs.proportion_ci(k, n, confidence=0.9, method=method)
    ref = stats.binomtest(k, n).proportion_ci(confidence_level=0.9, method=method)
    assert res["estimate"] == pytest.approx(k / n)
    assert res["ci_low"] == pytest.approx(ref.low)
    assert res["ci_high"] == pytest.approx(ref.high)


def test_wilson_matches_closed_form():
    k, n, z = 12, 150, stats.norm.ppf(0.975)
    p = k / n
    centre = (p + z**2 / (2 * n)) / (1 + z**2 / n)
    half = z / (1 + z**2 / n) * math.sqrt(p * (1 - p) / n + z**2 / (4 * n**2))
    res = cs.proportion_ci(k, n)
    assert res["ci_low"] == pytest.approx(centre - half)
    assert res["ci_high"] == pytest.approx(centre + half)


def test_proportion_ci_degenerate_and_invalid():
    res = cs.proportion_ci(0, 0)
    assert math.isnan(res["estimate"]) and res["reason"] == "n = 0"
    for bad in [(5, 3), (-1, 3), (1.5, 3)]:
        with pytest.raises(ValueError):
            cs.proportion_ci(*bad)
    with pytest.raises(ValueError):
        cs.proportion_ci(1, 3, method="wald")
    with pytest.raises(ValueError):
        cs.proportion_ci(1, 3, confidence=1.0)


def test_newcombe_interval_matches_published_example():
    # Newcombe (1998), Stat Med 17:873-890, example (a): 56/70 vs 48/80, method 10.
    d, low, high, reason = cs._newcombe_difference(56, 70, 48, 80, 0.95)
    assert d == pytest.approx(0.2)
    assert low == pytest.approx(0.0524, abs=1e-4)
    assert high == pytest.approx(0.3339, abs=1e-4)
    assert reason is None


def test_pilot_gate_pass():
    res = cs.pilot_gate(30, 400, predicted_mean=0.08, control_responses=20, n_control=400)
    ci = stats.binomtest(30, 400).proportion_ci(method="wilson")
    assert res["status"] == "pass" and res["reason"] is None
    assert res["ci_low"] == pytest.approx(ci.low) and res["ci_high"] == pytest.approx(ci.high)
    assert res["effect"] == pytest.approx(30 / 400 - 20 / 400)
    assert res["effect_ci_low"] < res["effect"] < res["effect_ci_high"]


def test_pilot_gate_fail_and_tolerance():
    # observed 7.5% (Wilson 95% CI about 5.3%-10.5%), model predicted 12%
    res = cs.pilot_gate(30, 400, predicted_mean=0.12, control_responses=20, n_control=400)
    assert res["status"] == "fail"
    assert "outside" in res["reason"]
    assert res["prediction_error"] == pytest.approx(0.075 - 0.12)
    widened = cs.pilot_gate(30, 400, 0.12, 20, 400, tolerance=0.02)
    assert widened["status"] == "pass"
    assert widened["accept_high"] == pytest.approx(res["ci_high"] + 0.02)
    below = cs.pilot_gate(30, 400, 0.01, 20, 400)
    assert below["status"] == "fail"


def test_pilot_gate_insufficient_sample():
    res = cs.pilot_gate(3, 40, 0.08, 2, 40, min_n=100)
    assert res["status"] == "insufficient_sample"
    assert "min_n" in res["reason"]
    assert res["observed_rate"] == pytest.approx(3 / 40)  # numbers still reported
    zero = cs.pilot_gate(0, 0, 0.08, 0, 0, min_n=0)
    assert zero["status"] == "insufficient_sample"
    assert math.isnan(zero["ci_low"]) and math.isnan(zero["effect"])
    assert "effect" in zero["reason"]


def test_pilot_gate_empty_control_still_gates():
    res = cs.pilot_gate(30, 400, 0.08, 0, 0)
    assert res["status"] == "pass"
    assert math.isnan(res["effect"]) and "n = 0" in res["reason"]


def test_pilot_gate_invalid_inputs():
    with pytest.raises(ValueError):
        cs.pilot_gate(30, 400, float("nan"), 20, 400)
    with pytest.raises(ValueError):
        cs.pilot_gate(30, 400, 1.5, 20, 400)
    with pytest.raises(ValueError):
        cs.pilot_gate(30, 400, 0.1, 500, 400)


def test_recommended_pilot_size_textbook_value():
    # Fleiss without continuity correction: 10% vs 15%, alpha 0.05, power 0.8 -> 686 per arm
    res = cs.recommended_pilot_size(0.10, 0.05)
    assert res["n_treatment"] == 686 and res["n_control"] == 686
    z_a, z_b = stats.norm.ppf(0.975), stats.norm.ppf(0.8)
    per_arm = (
        z_a * math.sqrt(2 * 0.125 * 0.875) + z_b * math.sqrt(0.1 * 0.9 + 0.15 * 0.85)
    ) ** 2 / 0.05**2
    assert res["n_total_exact"] == pytest.approx(2 * per_arm)


def test_recommended_pilot_size_has_the_promised_power():
    """Simulate the pooled two-proportion z-test at the recommended unequal split."""
    res = cs.recommended_pilot_size(0.05, 0.02, alpha=0.05, power=0.8, treatment_share=0.8)
    n_t, n_c = res["n_treatment"], res["n_control"]
    assert n_t / (n_t + n_c) == pytest.approx(0.8, abs=0.01)
    rng = np.random.default_rng(7)
    sims = 40_000
    k_t = rng.binomial(n_t, 0.07, sims)
    k_c = rng.binomial(n_c, 0.05, sims)
    pooled = (k_t + k_c) / (n_t + n_c)
    z = (k_t / n_t - k_c / n_c) / np.sqrt(pooled * (1 - pooled) * (1 / n_t + 1 / n_c))
    power = np.mean(np.abs(z) > stats.norm.ppf(0.975))
    assert power == pytest.approx(0.8, abs=0.015)


def test_recommended_pilot_size_invalid():
    with pytest.raises(ValueError):
        cs.recommended_pilot_size(0.95, 0.1)
    with pytest.raises(ValueError):
        cs.recommended_pilot_size(0.1, 0.0)
    with pytest.raises(ValueError):
        cs.recommended_pilot_size(0.1, 0.05, treatment_share=1.0)


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
    lo, hi = cs._order_stat_interval(x, 0.5, 0.95)
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


# --------------------------------------------------------------------------------------
# Welch, DiD, CUPED
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("confidence", [0.8, 0.95, 0.99])
def test_welch_matches_scipy(confidence):
    rng = np.random.default_rng(2)
    a, b = rng.normal(1.0, 3.0, 37), rng.normal(0.0, 1.0, 120)
    res = cs.welch_ttest(a, b, confidence)
    ref = stats.ttest_ind(a, b, equal_var=False)
    ci = ref.confidence_interval(confidence_level=confidence)
    assert res["estimate"] == pytest.approx(a.mean() - b.mean())
    assert res["p_value"] == pytest.approx(ref.pvalue)
    assert res["statistic"] == pytest.approx(ref.statistic)
    assert res["df"] == pytest.approx(ref.df)
    assert res["ci_low"] == pytest.approx(ci.low)
    assert res["ci_high"] == pytest.approx(ci.high)


def test_welch_degenerate():
    for a, b in [([], [1.0, 2.0]), ([1.0], [1.0, 2.0]), ([1.0, 2.0], [])]:
        res = cs.welch_ttest(a, b)
        assert math.isnan(res["p_value"]) and math.isnan(res["ci_low"])
        assert res["reason"] == "a group has fewer than 2 values"
    assert cs.welch_ttest([1.0], [1.0, 2.0])["estimate"] == pytest.approx(-0.5)
    flat = cs.welch_ttest([2.0, 2.0, 2.0], [1.0, 1.0])
    assert flat["estimate"] == 1.0 and math.isnan(flat["ci_low"])
    assert flat["reason"] == "zero variance in both groups"
    # one arm constant is fine: the df reduces to the other arm's
    half = cs.welch_ttest([2.0, 2.0, 2.0], [1.0, 3.0, 2.0, 5.0])
    assert half["df"] == pytest.approx(3.0) and half["reason"] is None


def _simulated_experiment(rng, n_t=3_000, n_c=3_000, effect=5.0):
    """Pre metric strongly predicts post; treatment adds ``effect`` to post only."""
    pre_t = rng.gamma(4.0, 25.0, n_t)
    pre_c = rng.gamma(4.0, 25.0, n_c)
    post_t = 20 + 0.8 * pre_t + rng.normal(0, 15, n_t) + effect
    post_c = 20 + 0.8 * pre_c + rng.normal(0, 15, n_c)
    return pre_t, post_t, pre_c, post_c


def test_did_and_cuped_cover_truth_and_cuped_is_narrower():
    rng = np.random.default_rng(2024)
    pre_t, post_t, pre_c, post_c = _simulated_experiment(rng)
    did = cs.diff_in_diff(pre_t, post_t, pre_c, post_c)
    cup = cs.cuped_effect(pre_t, post_t, pre_c, post_c)
    assert did["ci_low"] < 5.0 < did["ci_high"]
    assert cup["ci_low"] < 5.0 < cup["ci_high"]
    assert cup["unadjusted_ci_low"] < 5.0 < cup["unadjusted_ci_high"]
    cup_width = cup["ci_high"] - cup["ci_low"]
    assert cup_width < did["ci_high"] - did["ci_low"]
    assert cup_width < cup["unadjusted_ci_high"] - cup["unadjusted_ci_low"]
    pre = np.concatenate([pre_t, pre_c])
    post = np.concatenate([post_t, post_c])
    assert cup["theta"] == pytest.approx(stats.linregress(pre, post).slope)
    r = np.corrcoef(pre, post)[0, 1]
    assert cup["variance_reduction"] == pytest.approx(r**2)
    assert cup["variance_ratio"] == pytest.approx(1 - r**2)
    assert did["p_value"] < 0.05 and cup["p_value"] < did["p_value"]


def test_did_and_cuped_coverage_over_repeated_experiments():
    rng = np.random.default_rng(99)
    reps, hits_did, hits_cup = 300, 0, 0
    for _ in range(reps):
        pre_t, post_t, pre_c, post_c = _simulated_experiment(rng, 300, 200, effect=5.0)
        did = cs.diff_in_diff(pre_t, post_t, pre_c, post_c, confidence=0.9)
        cup = cs.cuped_effect(pre_t, post_t, pre_c, post_c, confidence=0.9)
        hits_did += did["ci_low"] < 5.0 < did["ci_high"]
        hits_cup += cup["ci_low"] < 5.0 < cup["ci_high"]
    # nominal 0.9; binomial sd with 300 reps is about 0.017
    assert 0.85 < hits_did / reps < 0.95
    assert 0.85 < hits_cup / reps < 0.95


def test_did_is_welch_on_changes_and_drops_incomplete_pairs():
    pre_t = [1.0, 2.0, np.nan, 4.0, 3.0]
    post_t = [2.0, 4.0, 5.0, 5.0, np.nan]
    pre_c = [1.0, 1.0, 2.0, 0.0]
    post_c = [1.5, 1.0, 2.5, 0.0]
    res = cs.diff_in_diff(pre_t, post_t, pre_c, post_c)
    d_t = np.array([1.0, 2.0, 1.0])
    d_c = np.array([0.5, 0.0, 0.5, 0.0])
    ref = stats.ttest_ind(d_t, d_c, equal_var=False)
    assert res["n_t"] == 3 and res["n_c"] == 4
    assert res["estimate"] == pytest.approx(d_t.mean() - d_c.mean())
    assert res["p_value"] == pytest.approx(ref.pvalue)
    assert res["ci_low"] == pytest.approx(ref.confidence_interval().low)
    assert res["mean_pre_t"] == pytest.approx(np.mean([1.0, 2.0, 4.0]))
    with pytest.raises(ValueError):
        cs.diff_in_diff([1.0, 2.0], [1.0], [1.0], [1.0])


def test_did_and_cuped_degenerate():
    did = cs.diff_in_diff([], [], [1.0, 2.0], [2.0, 3.0])
    assert math.isnan(did["estimate"]) and did["reason"]
    cup = cs.cuped_effect([], [], [], [])
    assert math.isnan(cup["estimate"]) and math.isnan(cup["theta"]) and cup["reason"]
    one = cs.cuped_effect([1.0], [2.0], [1.0], [1.0])
    assert math.isnan(one["ci_low"]) and "fewer than 2" in one["reason"]
    zeros = cs.diff_in_diff(np.zeros(5), np.zeros(5), np.zeros(4), np.zeros(4))
    assert zeros["estimate"] == 0.0 and math.isnan(zeros["ci_low"])
    # constant pre: no adjustment, CUPED equals the plain comparison
    flat = cs.cuped_effect(np.ones(4), [1.0, 2.0, 3.0, 4.0], np.ones(3), [0.0, 1.0, 2.0])
    assert flat["theta"] == 0.0 and "no variance" in flat["reason"]
    assert flat["estimate"] == pytest.approx(flat["unadjusted_estimate"])
    assert flat["ci_low"] == pytest.approx(flat["unadjusted_ci_low"])


# --------------------------------------------------------------------------------------
# incremental revenue and ROI
# --------------------------------------------------------------------------------------


def test_incremental_summary_arithmetic():
    res = cs.incremental_summary(
        n_t=1_000, responders_t=80, revenue_t_sum=8_000.0,
        n_c=500, responders_c=25, revenue_c_sum=2_000.0,
        cost_per_contact=1.5, fixed_cost=500.0,
    )
    assert res["response_rate_t"] == pytest.approx(0.08)
    assert res["response_rate_c"] == pytest.approx(0.05)
    assert res["uplift"] == pytest.approx(0.03)
    assert res["incremental_responders"] == pytest.approx(30.0)
    assert res["incremental_revenue"] == pytest.approx((8.0 - 4.0) * 1_000)
    assert res["cost"] == pytest.approx(1.5 * 1_000 + 500.0)
    assert res["roi"] == pytest.approx((4_000 - 2_000) / 2_000)
    d, lo, hi, _ = cs._newcombe_difference(80, 1_000, 25, 500, 0.95)
    assert res["incremental_responders_ci_low"] == pytest.approx(lo * 1_000)
    assert res["incremental_responders_ci_high"] == pytest.approx(hi * 1_000)
    assert math.isnan(res["roi_ci_low"]) and "not given" in res["reason"]


def test_incremental_summary_bootstrap_ci_and_determinism():
    rng = np.random.default_rng(4)
    n_t, n_c = 2_000, 1_000
    rev_t = np.where(rng.random(n_t) < 0.10, rng.lognormal(4, 0.5, n_t), 0.0)
    rev_c = np.where(rng.random(n_c) < 0.06, rng.lognormal(4, 0.5, n_c), 0.0)
    kwargs = dict(
        n_t=n_t, responders_t=int((rev_t > 0).sum()), revenue_t_sum=rev_t.sum(),
        n_c=n_c, responders_c=int((rev_c > 0).sum()), revenue_c_sum=rev_c.sum(),
        cost_per_contact=0.5, fixed_cost=1_000.0,
    )
    a = cs.incremental_summary(**kwargs, revenue_t_values=rev_t, revenue_c_values=rev_c,
                               n_boot=1500, random_state=3)
    b = cs.incremental_summary(**kwargs, revenue_t_values=rev_t, revenue_c_values=rev_c,
                               n_boot=1500, random_state=3)
    assert a == b and a["reason"] is None
    assert a["incremental_revenue_ci_low"] < a["incremental_revenue"]
    assert a["incremental_revenue"] < a["incremental_revenue_ci_high"]
    cost = a["cost"]
    assert a["roi_ci_low"] == pytest.approx((a["incremental_revenue_ci_low"] - cost) / cost)
    assert a["roi_ci_high"] == pytest.approx((a["incremental_revenue_ci_high"] - cost) / cost)
    # the bootstrap interval agrees with Welch's normal-theory interval at this size
    w = cs.welch_ttest(rev_t, rev_c)
    width = (w["ci_high"] - w["ci_low"]) * n_t
    assert a["incremental_revenue_ci_low"] == pytest.approx(w["ci_low"] * n_t, abs=0.1 * width)
    assert a["incremental_revenue_ci_high"] == pytest.approx(w["ci_high"] * n_t, abs=0.1 * width)
    # responders only: padded with zeros to n, same answer as the explicit zeros
    def padded(v, n):
        return np.concatenate([v[v > 0], np.zeros(n - int((v > 0).sum()))])

    c = cs.incremental_summary(**kwargs, revenue_t_values=rev_t[rev_t > 0],
                               revenue_c_values=rev_c[rev_c > 0], n_boot=1500, random_state=3)
    d = cs.incremental_summary(**kwargs, revenue_t_values=padded(rev_t, n_t),
                               revenue_c_values=padded(rev_c, n_c), n_boot=1500, random_state=3)
    assert c == d


def test_incremental_summary_inconsistent_values_raise():
    with pytest.raises(ValueError):
        cs.incremental_summary(3, 1, 10.0, 3, 1, 5.0, 1.0, 0.0,
                               revenue_t_values=[9.0], revenue_c_values=[5.0])
    with pytest.raises(ValueError):
        cs.incremental_summary(2, 1, 10.0, 3, 1, 5.0, 1.0, 0.0,
                               revenue_t_values=[10.0, 0, 0], revenue_c_values=[5.0])


def test_incremental_summary_degenerate():
    res = cs.incremental_summary(100, 5, 50.0, 0, 0, 0.0, 1.0, 10.0)
    assert math.isnan(res["uplift"]) and math.isnan(res["roi"])
    assert res["reason"] == "an arm has n = 0"
    free = cs.incremental_summary(100, 5, 50.0, 100, 2, 20.0, 0.0, 0.0)
    assert free["incremental_revenue"] == pytest.approx(30.0)
    assert math.isnan(free["roi"]) and "ROI undefined" in free["reason"]
    zeros = cs.incremental_summary(50, 0, 0.0, 40, 0, 0.0, 1.0, 0.0,
                                   revenue_t_values=np.zeros(50), revenue_c_values=[])
    assert zeros["incremental_revenue"] == 0.0 and zeros["roi"] == -1.0
    assert zeros["incremental_revenue_ci_low"] == zeros["incremental_revenue_ci_high"] == 0.0
    tiny = cs.incremental_summary(1, 1, 5.0, 1, 0, 0.0, 1.0, 0.0,
                                  revenue_t_values=[5.0], revenue_c_values=[0.0])
    assert math.isnan(tiny["incremental_revenue_ci_low"]) and "fewer than 2" in tiny["reason"]


# --------------------------------------------------------------------------------------
# multiple testing
# --------------------------------------------------------------------------------------


def _holm_by_definition(p):
    """Independent, loop-based Holm: adj_(i) = max_{j<=i} min(1, (m-j+1) p_(j))."""
    p = list(p)
    m = len(p)
    order = sorted(range(m), key=lambda i: p[i])
    adj, running = [0.0] * m, 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p[i]))
        adj[i] = running
    return adj


def test_bh_matches_scipy_and_hand_example():
    rng = np.random.default_rng(0)
    p = np.concatenate([rng.uniform(0, 0.01, 5), rng.uniform(0, 1, 45)])
    assert cs.benjamini_hochberg(p) == pytest.approx(stats.false_discovery_control(p))
    hand = cs.benjamini_hochberg([0.01, 0.04, 0.03, 0.005])
    assert hand == pytest.approx([0.02, 0.04, 0.04, 0.02])


def test_holm_matches_definition_and_hand_example():
    assert cs.holm([0.01, 0.04, 0.03, 0.005]) == pytest.approx([0.03, 0.06, 0.06, 0.02])
    rng = np.random.default_rng(1)
    p = rng.uniform(0, 0.2, 30)
    p[3] = p[7]  # ties
    res = cs.holm(p)
    assert res == pytest.approx(_holm_by_definition(p))
    assert np.all(res >= p) and np.all(res <= np.minimum(1, p * p.size) + 1e-15)


def test_adjustments_keep_nan_and_series_index():
    s = pd.Series([0.01, np.nan, 0.04, 0.03], index=["a", "b", "c", "d"])
    bh = cs.benjamini_hochberg(s)
    ho = cs.holm(s)
    assert list(bh.index) == ["a", "b", "c", "d"] and math.isnan(bh["b"])
    ref = stats.false_discovery_control([0.01, 0.04, 0.03])
    assert bh[["a", "c", "d"]].to_numpy() == pytest.approx(ref)
    assert ho[["a", "c", "d"]].to_numpy() == pytest.approx(_holm_by_definition([0.01, 0.04, 0.03]))
    assert cs.benjamini_hochberg([]).size == 0 and cs.holm([]).size == 0
    assert np.isnan(cs.holm([np.nan])).all()
    with pytest.raises(ValueError):
        cs.holm([0.5, 1.2])


# --------------------------------------------------------------------------------------
# compare_arms
# --------------------------------------------------------------------------------------


def _campaign_frame():
    rng = np.random.default_rng(12)
    rows = []
    for arm, n in (("treatment", 60), ("control", 40)):
        for period in ("pre", "post"):
            revenue = np.where(rng.random(n) < 0.5, 0.0, rng.gamma(2, 30, n))
            orders = rng.poisson(1.0, n)
            rows.append(pd.DataFrame({
                "campaign_id": "c1", "customer_id": [f"{arm}{i}" for i in range(n)],
                "arm": arm, "period": period, "revenue": revenue, "orders": orders,
            }))
    return pd.concat(rows, ignore_index=True)


def test_compare_arms_wide_matches_quartile_summary():
    df = _campaign_frame()
    out = cs.compare_arms(df, ["revenue", "orders"])
    assert list(out.columns) == list(cs.COMPARE_ARMS_COLUMNS)
    assert len(out) == 2 * 2 * 2
    row = out[(out.arm == "treatment") & (out.metric == "revenue") & (out.period == "post")]
    assert len(row) == 1
    values = df.loc[(df.arm == "treatment") & (df.period == "post"), "revenue"]
    expected = cs.quartile_summary(values)
    for key in cs.QUARTILE_KEYS:
        assert row.iloc[0][key] == pytest.approx(expected[key])
    assert row.iloc[0]["median"] == pytest.approx(np.quantile(values, 0.5))
    assert (out.campaign_id == "c1").all()
    assert out["n"].dtype == "int64" and out["nz_median"].dtype == "float64"


def test_compare_arms_long_layout_and_renamed_columns():
    df = _campaign_frame()
    wide = cs.compare_arms(df, ["revenue", "orders"])
    long = df.melt(
        id_vars=["campaign_id", "arm", "period"], value_vars=["revenue", "orders"],
        var_name="kpi", value_name="amount",
    ).rename(columns={"arm": "group", "period": "window"})
    out = cs.compare_arms(long, None, arm_col="group", period_col="window",
                          metric_col="kpi", value_col="amount")
    pd.testing.assert_frame_equal(out, wide)


def test_compare_arms_degenerate():
    df = _campaign_frame()
    empty = cs.compare_arms(df.iloc[:0], ["revenue"])
    assert list(empty.columns) == list(cs.COMPARE_ARMS_COLUMNS) and len(empty) == 0
    no_campaign = cs.compare_arms(df.drop(columns="campaign_id"), ["orders"])
    assert no_campaign["campaign_id"].isna().all() and len(no_campaign) == 4
    zeros = df.assign(revenue=0.0)
    out = cs.compare_arms(zeros, ["revenue"])
    assert (out["n_nonzero"] == 0).all() and out["nz_median"].isna().all()
    assert (out["reason"] == "no non-zero values").all()
    with pytest.raises(ValueError):
        cs.compare_arms(df, ["nope"])
