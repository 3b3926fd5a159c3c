"""Asymmetric measurement, the verdict, and experiments whose campaigns share one control."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from campaign_frames import synthetic_campaigns, synthetic_outcomes
from customer_activation.campaigns import stats as cs
from customer_activation.campaigns.steps import gates, results
from registry_defaults import with_registry_defaults
from scipy import stats

campaign_results = with_registry_defaults(results.campaign_results, confidence="campaign_confidence",
                                          n_boot="campaign_n_boot", random_state="random_seed",
                                          power="campaign_power")
srm_checks = with_registry_defaults(gates.srm_checks, alpha="campaign_srm_alpha")


def test_one_sided_response_records_are_asymmetric_only_when_the_other_arm_bought():
    esp = cs.measurement_check(1000, 230, 45, 500, 0, 15, 0.0, 0.03)
    assert esp["measurement_status"] == "one_sided_responses" and esp["is_asymmetric"]
    assert "asymmetric measurement" in esp["reason"] and "15 control customers ordered" in esp["reason"]
    # nobody in the control bought either: no records there is what was measured
    quiet = cs.measurement_check(1000, 80, 80, 500, 0, 0, 0.05, 0.11)
    assert quiet["measurement_status"] == "symmetric"
    assert cs.measurement_check(10, 0, 1, 10, 0, 1, -0.1, 0.1)["measurement_status"] == "no_response_records"
    # both arms have records, but at a difference far outside the outcome's interval
    off = cs.measurement_check(1000, 300, 40, 1000, 20, 30, 0.0, 0.02)
    assert off["measurement_status"] == "responses_disagree"
    assert cs.measurement_check(1000, 40, 40, 1000, 30, 30, 0.0, 0.02)["measurement_status"] == "symmetric"


def test_verdict_compares_the_revenue_interval_with_the_cost_and_sizes_the_inconclusive():
    rng = np.random.default_rng(3)
    t = rng.exponential(10, 2000)
    c = rng.exponential(9, 2000)
    up = cs.campaign_verdict(t, c, 0.1, 0.0, 500.0, 3000.0, confidence=0.95, power=0.8)
    assert up["verdict"] == "scale_up" and math.isnan(up["n_per_arm_to_decide"])
    stop = cs.campaign_verdict(t, c, 5.0, 0.0, 500.0, 3000.0, confidence=0.95, power=0.8)
    assert stop["verdict"] == "stop"
    mid = cs.campaign_verdict(t, c, 1.0, 0.0, -1000.0, 5000.0, confidence=0.95, power=0.8)
    assert mid["verdict"] == "inconclusive"
    d, b = t.mean() - c.mean(), 1.0
    z = stats.norm.ppf(0.975) + stats.norm.ppf(0.8)
    expected = math.ceil(z ** 2 * (t.var(ddof=1) + c.var(ddof=1)) / (d - b) ** 2)
    assert mid["n_per_arm_to_decide"] == expected
    assert f"{expected:,}" in mid["reason"]


def _esp_outcomes(source: str) -> pd.DataFrame:
    out, _ = synthetic_outcomes("A", 4000, 0.05, 0.02, "2025-01-01", seed=5)
    # the export: opens for a quarter of the mailed, none for the control
    mailed = out["arm"] == "treatment"
    rng = np.random.default_rng(1)
    out["responded"] = np.where(mailed, (rng.random(len(out)) < 0.25).astype(int), 0)
    out["outcome_source"] = source
    if source == "responses":
        out["converted"] = out["responded"]
    return out


def test_results_use_the_outcome_and_refuse_a_one_sided_response_comparison():
    camps = synthetic_campaigns(["A"], ["2025-01-01"])
    orders = campaign_results(_esp_outcomes("orders"), camps, n_boot=200).iloc[0]
    assert orders["result_status"] == "ok" and orders["measurement_status"] == "one_sided_responses"
    assert "asymmetric measurement" in orders["result_reason"]
    assert orders["response_rate_control"] > 0 and orders["response_record_rate_control"] == 0
    assert abs(orders["uplift"] - 0.02) < 0.03
    assert orders["verdict"] in ("scale_up", "stop", "inconclusive")
    responses = campaign_results(_esp_outcomes("responses"), camps, n_boot=200).iloc[0]
    assert responses["result_status"] == "asymmetric_measurement"
    assert pd.isna(responses["uplift"]) and pd.isna(responses["uplift_ci_low"])
    assert "no uplift" in responses["result_reason"]


def test_srm_of_an_experiment_uses_its_planned_shares():
    rng = np.random.default_rng(2)
    n = 6000
    arm = rng.choice(["A", "B", "control"], size=n, p=[0.375, 0.375, 0.25])
    ids = [f"c{i}" for i in range(n)]
    rows = []
    for cid in ("A", "B"):  # the shared control is a control row of each treated campaign
        mask = (arm == cid) | (arm == "control")
        rows.append(pd.DataFrame({"campaign_id": cid, "customer_id": np.array(ids)[mask],
                                  "arm": np.where(arm[mask] == "control", "control", "treatment"),
                                  "phase": "rollout", "experiment_id": "E"}))
    outcomes = pd.concat(rows, ignore_index=True)
    camps = synthetic_campaigns(["A", "B"], ["2025-01-01", "2025-01-01"], control_share=0.25)
    camps["experiment_id"] = "E"
    srm = srm_checks(outcomes, camps).query("check_name == 'arm_all'").set_index("campaign_id")
    ref = stats.chisquare([(arm == "A").sum(), (arm == "B").sum(), (arm == "control").sum()],
                          [0.375 * n, 0.375 * n, 0.25 * n])
    for cid in ("A", "B"):
        assert srm.loc[cid, "n_customers"] == n
        assert srm.loc[cid, "p_value"] == pytest.approx(ref.pvalue)
        assert not srm.loc[cid, "is_mismatch"]
    # pairwise, 0.25 would be the wrong control share (it is 0.4 of A + control): the old check
    pair = srm_checks(outcomes, camps.drop(columns="experiment_id")).query("check_name == 'arm_all'").set_index("campaign_id")
    assert pair.loc["A", "is_mismatch"]


def test_regression_adjustment_uses_pre_campaign_covariates_when_the_pre_window_is_empty():
    rng = np.random.default_rng(11)
    n = 4000
    spend = rng.gamma(2.0, 50.0, 2 * n)
    freq = rng.poisson(2, 2 * n).astype(float)
    post = 0.3 * spend + 5 * freq + rng.normal(0, 20, 2 * n)
    post[:n] += 4.0  # the true effect
    pre = np.zeros(2 * n)  # nobody ordered in the pre-window
    cuped = cs.cuped_effect(pre[:n], post[:n], pre[n:], post[n:])
    assert "no variance" in cuped["reason"]
    x = np.column_stack([spend, freq])
    x[::7, 0] = np.nan  # a missing covariate is the pooled median
    adj = cs.regression_adjusted_effect(post[:n], x[:n], post[n:], x[n:])
    assert adj["n_covariates"] == 2 and adj["variance_reduction"] > 0.4
    assert adj["ci_low"] < 4.0 < adj["ci_high"]
    assert adj["ci_high"] - adj["ci_low"] < 0.8 * (cuped["ci_high"] - cuped["ci_low"])
    none = cs.regression_adjusted_effect(post[:n], np.ones((n, 1)), post[n:], np.ones((n, 1)))
    assert none["n_covariates"] == 0 and "no pre-campaign covariate" in none["reason"]
    assert none["estimate"] == pytest.approx(post[:n].mean() - post[n:].mean())
