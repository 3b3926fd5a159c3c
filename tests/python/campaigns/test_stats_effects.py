"""Tests for customer_activation.campaigns.stats (effects, CUPED, incremental summary, corrections, arm comparison).

Every statistic is checked against scipy/numpy on the same numbers, plus simulated
experiments with a known effect and the degenerate inputs a campaign table produces.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from customer_activation.campaigns import stats as cs
from customer_activation.campaigns.stats.pilot import _newcombe_difference
from scipy import stats

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
    d, lo, hi, _ = _newcombe_difference(80, 1_000, 25, 500, 0.95)
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
