"""The campaign loop on the demo data, end to end.

The demo generator knows each campaign's true effect and built CMP04 so that its pilot
disagrees with the predictions that came with its contacts (data/demo/_truth/campaign_truth.csv).
Done means: every true uplift and true incremental revenue per contact lies inside the
interval the build reports, and the pilot gate passes exactly where the pilot agrees. The
other tests recompute the statistics with scipy/numpy from the built tables, check the
assignment hash and the absence of leakage, the gate test, and the before/after history.
"""
from __future__ import annotations

import csv
import hashlib
import shutil

import duckdb
import numpy as np
import pandas as pd
import pytest
from dbt_helpers import run_dbt
from scipy import stats

pytestmark = pytest.mark.e2e

AS_OF = "2026-06-30"


def _frame(build, sql: str) -> pd.DataFrame:
    with build.connect() as con:
        return con.execute(sql).df()


@pytest.fixture(scope="module")
def truth(demo_data) -> pd.DataFrame:
    return pd.read_csv(demo_data / "_truth" / "campaign_truth.csv").set_index("campaign_id")


@pytest.fixture(scope="module")
def summary(demo_build) -> pd.DataFrame:
    return _frame(demo_build, "select * from campaigns.campaign_summary").set_index("campaign_id")


# --------------------------------------------------------------------------------------
# the done criterion
# --------------------------------------------------------------------------------------


def test_reported_intervals_contain_the_true_effects(summary, truth):
    observed = summary.loc[truth.index]
    assert (observed["result_status"] == "ok").all()
    assert (observed["n_contacts"] == truth["n_contacts"]).all()
    for cid, t in truth.iterrows():
        s = observed.loc[cid]
        assert s["uplift_ci_low"] <= t["true_uplift"] <= s["uplift_ci_high"], (cid, s["uplift"], t["true_uplift"])
        assert (s["incremental_revenue_per_contact_ci_low"] <= t["true_incremental_revenue_per_contact"]
                <= s["incremental_revenue_per_contact_ci_high"]), cid
        assert s["roi_ci_low"] <= s["roi"] <= s["roi_ci_high"]
        assert s["cost"] > 0


def test_cuped_revenue_effect_contains_the_true_effect(demo_build, truth):
    """The before/after route (order revenue in the post window, adjusted by the pre window)
    also recovers the true incremental revenue per contact."""
    eff = _frame(demo_build, """select * from campaigns.campaign_effects
        where metric = 'revenue' and estimator = 'cuped'""").set_index("campaign_id")
    for cid, t in truth.iterrows():
        assert eff.loc[cid, "ci_low"] <= t["true_incremental_revenue_per_contact"] <= eff.loc[cid, "ci_high"], cid


def test_gate_passes_where_the_pilot_agrees_and_fails_for_cmp04(summary, truth, demo_build):
    gate = _frame(demo_build, "select * from campaigns.campaign_pilot_gate").set_index("campaign_id")
    pilot = _frame(demo_build, "select * from campaigns.campaign_contact_outcomes where phase = 'pilot'")
    for cid, t in truth.iterrows():
        expected = "pass" if t["pilot_should_pass"] else "fail"
        assert gate.loc[cid, "gate_status"] == expected, (cid, gate.loc[cid, "gate_reason"])
        assert summary.loc[cid, "gate_status"] == expected
        mine = pilot.loc[pilot["campaign_id"] == cid]
        # the predictions given with the contacts are the generator's
        assert mine["predicted_response"].mean() == pytest.approx(t["pilot_mean_predicted_response"], abs=1e-4)
        if gate.loc[cid, "n_predicted_model"] == 0:
            treated = mine.loc[mine["arm"] == "treatment", "predicted_response"]
            assert gate.loc[cid, "predicted_mean"] == pytest.approx(treated.mean())
    assert "outside" in gate.loc["CMP04", "gate_reason"]
    assert gate.loc["CMP04", "predicted_mean"] > gate.loc["CMP04", "ci_high"]
    # CMP04 was rolled out anyway: the summary shows the recorded override
    assert summary.loc["CMP04", "n_rollout_contacts"] > 0
    assert isinstance(summary.loc["CMP04", "gate_override_reason"], str)
    assert (gate["recommended_n_total"] > gate["n_pilot_contacts"]).all()  # the demo pilots are small


# --------------------------------------------------------------------------------------
# the statistics, recomputed with scipy / numpy from the built tables
# --------------------------------------------------------------------------------------


def test_statistics_match_scipy_on_the_built_tables(demo_build):
    outcomes = _frame(demo_build, "select * from campaigns.campaign_contact_outcomes")
    metrics = _frame(demo_build, "select * from campaigns.campaign_customer_metrics")
    effects = _frame(demo_build, "select * from campaigns.campaign_effects").set_index(
        ["campaign_id", "metric", "estimator"])
    results = _frame(demo_build, "select * from campaigns.campaign_results").set_index("campaign_id")
    gate = _frame(demo_build, "select * from campaigns.campaign_pilot_gate").set_index("campaign_id")
    srm = _frame(demo_build, "select * from campaigns.campaign_srm_checks").set_index(["campaign_id", "check_name"])
    quartiles = _frame(demo_build, "select * from campaigns.campaign_metric_quartiles").set_index(
        ["campaign_id", "arm", "metric", "period"])
    for cid in ("CMP04", "CMP06"):
        m = metrics.loc[metrics["campaign_id"] == cid]
        t, c = m.loc[m["arm"] == "treatment"], m.loc[m["arm"] == "control"]
        welch = stats.ttest_ind(t["post_revenue"], c["post_revenue"], equal_var=False)
        row = effects.loc[(cid, "revenue", "post_mean_difference")]
        assert row["p_value"] == pytest.approx(welch.pvalue)
        assert row["ci_low"] == pytest.approx(welch.confidence_interval(0.95).low)
        did = stats.ttest_ind(t["post_orders"] - t["pre_orders"], c["post_orders"] - c["pre_orders"], equal_var=False)
        assert effects.loc[(cid, "orders", "diff_in_diff"), "p_value"] == pytest.approx(did.pvalue)
        np.testing.assert_allclose(
            quartiles.loc[(cid, "treatment", "revenue", "post"), ["q1", "median", "q3"]].astype(float),
            np.quantile(t["post_revenue"], [0.25, 0.5, 0.75]))
        o = outcomes.loc[outcomes["campaign_id"] == cid]
        ot, oc = o.loc[o["arm"] == "treatment"], o.loc[o["arm"] == "control"]
        table = [[ot["responded"].sum(), len(ot) - ot["responded"].sum()],
                 [oc["responded"].sum(), len(oc) - oc["responded"].sum()]]
        assert results.loc[cid, "uplift_p_value"] == pytest.approx(stats.fisher_exact(table).pvalue)
        assert results.loc[cid, "uplift"] == pytest.approx(ot["responded"].mean() - oc["responded"].mean())
        pilot = ot.loc[ot["phase"] == "pilot"]
        wilson = stats.binomtest(int(pilot["responded"].sum()), len(pilot)).proportion_ci(method="wilson")
        assert (gate.loc[cid, "ci_low"], gate.loc[cid, "ci_high"]) == (pytest.approx(wilson.low), pytest.approx(wilson.high))
        chi = stats.chisquare([len(ot), len(oc)], [0.8 * len(o), 0.2 * len(o)])
        assert srm.loc[(cid, "arm_all"), "p_value"] == pytest.approx(chi.pvalue)
    # revenue in the response table and in the orders agree for responders
    joined = outcomes.merge(metrics, on=["campaign_id", "customer_id"])
    assert (joined["response_revenue"] - joined["post_revenue"]).abs().max() < 0.01


# --------------------------------------------------------------------------------------
# assignment, leakage, statuses
# --------------------------------------------------------------------------------------


def _u(text: str, part: int) -> float:
    return int(hashlib.md5(text.encode()).hexdigest()[8 * part: 8 * part + 8], 16) / 2**32


def test_assignment_is_the_documented_hash(demo_build):
    a = _frame(demo_build, "select * from campaigns.campaign_assignments")
    plans = _frame(demo_build, "select * from seeds.campaign_plans").set_index("campaign_id")
    assert len(a) > 0
    keys = a["campaign_id"] + ":" + a["customer_id"]
    np.testing.assert_allclose(a["u_phase"], [_u(k, 0) for k in keys], atol=1e-12)
    np.testing.assert_allclose(a["u_arm"], [_u(k, 1) for k in keys], atol=1e-12)
    for cid, g in a.groupby("campaign_id"):
        p = plans.loc[cid]
        assert ((g["u_phase"] < p["pilot_share"]) == (g["phase"] == "pilot")).all()
        assert ((g["u_arm"] < p["control_share"]) == (g["arm"] == "control")).all()
        # the selected are the best by predicted response
        members = _frame(demo_build, f"""select count(*) as n from campaign_prep.campaign_audience_members
            where audience_name = '{p["audience_name"]}'""")["n"][0]
        assert len(g) == min(members, p["max_contacts"])
        assert g.sort_values("audience_rank")["predicted_response"].is_monotonic_decreasing
        # the split is what was planned (binomial, not an exact count)
        assert stats.binomtest(int((g["arm"] == "control").sum()), len(g), p["control_share"]).pvalue > 0.001
        assert stats.binomtest(int((g["phase"] == "pilot").sum()), len(g), p["pilot_share"]).pvalue > 0.001


def test_contact_features_see_only_rows_before_the_campaign_start(demo_build):
    features = _frame(demo_build, """select f.*, c.start_date from campaign_prep.campaign_customer_features f
        inner join staging.stg_campaigns c using (campaign_id) where f.feature_context = 'contact'""")
    orders = _frame(demo_build, "select customer_id, order_ts, net_amount from staging.stg_orders where is_completed")
    merged = features[["campaign_id", "customer_id", "start_date"]].merge(orders, on="customer_id")
    before = merged.loc[merged["order_ts"] < pd.to_datetime(merged["start_date"])]
    expected = before.groupby(["campaign_id", "customer_id"]).agg(frequency=("order_ts", "size"),
                                                                  monetary=("net_amount", "sum"))
    got = features.set_index(["campaign_id", "customer_id"])
    joined = got.join(expected.add_suffix("_expected"))
    assert (joined["frequency"] == joined["frequency_expected"].fillna(0)).all()
    np.testing.assert_allclose(joined["monetary"], joined["monetary_expected"].fillna(0).astype(float), atol=0.01)
    assert (joined["recency_days"].dropna() >= 0).all()  # 0 = ordered the day before the start
    assert set(features["lifecycle_stage"]) <= {"new", "active", "declining", "dormant", "lost"}


def test_response_model_is_trained_only_on_campaigns_closed_before_the_start(demo_build):
    pred = _frame(demo_build, "select distinct campaign_id, model_status, training_campaigns from campaigns.campaign_response_predictions")
    closes = _frame(demo_build, """select campaign_id, max(window_end_ts) as closed, min(start_date) as start_date
        from campaigns.campaign_contact_outcomes group by campaign_id""").set_index("campaign_id")
    assert pred["campaign_id"].is_unique
    for row in pred.itertuples():
        trained_on = [] if pd.isna(row.training_campaigns) else row.training_campaigns.split(", ")
        assert row.campaign_id not in trained_on
        for c in trained_on:
            assert closes.loc[c, "closed"] <= pd.Timestamp(closes.loc[row.campaign_id, "start_date"])
    first = pred.set_index("campaign_id").loc["CMP01"]
    assert first["model_status"] == "no_prior_campaigns"
    scores = _frame(demo_build, "select * from campaign_prep.campaign_response_scores")
    assert (scores["model_status"] == "ok").all() and scores["predicted_response"].between(0, 1).all()


def test_planned_campaign_is_listed_with_its_contact_list(summary):
    planned = summary.loc["CMP07"]
    assert planned["campaign_status"] == "planned" and planned["gate_status"] == "planned"
    assert planned["n_assigned"] > 0 and planned["n_contacts"] == 0


def test_segment_breakdown_is_corrected_per_family(demo_build):
    seg = _frame(demo_build, "select * from campaigns.campaign_segment_effects")
    assert set(seg["dimension"]) == {"rfm_segment", "lifecycle_stage"}
    for _, g in seg.groupby(["campaign_id", "dimension"]):
        tested = g.dropna(subset=["p_value"])
        if len(tested):
            np.testing.assert_allclose(tested["p_value_bh"],
                                       stats.false_discovery_control(tested["p_value"], method="bh"))
            assert (tested["p_value_holm"] >= tested["p_value_bh"] - 1e-12).all()
        assert (g.loc[g["p_value"].isna(), "reason"].notna()).all()


# --------------------------------------------------------------------------------------
# the gate test, history, late data and degenerate campaigns
# --------------------------------------------------------------------------------------


def test_gate_test_fails_without_the_override_and_can_warn(demo_build, demo_data, tmp_path):
    shutil.copy(demo_build.db_path, tmp_path / "build.duckdb")
    vars_ = {"raw_data_path": str(demo_data), "as_of_date": AS_OF}
    select = ["test", "-s", "test_name:campaign_rollout_respects_gate"]
    strict = run_dbt(select, tmp_path, {**vars_, "campaign_gate_use_overrides": False}, check=False)
    assert strict.returncode != 0 and "FAIL 1" in strict.output
    warn = run_dbt(select, tmp_path, {**vars_, "campaign_gate_use_overrides": False,
                                      "campaign_gate_severity": "warn"}, check=False)
    assert warn.returncode == 0 and "WARN 1" in warn.output
    # with the recorded override (the default) the demo build passes it: see demo_build


def _append_csv(path, rows: list[dict]) -> None:
    with open(path, newline="") as f:
        header = next(csv.reader(f))
    with open(path, "a", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=header, lineterminator="\n")
        for row in rows:
            writer.writerow(row)


def test_history_keeps_each_refresh_and_degenerate_campaigns_get_statuses(demo_build, demo_data, tmp_path):
    """A rerun with no change adds no history; a late order adds exactly one version; a
    campaign without contacts and one without a control arm get statuses with reasons; and
    one feedback round: the planned CMP07's pilot, sent as assigned and answered, gets a gate."""
    work = tmp_path / "work"
    work.mkdir()
    shutil.copy(demo_build.db_path, work / "build.duckdb")
    data = tmp_path / "data"
    shutil.copytree(demo_data, data, ignore=shutil.ignore_patterns("_truth"))
    vars_ = {"raw_data_path": str(data), "as_of_date": AS_OF}
    snaps = ["snapshot", "-s", "snap_campaign_customer_metrics", "snap_campaign_summary"]

    def counts(build):
        return build.query("""select (select count(*) from snapshots.snap_campaign_customer_metrics),
                                     (select count(*) from snapshots.snap_campaign_summary)""")[0]

    before = counts(demo_build)
    assert before[0] == demo_build.query("select count(*) from campaigns.campaign_customer_metrics")[0][0]
    rerun = run_dbt(snaps, work, vars_)
    assert counts(rerun) == before  # nothing changed, nothing recorded

    with duckdb.connect(str(work / "build.duckdb"), read_only=True) as con:
        late = con.execute("""select customer_id, post_window_start_ts from campaigns.campaign_customer_metrics
            where campaign_id = 'CMP06' and arm = 'control' and post_orders = 0 order by customer_id limit 1""").fetchone()
        spare = [r[0] for r in con.execute("""select customer_id from staging.stg_customers
            order by customer_id limit 60""").fetchall()]
        pilot = con.execute("""select customer_id, arm, predicted_response from campaigns.campaign_assignments
            where campaign_id = 'CMP07' and phase = 'pilot' order by customer_id""").df()
    _append_csv(data / "orders.csv", [{"order_id": "O_LATE_1", "customer_id": late[0],
                                       "order_ts": str(late[1] + pd.Timedelta(days=2)),
                                       "order_amount": "42.00", "discount_amount": "", "status": "completed",
                                       "channel": "web"}])
    _append_csv(data / "campaigns.csv", [
        {"campaign_id": "CMP98", "campaign_name": "Never sent", "objective": "winback", "channel": "email",
         "start_date": "2026-05-01", "end_date": "2026-05-10", "cost_per_contact": "0.05", "fixed_cost": "100",
         "response_window_days": "14"},
        {"campaign_id": "CMP99", "campaign_name": "No holdout", "objective": "retention", "channel": "push",
         "start_date": "2026-05-01", "end_date": "2026-05-10", "cost_per_contact": "0.01", "fixed_cost": "50",
         "response_window_days": "14"}])
    _append_csv(data / "campaign_contacts.csv", [
        {"campaign_id": "CMP99", "customer_id": cid, "arm": "treatment", "phase": "pilot" if i < 12 else "rollout",
         "contacted_at": "2026-05-02 10:00:00", "predicted_response": "0.2"} for i, cid in enumerate(spare)])
    # the round: CMP07 starts, its pilot is sent as assigned, and about the predicted share responds
    _append_csv(data / "campaigns.csv", [
        {"campaign_id": "CMP07", "campaign_name": "Winback email - autumn", "objective": "winback",
         "channel": "email", "start_date": "2026-05-01", "end_date": "2026-05-02", "cost_per_contact": "0.05",
         "fixed_cost": "500", "response_window_days": "30"}])
    _append_csv(data / "campaign_contacts.csv", [
        {"campaign_id": "CMP07", "customer_id": r.customer_id, "arm": r.arm, "phase": "pilot",
         "contacted_at": "2026-05-01 09:00:00", "predicted_response": f"{r.predicted_response:.4f}"}
        for r in pilot.itertuples()])
    treated = pilot.loc[pilot["arm"] == "treatment"]
    n_respond = round(treated["predicted_response"].sum())
    # a winback's outcome is a completed order in the window (seed campaign_outcome_definitions):
    # the responders order, and the ESP's export lists their purchases
    responders = treated["customer_id"].iloc[:n_respond]
    _append_csv(data / "orders.csv", [
        {"order_id": f"O_CMP07_{i}", "customer_id": cid, "order_ts": "2026-05-06 12:00:00",
         "order_amount": "80.00", "discount_amount": "", "status": "completed", "channel": "web"}
        for i, cid in enumerate(responders)])
    _append_csv(data / "campaign_responses.csv", [
        {"campaign_id": "CMP07", "customer_id": cid, "responded_at": "2026-05-06 12:00:00",
         "response_type": "purchase", "revenue": "80.00"} for cid in responders])

    # the late order is dated weeks back, before the default incremental lookback: one run with
    # a larger lookback stages it (docs/refresh.md)
    rebuilt = run_dbt(["run", "-s", "+campaign_customer_metrics", "+campaign_results", "+campaign_pilot_gate",
                       "+campaign_srm_checks", "campaign_summary"], work,
                      {**vars_, "incremental_lookback_days": 3650})
    run_dbt(snaps, work, vars_)
    history = _frame(rebuilt, "select * from snapshots.snap_campaign_customer_metrics")
    old_keys = set(history.loc[history["campaign_id"] != "CMP99", "contact_key"])
    versions = history.loc[history["contact_key"].isin(old_keys)].groupby("contact_key").size()
    assert (versions > 1).sum() == 1 and versions.idxmax() == f"CMP06|{late[0]}"
    changed = history.loc[history["contact_key"] == f"CMP06|{late[0]}"].sort_values("dbt_valid_from")
    assert list(changed["post_orders"]) == [0, 1] and changed["dbt_valid_to"].iloc[0] is not pd.NaT
    assert (history["campaign_id"] == "CMP99").sum() == len(spare)

    summary = _frame(rebuilt, "select * from campaigns.campaign_summary").set_index("campaign_id")
    assert summary.loc["CMP98", "campaign_status"] == "no_contacts"
    assert summary.loc["CMP98", "gate_status"] == "no_contacts"
    assert summary.loc["CMP98", "result_status"] == "no_contacts"
    assert summary.loc["CMP99", "result_status"] == "missing_arm"
    assert "control" in summary.loc["CMP99", "result_reason"]
    assert pd.isna(summary.loc["CMP99", "uplift"])
    gate = _frame(rebuilt, "select * from campaigns.campaign_pilot_gate").set_index("campaign_id")
    assert "n = 0" in gate.loc["CMP99", "gate_reason"]  # no pilot control: no effect, said why
    srm = _frame(rebuilt, "select * from campaigns.campaign_srm_checks")
    assert srm.loc[srm["campaign_id"] == "CMP99", "is_mismatch"].fillna(False).any()

    round_ = summary.loc["CMP07"]
    assert round_["campaign_status"] == "complete" and not round_["is_planned_only"]
    assert round_["n_contacts"] == round_["n_pilot_contacts"] == round_["n_contacts_as_assigned"] == len(pilot)
    assert round_["gate_status"] == "pass", gate.loc["CMP07", "gate_reason"]
    assert gate.loc["CMP07", "predicted_mean"] == pytest.approx(treated["predicted_response"].round(4).mean())
    checks = set(srm.loc[srm["campaign_id"] == "CMP07", "check_name"])
    assert checks == {"arm_all", "arm_pilot"}  # pilot stage: the phase split is checked once rolled out
    assert not srm.loc[srm["campaign_id"] == "CMP07", "is_mismatch"].any()
