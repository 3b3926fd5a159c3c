"""End to end: the purchase model (BG/NBD, Gamma-Gamma) on the demo shop: fitted and converged at
both dates, in the profile, its training-date forecast close to the label window that followed,
and nothing after the training date reaching its training-date scores."""
from __future__ import annotations

import shutil

import pandas as pd
import pytest
from dbt_helpers import run_dbt

pytestmark = pytest.mark.e2e

SCORES = "select * from ml.ml_customer_purchase_scores where feature_date_role = 'training' order by customer_id"
PARAMETERS = "select * exclude (fit_seconds) from ml.ml_purchase_model_parameters where feature_date_role = 'training'"


def _frame(build, sql: str) -> pd.DataFrame:
    with build.connect() as con:
        return con.execute(sql).df()


def test_fitted_at_every_date_and_in_the_profile(demo_build):
    parameters = _frame(demo_build, "select * from ml.ml_purchase_model_parameters order by feature_date_role")
    assert list(parameters["feature_date_role"]) == ["backtest", "scoring", "training"]
    assert (parameters["model_status"] == "ok").all()
    assert parameters["bgnbd_converged"].all() and parameters["gg_converged"].all()
    n, n_scored, n_buyers, p_alive_ok = demo_build.query("""
        select count(*), count(clv), count(case when n_completed_orders > 0 then 1 end),
               bool_and(bgnbd_p_alive between 0 and 1 or bgnbd_p_alive is null)
        from marts.dim_customer_profile""")[0]
    assert n_scored == n_buyers > 0.9 * n and p_alive_ok


def test_the_training_date_forecast_matches_the_window_after_it(demo_build):
    """Fitted at the training date, the model forecasts the label window (training, as_of_date]:
    mean purchase days within 15 % of what happened, P(no purchase) within 0.05 of the churned
    share, customer by customer correlated."""
    frame = _frame(demo_build, """
        select p.bgnbd_expected_purchases, p.bgnbd_p_no_purchase,
               s.n_order_days - h.n_order_days as purchases_in_window
        from ml.ml_customer_purchase_scores as p
        inner join intermediate.int_customer_purchase_history as h
            on h.customer_id = p.customer_id and h.feature_date_role = 'training'
        inner join intermediate.int_customer_purchase_history as s
            on s.customer_id = p.customer_id and s.feature_date_role = 'scoring'
        where p.feature_date_role = 'training'""")
    assert len(frame) > 1000
    assert frame["bgnbd_expected_purchases"].mean() == pytest.approx(frame["purchases_in_window"].mean(), rel=0.15)
    assert frame["bgnbd_p_no_purchase"].mean() == pytest.approx((frame["purchases_in_window"] == 0).mean(), abs=0.05)
    assert frame["bgnbd_expected_purchases"].corr(frame["purchases_in_window"]) > 0.7


def test_orders_after_the_training_date_change_no_training_score(demo_build, demo_data, tmp_path):
    cutoff_end = pd.Timestamp(demo_build.query(
        "select feature_end_ts from intermediate.int_feature_dates where feature_date_role = 'training'")[0][0])
    folder = tmp_path / "data"
    shutil.copytree(demo_data, folder, ignore=shutil.ignore_patterns("_truth"))
    orders = pd.read_csv(folder / "orders.csv", dtype=str, keep_default_na=False)
    late = pd.to_datetime(orders["order_ts"], errors="coerce") >= cutoff_end
    assert late.sum() > 1000
    amount = pd.to_numeric(orders["order_amount"], errors="coerce")
    orders.loc[late, "order_amount"] = (amount[late] * 3).round(2).astype(str)
    orders = orders[~(late & (orders.index % 3 == 0))]
    orders.to_csv(folder / "orders.csv", index=False)
    changed = run_dbt(["build", "-s", "+ml_customer_purchase_scores", "+ml_purchase_model_parameters",
                       "--exclude", "test_type:data"], tmp_path, {"raw_data_path": str(folder), "as_of_date": "2026-06-30"})
    for sql in (SCORES, PARAMETERS):
        before, after = _frame(demo_build, sql), _frame(changed, sql)
        assert len(before) > 0
        pd.testing.assert_frame_equal(before, after, check_exact=False, rtol=1e-9, atol=1e-12)
    # the scoring date did see the change
    sql = "select sum(clv) from ml.ml_customer_purchase_scores where feature_date_role = 'scoring'"
    assert demo_build.query(sql) != changed.query(sql)
