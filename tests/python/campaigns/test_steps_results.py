"""Tests for customer_activation.campaigns.steps: the campaign loop's Python steps (results and effects).

Each step is checked against scipy/numpy on the same numbers, on synthetic campaigns with a
known effect, and on the degenerate inputs real campaign tables produce (a campaign without
contacts, an arm with no customers, a pilot without predictions, open windows).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from campaign_frames import synthetic_campaigns, synthetic_outcomes
from customer_activation.campaigns.steps import effects, frames, results
from registry_defaults import with_registry_defaults
from scipy import stats

campaign_results = with_registry_defaults(results.campaign_results, confidence="campaign_confidence", n_boot="campaign_n_boot", random_state="random_seed", power="campaign_power")
campaign_effects = with_registry_defaults(effects.campaign_effects, confidence="campaign_confidence", n_boot="campaign_n_boot", random_state="random_seed", bootstrap_max_n="campaign_bootstrap_max_n")
segment_effects = with_registry_defaults(effects.segment_effects, confidence="campaign_confidence", min_n="campaign_segment_min_n")

# --------------------------------------------------------------------------------------
# results: uplift, revenue, ROI
# --------------------------------------------------------------------------------------


def test_results_match_direct_computation_and_recover_the_effect():
    outcomes, _ = synthetic_outcomes("A", 20000, 0.2, 0.06, "2025-01-01", seed=12, revenue_mean=40)
    res = campaign_results(outcomes, synthetic_campaigns(["A"], ["2025-01-01"]), n_boot=500).iloc[0]
    t = outcomes.loc[outcomes["arm"] == "treatment"]
    c = outcomes.loc[outcomes["arm"] == "control"]
    assert res["result_status"] == "ok"
    assert res["uplift"] == pytest.approx(t["responded"].mean() - c["responded"].mean())
    assert res["uplift"] == pytest.approx(0.06, abs=0.015)
    assert res["uplift_ci_low"] < res["uplift"] < res["uplift_ci_high"]
    table = [[t["responded"].sum(), len(t) - t["responded"].sum()],
             [c["responded"].sum(), len(c) - c["responded"].sum()]]
    assert res["uplift_p_value"] == pytest.approx(stats.fisher_exact(table).pvalue)
    per_contact = t["response_revenue"].mean() - c["response_revenue"].mean()
    assert res["incremental_revenue_per_contact"] == pytest.approx(per_contact)
    assert res["incremental_revenue"] == pytest.approx(per_contact * len(t))
    assert res["cost"] == pytest.approx(0.1 * len(t) + 100)
    assert res["roi"] == pytest.approx((res["incremental_revenue"] - res["cost"]) / res["cost"])
    assert res["incremental_revenue_ci_low"] < res["incremental_revenue"] < res["incremental_revenue_ci_high"]
    assert res["roi_ci_low"] == pytest.approx((res["incremental_revenue_ci_low"] - res["cost"]) / res["cost"])


def test_results_degenerate_campaigns_are_statuses_not_crashes():
    outcomes, _ = synthetic_outcomes("A", 300, 0.2, 0.05, "2025-01-01", seed=10)
    only_t = outcomes.assign(campaign_id="B", arm="treatment")
    open_w = outcomes.assign(campaign_id="C", is_window_complete=False)
    campaigns = synthetic_campaigns(["A", "B", "C", "D"], ["2025-01-01"] * 4)
    res = campaign_results(pd.concat([outcomes, only_t, open_w]), campaigns, n_boot=200)
    res = res.set_index("campaign_id")
    assert res.loc["A", "result_status"] == "ok"
    assert res.loc["B", "result_status"] == "missing_arm" and "control" in res.loc["B", "result_reason"]
    assert pd.isna(res.loc["B", "uplift"]) and res.loc["B", "response_rate_treatment"] > 0
    assert res.loc["C", "result_status"] == "window_open" and res.loc["C", "n_window_open"] == 300
    assert res.loc["D", "result_status"] == "no_contacts" and res.loc["D", "n_contacts"] == 0
    partly = outcomes.copy()
    partly.loc[partly.index[:10], "is_window_complete"] = False
    one = campaign_results(partly, campaigns.iloc[:1], n_boot=200).iloc[0]
    assert one["n_window_open"] == 10 and "10 contacts with an open window" in one["result_reason"]


# --------------------------------------------------------------------------------------
# before / after: quartiles, effects
# --------------------------------------------------------------------------------------


def _metrics(n=3000, effect=5.0, seed=11) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    arm = np.where(rng.random(n) < 0.3, "control", "treatment")
    pre = np.where(rng.random(n) < 0.4, rng.gamma(2, 30, n), 0.0).round(2)
    post = np.where(rng.random(n) < 0.4, 0.5 * pre + rng.gamma(2, 20, n), 0.0)
    post = (post + np.where((arm == "treatment") & (post > 0), effect, 0)).round(2)
    pre_orders = (pre > 0).astype(int) + (pre > 80).astype(int)
    post_orders = (post > 0).astype(int) + (post > 80).astype(int)
    days = np.where(post > 0, rng.integers(0, 30, n), np.nan)
    return pd.DataFrame({
        "campaign_id": "A", "customer_id": [str(i) for i in range(n)], "arm": arm,
        "is_window_complete": True, "pre_revenue": pre, "post_revenue": post,
        "pre_orders": pre_orders, "post_orders": post_orders,
        "pre_active": (pre > 0).astype(int), "post_active": (post > 0).astype(int),
        "post_days_to_first_order": days,
    })


def test_quartiles_match_numpy_and_show_nonzero_quartiles():
    metrics = _metrics()
    q = effects.metric_quartiles(metrics)
    row = q.loc[(q["arm"] == "treatment") & (q["metric"] == "revenue") & (q["period"] == "post")].iloc[0]
    values = metrics.loc[metrics["arm"] == "treatment", "post_revenue"].to_numpy()
    np.testing.assert_allclose([row["q1"], row["median"], row["q3"]], np.quantile(values, [0.25, 0.5, 0.75]))
    nz = values[values != 0]
    np.testing.assert_allclose([row["nz_q1"], row["nz_median"], row["nz_q3"]], np.quantile(nz, [0.25, 0.5, 0.75]))
    assert row["n"] == len(values) and row["mean"] == pytest.approx(values.mean())
    assert row["q1"] == 0 and row["nz_q1"] > 0  # zero-inflated: the plain Q1 reads 0
    days = q.loc[q["metric"] == "days_to_first_order"]
    assert set(days["period"]) == {"post"} and (days["n_missing"] > 0).all()
    assert len(q) == 2 * (3 * 2 + 1)


def test_effects_match_scipy_and_numpy():
    metrics = _metrics()
    eff = campaign_effects(metrics, n_boot=300).set_index(["metric", "estimator"])
    t = metrics.loc[metrics["arm"] == "treatment"]
    c = metrics.loc[metrics["arm"] == "control"]
    welch = stats.ttest_ind(t["post_revenue"], c["post_revenue"], equal_var=False)
    row = eff.loc[("revenue", "post_mean_difference")]
    assert row["estimate"] == pytest.approx(t["post_revenue"].mean() - c["post_revenue"].mean())
    assert row["p_value"] == pytest.approx(welch.pvalue)
    ci = welch.confidence_interval(0.95)
    assert (row["ci_low"], row["ci_high"]) == (pytest.approx(ci.low), pytest.approx(ci.high))
    did = stats.ttest_ind(t["post_revenue"] - t["pre_revenue"], c["post_revenue"] - c["pre_revenue"],
                          equal_var=False)
    assert eff.loc[("revenue", "diff_in_diff"), "p_value"] == pytest.approx(did.pvalue)
    # CUPED by hand: pooled theta, adjusted outcome, Welch
    pre = metrics["pre_revenue"].to_numpy()
    post = metrics["post_revenue"].to_numpy()
    theta = np.cov(pre, post)[0, 1] / np.var(pre, ddof=1)
    adj = post - theta * (pre - pre.mean())
    is_t = (metrics["arm"] == "treatment").to_numpy()
    cuped = eff.loc[("revenue", "cuped")]
    assert cuped["estimate"] == pytest.approx(adj[is_t].mean() - adj[~is_t].mean())
    assert cuped["p_value"] == pytest.approx(stats.ttest_ind(adj[is_t], adj[~is_t], equal_var=False).pvalue)
    assert 0 < cuped["variance_reduction"] < 1
    assert cuped["ci_high"] - cuped["ci_low"] < row["ci_high"] - row["ci_low"]  # CUPED narrows
    med = eff.loc[("revenue", "median_shift")]
    assert med["estimate"] == pytest.approx(np.median(t["post_revenue"]) - np.median(c["post_revenue"]))
    nz = eff.loc[("revenue", "nonzero_median_shift")]
    tt, cc = t["post_revenue"], c["post_revenue"]
    assert nz["estimate"] == pytest.approx(np.median(tt[tt > 0]) - np.median(cc[cc > 0]))
    assert "descriptive" in nz["reason"]
    # active is 0/1: only mean estimators; days only quantile shifts
    assert set(eff.loc["active"].index) == {"post_mean_difference", "diff_in_diff", "cuped", "regression_adjusted"}
    assert set(eff.loc["days_to_first_order"].index) == {"median_shift", "q3_shift"}


def test_large_arms_switch_to_order_statistic_intervals():
    metrics = _metrics(3000)
    small = campaign_effects(metrics, n_boot=100, bootstrap_max_n=5000).set_index(["metric", "estimator"])
    large = campaign_effects(metrics, n_boot=100, bootstrap_max_n=1000).set_index(["metric", "estimator"])
    assert small.loc[("revenue", "median_shift"), "ci_method"] == "percentile_bootstrap"
    assert large.loc[("revenue", "median_shift"), "ci_method"] == "order_statistic"
    assert large.loc[("revenue", "cuped"), "ci_method"] == "welch"
    assert large.loc[("revenue", "q3_shift"), "estimate"] == small.loc[("revenue", "q3_shift"), "estimate"]


def test_effects_degenerate_arm_gives_reasons():
    metrics = _metrics(200).assign(arm="treatment")
    eff = campaign_effects(metrics, n_boot=100)
    assert eff["estimate"].isna().all() or eff["ci_low"].isna().all()
    assert eff["reason"].notna().all()


# --------------------------------------------------------------------------------------
# segments and multiple testing
# --------------------------------------------------------------------------------------


def test_segment_effects_adjust_within_each_family():
    rows = []
    for seg, uplift in (("s1", 0.15), ("s2", 0.0), ("s3", 0.0), ("tiny", 0.0)):
        n = 8 if seg == "tiny" else 1500
        o, _ = synthetic_outcomes("A", n, 0.2, uplift, "2025-01-01", seed=hash(seg) % 1000)
        o["customer_id"] = seg + o["customer_id"]
        o["seg"] = seg
        rows.append(o)
    outcomes = pd.concat(rows, ignore_index=True)
    segments = outcomes[["campaign_id", "customer_id"]].assign(rfm_segment=outcomes["seg"],
                                                                lifecycle_stage="active")
    res = segment_effects(outcomes.drop(columns="seg"), segments, min_n=5)
    rfm = res.loc[res["dimension"] == "rfm_segment"].set_index("segment")
    tested = rfm.loc[["s1", "s2", "s3"]]
    np.testing.assert_allclose(tested["p_value_bh"],
                               stats.false_discovery_control(tested["p_value"], method="bh"))
    p = tested["p_value"].to_numpy()
    order = np.argsort(p)
    holm = np.maximum.accumulate(np.minimum(1, (3 - np.arange(3)) * p[order]))
    np.testing.assert_allclose(tested["p_value_holm"].to_numpy()[order], holm)
    assert (rfm["n_tests"] == 3).all()
    assert "no test" in rfm.loc["tiny", "reason"] and pd.isna(rfm.loc["tiny", "p_value"])
    assert bool(rfm.loc["s1", "is_significant_bh"])
    life = res.loc[res["dimension"] == "lifecycle_stage"]
    assert len(life) == 1 and life["n_tests"].iloc[0] == 1


# --------------------------------------------------------------------------------------
# box plots, settings
# --------------------------------------------------------------------------------------


def test_box_stats_match_numpy():
    values = np.r_[np.zeros(50), np.arange(1, 51), 500.0]
    box = frames.box_stats(values)
    np.testing.assert_allclose([box["q1"], box["median"], box["q3"]], np.quantile(values, [0.25, 0.5, 0.75]))
    iqr = box["q3"] - box["q1"]
    assert box["high"] <= box["q3"] + 1.5 * iqr and box["outliers"] == [500.0]
    assert frames.box_stats([])["n"] == 0 and math.isnan(frames.box_stats([np.nan])["median"])
