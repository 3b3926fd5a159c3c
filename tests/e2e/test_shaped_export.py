"""The campaign loop on an e-mail experiment shaped like an ESP export (tests/shaped_export.py):
two mailed arms share one unmailed control, responses exist for the mailed only, nobody
ordered in the pre-window, the arms are unequal and the true effect is known. Every headline
number is checked against the generator's truth."""
from __future__ import annotations

import pandas as pd
import pytest
from dbt_helpers import run_dbt
from shaped_export import AS_OF, CONTROL_SHARE, N_CUSTOMERS, write_shaped_export

VARS_EXTRA = {"campaign_control_share": CONTROL_SHARE}


@pytest.fixture(scope="module")
def shaped(tmp_path_factory):
    work = tmp_path_factory.mktemp("shaped_export")
    truth = write_shaped_export(work / "data")
    vars_ = {"raw_data_path": str(work / "data"), "as_of_date": AS_OF, **VARS_EXTRA}
    # seed + run, then the campaign models. tests (the purchase model's own tests are not the
    # point here: this export has no recent activity at all before the campaign)
    run_dbt(["seed"], work, vars_)
    run_dbt(["run", "--select", "+path:models/campaigns"], work, vars_)
    run_dbt(["test", "--select", "path:models/campaigns"], work, vars_)
    return truth, work


def _frame(work, sql: str) -> pd.DataFrame:
    import duckdb
    with duckdb.connect(str(work / "build.duckdb"), read_only=True) as con:
        return con.sql(sql).df()


@pytest.fixture(scope="module")
def summary(shaped) -> pd.DataFrame:
    _, work = shaped
    return _frame(work, "select * from campaigns.campaign_summary").set_index("campaign_id")


def test_headline_numbers_match_the_truth_inside_their_intervals(shaped, summary):
    truth, _ = shaped
    for cid, t in truth.iterrows():
        row = summary.loc[cid]
        assert row["n_treatment"] == t["n_treatment"] and row["n_control"] == t["n_control"]
        assert row["uplift_ci_low"] <= t["true_uplift"] <= row["uplift_ci_high"], cid
        assert row["incremental_revenue_ci_low"] <= t["true_incremental_revenue"] <= row["incremental_revenue_ci_high"], cid
        assert row["roi_ci_low"] <= t["true_roi"] <= row["roi_ci_high"], cid
        assert row["cost"] == pytest.approx(t["cost"])
        assert row["roi_pct"] == pytest.approx(100 * row["roi"])
        # the control has orders, so its rate is not 0, and the uplift is on orders, not on
        # the ESP's opens (about 22 points)
        assert row["response_rate_control"] > 0.02
        assert abs(row["uplift"] - t["true_uplift"]) < 0.02
        assert row["outcome_source"] == "orders"
        assert row["verdict"] in ("scale_up", "stop", "inconclusive")
        if row["verdict"] == "inconclusive":
            assert row["n_per_arm_to_decide"] > row["n_control"]


def test_asymmetric_response_records_are_flagged(summary):
    for cid in ("MAIL_A", "MAIL_B"):
        row = summary.loc[cid]
        assert row["measurement_status"] == "one_sided_responses"
        assert "asymmetric measurement" in row["result_reason"]
        assert row["response_record_rate_control"] == 0
        assert row["response_record_rate_treatment"] > 0.15  # what the old headline compared


def test_each_treatment_is_compared_with_the_shared_control(shaped):
    _, work = shaped
    outcomes = _frame(work, "select * from campaigns.campaign_contact_outcomes")
    control = outcomes.loc[outcomes["arm"] == "control"]
    # the control was loaded under MAIL_A only and serves both campaigns
    assert set(control.groupby("campaign_id")["customer_id"].nunique().index) == {"MAIL_A", "MAIL_B"}
    a = set(control.loc[control["campaign_id"] == "MAIL_A", "customer_id"])
    b = set(control.loc[control["campaign_id"] == "MAIL_B", "customer_id"])
    assert a == b
    assert (control.loc[control["campaign_id"] == "MAIL_B", "control_source_campaign_id"] == "MAIL_A").all()
    # the results are the plain difference against that control, in orders
    results = _frame(work, "select * from campaigns.campaign_results").set_index("campaign_id")
    for cid in ("MAIL_A", "MAIL_B"):
        mine = outcomes.loc[outcomes["campaign_id"] == cid]
        t, c = mine.loc[mine["arm"] == "treatment"], mine.loc[mine["arm"] == "control"]
        assert results.loc[cid, "uplift"] == pytest.approx(t["converted"].mean() - c["converted"].mean())
        inc = (t["order_revenue"].mean() - c["order_revenue"].mean()) * len(t)
        assert results.loc[cid, "incremental_revenue"] == pytest.approx(inc)


def test_srm_uses_the_planned_shares_of_the_whole_experiment(shaped):
    _, work = shaped
    srm = _frame(work, "select * from campaigns.campaign_srm_checks where check_name = 'arm_all'")
    assert len(srm) == 2
    assert (srm["n_customers"] == N_CUSTOMERS).all()
    assert (srm["planned_share_second"] == CONTROL_SHARE).all()
    assert not srm["is_mismatch"].any()


def test_regression_adjustment_works_where_cuped_has_no_pre_window(shaped):
    truth, work = shaped
    eff = _frame(work, "select * from campaigns.campaign_effects where metric = 'revenue'")
    eff = eff.set_index(["campaign_id", "estimator"])
    for cid, t in truth.iterrows():
        cuped = eff.loc[(cid, "cuped")]
        assert "no variance" in cuped["reason"]  # nobody ordered in the pre-window
        adj = eff.loc[(cid, "regression_adjusted")]
        assert adj["variance_reduction"] > 0.0
        per_contact = t["true_incremental_revenue"] / t["n_treatment"]
        assert adj["ci_low"] <= per_contact <= adj["ci_high"]
        plain = eff.loc[(cid, "post_mean_difference")]
        assert adj["ci_high"] - adj["ci_low"] <= plain["ci_high"] - plain["ci_low"]
