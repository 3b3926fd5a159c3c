"""Tests for customer_activation.campaigns.stats (SRM, proportions, the pilot gate).

Every statistic is checked against scipy/numpy on the same numbers, plus simulated
experiments with a known effect and the degenerate inputs a campaign table produces.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from customer_activation.campaigns import stats as cs
from customer_activation.campaigns.stats.pilot import _newcombe_difference
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
    d, low, high, reason = _newcombe_difference(56, 70, 48, 80, 0.95)
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
