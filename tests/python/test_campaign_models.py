"""Tests for customer_activation.campaign_models: the campaign loop's Python steps.

Each step is checked against scipy/numpy on the same numbers, on synthetic campaigns with a
known effect, and on the degenerate inputs real campaign tables produce (a campaign without
contacts, an arm with no customers, a pilot without predictions, open windows).
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from customer_activation import campaign_models as cm
from customer_activation import campaign_stats as cs
from scipy import stats

PROJECT = Path(__file__).resolve().parents[2]


# --------------------------------------------------------------------------------------
# synthetic campaigns
# --------------------------------------------------------------------------------------


def _campaigns(ids=("A", "B"), starts=("2025-01-01", "2025-06-01"), control_share=0.2,
               pilot_share=None) -> pd.DataFrame:
    return pd.DataFrame({
        "campaign_id": list(ids),
        "start_date": pd.to_datetime(list(starts)),
        "objective": "winback",
        "channel": "email",
        "response_window_days": 30,
        "cost_per_contact": 0.1,
        "fixed_cost": 100.0,
        "planned_control_share": control_share,
        "planned_pilot_share": pilot_share,
        "is_planned_only": False,
    })


def _outcomes(campaign_id: str, n: int, p_control: float, uplift: float, start: str,
              seed: int, pilot_share: float = 0.2, control_share: float = 0.2,
              revenue_mean: float = 50.0, predicted=None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Contacts of one campaign with a feature x that drives the response, and their
    contact-time features."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=n)
    arm = np.where(rng.random(n) < control_share, "control", "treatment")
    phase = np.where(rng.random(n) < pilot_share, "pilot", "rollout")
    base = 1 / (1 + np.exp(-(np.log(p_control / (1 - p_control)) + 1.0 * x)))
    p = np.clip(base + np.where(arm == "treatment", uplift, 0.0), 0, 1)
    responded = (rng.random(n) < p).astype(int)
    revenue = np.where(responded == 1, rng.exponential(revenue_mean, n).round(2), 0.0)
    start_ts = pd.Timestamp(start)
    ids = [f"{campaign_id}-{i:05d}" for i in range(n)]
    outcomes = pd.DataFrame({
        "campaign_id": campaign_id, "customer_id": ids, "arm": arm, "phase": phase,
        "responded": responded, "response_revenue": revenue,
        "predicted_response": p if predicted is None else predicted,
        "window_end_ts": start_ts + pd.Timedelta(days=40), "is_window_complete": True,
    })
    features = pd.DataFrame({
        "feature_context": "contact", "campaign_id": campaign_id, "customer_id": ids,
        "tenure_days": 400, "has_completed_order": 1,
        "recency_days": np.exp(2 - x).round(), "frequency": 3, "monetary": 120.0,
        "n_orders": 3, "recent_orders": (x > 0).astype(int), "previous_orders": 1,
        "recent_net_amount": 10.0, "n_recent_events": 2, "days_since_last_event": 5,
        "n_prior_contacts": 0, "n_prior_responses": 0,
    })
    return outcomes, features


@pytest.fixture(scope="module")
def two_campaigns():
    oa, fa = _outcomes("A", 3000, 0.2, 0.05, "2025-01-01", seed=1)
    ob, fb = _outcomes("B", 3000, 0.2, 0.05, "2025-06-01", seed=2)
    return (pd.concat([oa, ob], ignore_index=True), pd.concat([fa, fb], ignore_index=True),
            _campaigns())


# --------------------------------------------------------------------------------------
# the response model
# --------------------------------------------------------------------------------------


def test_response_model_is_calibrated_and_ranks(two_campaigns):
    outcomes, features, campaigns = two_campaigns
    train = cm._training_rows(outcomes, features.drop(columns="feature_context"), campaigns)
    model = cm.fit_response_model(train, C=1.0, min_rows=50)
    assert model.status == "ok" and model.reason is None
    p = model.predict(train)
    assert p.mean() == pytest.approx(train["responded"].mean(), abs=0.01)  # unweighted LR
    from sklearn.metrics import roc_auc_score
    assert roc_auc_score(train["responded"], p) > 0.65
    assert "objective__winback" in model.feature_names
    assert len(model.version) == 12
    # same data -> same version; different data -> different version
    assert cm.fit_response_model(train).version == model.version
    assert cm.fit_response_model(train.iloc[:-1]).version != model.version


def test_response_model_degenerate_gives_reasons_and_nan():
    outcomes, features = _outcomes("A", 30, 0.2, 0.0, "2025-01-01", seed=3)
    train = cm._training_rows(outcomes, features.drop(columns="feature_context"), _campaigns(["A"], ["2025-01-01"]))
    few = cm.fit_response_model(train, min_rows=50)
    assert few.status == "too_few_rows" and "< 50" in few.reason
    assert np.isnan(few.predict(train)).all()
    train = train.assign(responded=0)
    single = cm.fit_response_model(train, min_rows=5)
    assert single.status == "single_class" and np.isnan(single.predict(train)).all()
    empty = cm.fit_response_model(train.iloc[:0], min_rows=5)
    assert empty.status == "too_few_rows" and empty.n_rows == 0


def test_rolling_predictions_never_see_the_campaigns_own_outcome(two_campaigns):
    outcomes, features, campaigns = two_campaigns
    pred = cm.response_predictions(outcomes, features, campaigns)
    assert list(pred.columns) == list(cm.PREDICTION_COLUMNS)
    a = pred.loc[pred["campaign_id"] == "A"]
    b = pred.loc[pred["campaign_id"] == "B"]
    assert (a["model_status"] == "no_prior_campaigns").all() and a["model_predicted_response"].isna().all()
    assert (b["model_status"] == "ok").all() and (b["training_campaigns"] == "A").all()
    # flipping B's own responses changes nothing in B's predictions
    flipped = outcomes.copy()
    is_b = flipped["campaign_id"] == "B"
    flipped.loc[is_b, "responded"] = 1 - flipped.loc[is_b, "responded"]
    again = cm.response_predictions(flipped, features, campaigns)
    np.testing.assert_allclose(again.loc[again["campaign_id"] == "B", "model_predicted_response"],
                               b["model_predicted_response"])
    # a campaign whose window had not closed before B started is not used for B
    late = outcomes.copy()
    late.loc[late["campaign_id"] == "A", "window_end_ts"] = pd.Timestamp("2025-06-15")
    late_pred = cm.response_predictions(late, features, campaigns)
    assert (late_pred.loc[late_pred["campaign_id"] == "B", "model_status"] == "no_prior_campaigns").all()


def test_response_scores_for_a_plan(two_campaigns):
    outcomes, features, campaigns = two_campaigns
    scoring = features.loc[features["campaign_id"] == "B"].assign(
        feature_context="scoring", campaign_id=None)
    members = pd.DataFrame({"audience_name": "aud", "customer_id": scoring["customer_id"].iloc[:100]})
    plans = pd.DataFrame({"campaign_id": ["P1"], "audience_name": ["aud"], "objective": ["winback"],
                          "channel": ["email"], "response_window_days": [30]})
    scores = cm.response_scores(members, plans, outcomes, pd.concat([features, scoring]), campaigns)
    assert list(scores.columns) == list(cm.SCORE_COLUMNS)
    assert len(scores) == 100 and scores["predicted_response"].between(0, 1).all()
    assert (scores["training_campaigns"] == "A, B").all()
    # higher x -> lower recency -> higher predicted response
    merged = scores.merge(scoring, on="customer_id")
    assert stats.spearmanr(merged["predicted_response"], merged["recency_days"])[0] < -0.5
    none = cm.response_scores(members.iloc[:0], plans.iloc[:0], outcomes, features, campaigns)
    assert none.empty and list(none.columns) == list(cm.SCORE_COLUMNS)


# --------------------------------------------------------------------------------------
# SRM
# --------------------------------------------------------------------------------------


def test_srm_checks_match_scipy_and_flag_a_broken_split():
    outcomes = pd.DataFrame({
        "campaign_id": ["A"] * 1000 + ["B"] * 1000,
        "customer_id": [str(i) for i in range(2000)],
        "arm": ["treatment"] * 800 + ["control"] * 200 + ["treatment"] * 880 + ["control"] * 120,
        "phase": (["pilot"] * 100 + ["rollout"] * 900) * 2,
    })
    campaigns = _campaigns(pilot_share=[0.1, np.nan])
    res = cm.srm_checks(outcomes, campaigns, alpha=0.001)
    a = res.set_index(["campaign_id", "check_name"])
    ref = stats.chisquare([880, 120], [800, 200])
    assert a.loc[("B", "arm_all"), "p_value"] == pytest.approx(ref.pvalue)
    assert a.loc[("B", "arm_all"), "chi_square"] == pytest.approx(ref.statistic)
    assert bool(a.loc[("B", "arm_all"), "is_mismatch"]) and not bool(a.loc[("A", "arm_all"), "is_mismatch"])
    assert ("A", "phase") in a.index and ("B", "phase") not in a.index  # B has no planned pilot share
    assert a.loc[("A", "phase"), "p_value"] == pytest.approx(1.0)
    assert set(res["check_name"]) == {"arm_all", "arm_pilot", "arm_rollout", "phase"}
    # while only the pilot is loaded, the phase split is not checked
    pilot_only = cm.srm_checks(outcomes.loc[outcomes["phase"] == "pilot"], campaigns)
    assert "phase" not in set(pilot_only["check_name"])


def test_srm_campaign_without_contacts_has_a_reason():
    res = cm.srm_checks(pd.DataFrame(columns=["campaign_id", "customer_id", "arm", "phase"]),
                        _campaigns(["A"], ["2025-01-01"]))
    assert len(res) == 1 and res["reason"].iloc[0] == "campaign has no contacts"
    assert pd.isna(res["is_mismatch"].iloc[0])


# --------------------------------------------------------------------------------------
# the pilot gate
# --------------------------------------------------------------------------------------


def _no_model(outcomes: pd.DataFrame) -> pd.DataFrame:
    return outcomes[["campaign_id", "customer_id"]].assign(model_predicted_response=np.nan,
                                                          model_status="no_prior_campaigns")


def test_gate_passes_when_the_prediction_agrees_and_fails_when_overstated():
    good, _ = _outcomes("A", 4000, 0.2, 0.05, "2025-01-01", seed=5)
    bad, _ = _outcomes("B", 4000, 0.2, 0.05, "2025-06-01", seed=6)
    bad["predicted_response"] = np.clip(bad["predicted_response"] * 3, 0, 0.99)  # the CMP04 case
    outcomes = pd.concat([good, bad], ignore_index=True)
    gate = cm.pilot_gates(outcomes, _no_model(outcomes), _campaigns(), min_n=10).set_index("campaign_id")
    assert gate.loc["A", "gate_status"] == "pass" and pd.isna(gate.loc["A", "gate_reason"])
    assert gate.loc["B", "gate_status"] == "fail" and "outside" in gate.loc["B", "gate_reason"]
    # numbers agree with campaign_stats.pilot_gate / proportion_ci on the same customers
    pilot_t = good.loc[(good["phase"] == "pilot") & (good["arm"] == "treatment")]
    ci = cs.proportion_ci(int(pilot_t["responded"].sum()), len(pilot_t))
    assert gate.loc["A", "observed_rate"] == pytest.approx(ci["estimate"])
    assert gate.loc["A", "ci_low"] == pytest.approx(ci["ci_low"])
    assert gate.loc["A", "predicted_mean"] == pytest.approx(pilot_t["predicted_response"].mean())
    ref = stats.binomtest(int(pilot_t["responded"].sum()), len(pilot_t)).proportion_ci(method="wilson")
    assert gate.loc["A", "ci_high"] == pytest.approx(ref.high)
    # recommended size is campaign_stats.recommended_pilot_size on the pilot control rate
    assert gate.loc["A", "baseline_source"] == "pilot_control_rate"
    size = cs.recommended_pilot_size(gate.loc["A", "baseline_rate"], 0.05, treatment_share=0.8)
    assert gate.loc["A", "recommended_n_total"] == size["n_total"]
    assert gate.loc["A", "n_rollout_contacts"] == int((good["phase"] == "rollout").sum())


def test_gate_uses_the_model_where_the_prediction_is_missing():
    outcomes, _ = _outcomes("A", 2000, 0.2, 0.05, "2025-01-01", seed=7)
    truth = outcomes["predicted_response"].copy()
    outcomes.loc[outcomes.index[::2], "predicted_response"] = np.nan
    preds = outcomes[["campaign_id", "customer_id"]].assign(model_predicted_response=truth,
                                                            model_status="ok")
    gate = cm.pilot_gates(outcomes, preds, _campaigns(["A"], ["2025-01-01"])).iloc[0]
    pilot_t = (outcomes["phase"] == "pilot") & (outcomes["arm"] == "treatment")
    assert gate["n_predicted_model"] == int((pilot_t & outcomes["predicted_response"].isna()).sum())
    assert gate["n_predicted_model"] > 0 and gate["n_without_prediction"] == 0
    assert gate["predicted_mean"] == pytest.approx(truth[pilot_t].mean())


@pytest.mark.parametrize("case, status", [
    ("no_contacts", "no_contacts"),
    ("no_pilot", "no_pilot"),
    ("open", "pilot_window_open"),
    ("no_prediction", "no_prediction"),
    ("small", "insufficient_sample"),
    ("no_control", "pass"),
])
def test_gate_statuses_say_why(case, status):
    outcomes, _ = _outcomes("A", 400, 0.3, 0.0, "2025-01-01", seed=8, pilot_share=0.5)
    if case == "no_contacts":
        outcomes = outcomes.iloc[:0]
    elif case == "no_pilot":
        outcomes["phase"] = "rollout"
    elif case == "open":
        outcomes.loc[outcomes.index[:5], "is_window_complete"] = False
        outcomes.loc[outcomes.index[:5], "phase"] = "pilot"
    elif case == "no_prediction":
        outcomes["predicted_response"] = np.nan
    elif case == "small":
        outcomes = outcomes.loc[(outcomes["phase"] == "rollout") | (outcomes.index < 12)]
    elif case == "no_control":
        outcomes["arm"] = "treatment"
    gate = cm.pilot_gates(outcomes, _no_model(outcomes), _campaigns(["A"], ["2025-01-01"]),
                          min_n=10, tolerance=0.2).iloc[0]
    assert gate["gate_status"] == status
    if status != "pass":
        assert isinstance(gate["gate_reason"], str) and gate["gate_reason"]
    if case == "no_prediction":
        assert "no_prior_campaigns" in gate["gate_reason"]
    if case == "no_control":
        assert pd.isna(gate["effect"]) and "n = 0" in gate["gate_reason"]


# --------------------------------------------------------------------------------------
# results: uplift, revenue, ROI
# --------------------------------------------------------------------------------------


def test_results_match_direct_computation_and_recover_the_effect():
    outcomes, _ = _outcomes("A", 20000, 0.2, 0.06, "2025-01-01", seed=12, revenue_mean=40)
    res = cm.campaign_results(outcomes, _campaigns(["A"], ["2025-01-01"]), n_boot=500).iloc[0]
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
    outcomes, _ = _outcomes("A", 300, 0.2, 0.05, "2025-01-01", seed=10)
    only_t = outcomes.assign(campaign_id="B", arm="treatment")
    open_w = outcomes.assign(campaign_id="C", is_window_complete=False)
    campaigns = _campaigns(["A", "B", "C", "D"], ["2025-01-01"] * 4)
    res = cm.campaign_results(pd.concat([outcomes, only_t, open_w]), campaigns, n_boot=200)
    res = res.set_index("campaign_id")
    assert res.loc["A", "result_status"] == "ok"
    assert res.loc["B", "result_status"] == "missing_arm" and "control" in res.loc["B", "result_reason"]
    assert pd.isna(res.loc["B", "uplift"]) and res.loc["B", "response_rate_treatment"] > 0
    assert res.loc["C", "result_status"] == "window_open" and res.loc["C", "n_window_open"] == 300
    assert res.loc["D", "result_status"] == "no_contacts" and res.loc["D", "n_contacts"] == 0
    partly = outcomes.copy()
    partly.loc[partly.index[:10], "is_window_complete"] = False
    one = cm.campaign_results(partly, campaigns.iloc[:1], n_boot=200).iloc[0]
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
    q = cm.metric_quartiles(metrics)
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
    eff = cm.campaign_effects(metrics, n_boot=300).set_index(["metric", "estimator"])
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
    assert set(eff.loc["active"].index) == {"post_mean_difference", "diff_in_diff", "cuped"}
    assert set(eff.loc["days_to_first_order"].index) == {"median_shift", "q3_shift"}


def test_large_arms_switch_to_order_statistic_intervals():
    metrics = _metrics(3000)
    small = cm.campaign_effects(metrics, n_boot=100, bootstrap_max_n=5000).set_index(["metric", "estimator"])
    large = cm.campaign_effects(metrics, n_boot=100, bootstrap_max_n=1000).set_index(["metric", "estimator"])
    assert small.loc[("revenue", "median_shift"), "ci_method"] == "percentile_bootstrap"
    assert large.loc[("revenue", "median_shift"), "ci_method"] == "order_statistic"
    assert large.loc[("revenue", "cuped"), "ci_method"] == "welch"
    assert large.loc[("revenue", "q3_shift"), "estimate"] == small.loc[("revenue", "q3_shift"), "estimate"]


def test_effects_degenerate_arm_gives_reasons():
    metrics = _metrics(200).assign(arm="treatment")
    eff = cm.campaign_effects(metrics, n_boot=100)
    assert eff["estimate"].isna().all() or eff["ci_low"].isna().all()
    assert eff["reason"].notna().all()


# --------------------------------------------------------------------------------------
# segments and multiple testing
# --------------------------------------------------------------------------------------


def test_segment_effects_adjust_within_each_family():
    rows = []
    for seg, uplift in (("s1", 0.15), ("s2", 0.0), ("s3", 0.0), ("tiny", 0.0)):
        n = 8 if seg == "tiny" else 1500
        o, _ = _outcomes("A", n, 0.2, uplift, "2025-01-01", seed=hash(seg) % 1000)
        o["customer_id"] = seg + o["customer_id"]
        o["seg"] = seg
        rows.append(o)
    outcomes = pd.concat(rows, ignore_index=True)
    segments = outcomes[["campaign_id", "customer_id"]].assign(rfm_segment=outcomes["seg"],
                                                                lifecycle_stage="active")
    res = cm.segment_effects(outcomes.drop(columns="seg"), segments, min_n=5)
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
    box = cm.box_stats(values)
    np.testing.assert_allclose([box["q1"], box["median"], box["q3"]], np.quantile(values, [0.25, 0.5, 0.75]))
    iqr = box["q3"] - box["q1"]
    assert box["high"] <= box["q3"] + 1.5 * iqr and box["outliers"] == [500.0]
    assert cm.box_stats([])["n"] == 0 and math.isnan(cm.box_stats([np.nan])["median"])
