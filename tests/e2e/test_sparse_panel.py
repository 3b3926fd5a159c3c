"""End to end: the label models on a sparse panel (mostly one- and two-order customers,
tests/sparse_panel.py). Every published model beats the majority class on log loss, the
metrics are split by order-count band, and churn is not simply "has one order"."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from dbt_helpers import run_dbt
from sklearn.metrics import roc_auc_score
from sparse_panel import write_sparse_panel

pytestmark = pytest.mark.e2e

END = "2026-06-30"


@pytest.fixture(scope="module")
def sparse_build(tmp_path_factory):
    work = tmp_path_factory.mktemp("sparse_build")
    folder = work / "data"
    folder.mkdir()
    shares = write_sparse_panel(folder, n_customers=3000, seed=7, end_date=END)
    assert shares["one"] > 0.5 and shares["one"] + shares["two"] > 0.75
    return run_dbt(["build", "-s", "+ml_customer_label_scores", "+ml_label_model_metrics",
                    "+ml_label_model_band_metrics", "--exclude", "test_type:unit", "--indirect-selection", "cautious"],
                   work, {"raw_data_path": str(folder), "as_of_date": END})


def _frame(build, sql: str) -> pd.DataFrame:
    with build.connect() as con:
        return con.execute(sql).df()


def test_every_published_model_beats_the_majority_class_on_log_loss(sparse_build):
    m = _frame(sparse_build, "select * from ml.ml_label_model_metrics where metric = 'log_loss'")
    assert set(m["target"]) == {"churn_risk", "lifecycle_stage", "value_tier"}
    for target, rows in m.groupby("target"):
        published = rows[rows["is_published"]]
        assert len(published) == 1, target
        majority = rows.loc[rows["model"] == "majority_class", "value"].iloc[0]
        if published["model"].iloc[0] == "majority_class":
            assert "no candidate beats" in published["selection_reason"].iloc[0]
        else:
            assert published["value"].iloc[0] < majority, target
    # the published churn probabilities come with the purchase model's candidate next to them
    assert {"bgnbd_p_no_purchase", "recency_rank"} <= set(
        _frame(sparse_build, "select model from ml.ml_label_model_metrics where target = 'churn_risk'")["model"])


def test_churn_publishes_the_candidate_the_log_loss_rule_picks(sparse_build):
    """On this panel BG/NBD's P(no purchase) is a candidate for churn like the others: whichever
    the rule picks from the table's own log losses is published, and when it is BG/NBD the
    scoring-date probabilities are the purchase model's (customers it does not score: one fill)."""
    from customer_activation.labels.calibration import CANDIDATES, choose_candidate
    from customer_activation.settings import registry

    m = _frame(sparse_build, "select model, model_role, value, is_published, selection_reason "
                             "from ml.ml_label_model_metrics where target = 'churn_risk' and metric = 'log_loss'")
    loss = dict(zip(m["model"], m["value"]))
    assert m.loc[m["model"] == "bgnbd_p_no_purchase", "model_role"].tolist() == ["challenger"]
    margin = next(e["default"] for e in registry() if e["name"] == "label_model_selection_margin")
    chosen, _ = choose_candidate({name: loss.get(name) for name in CANDIDATES}, margin)
    assert m.loc[m["is_published"], "model"].tolist() == [chosen]
    # with the best log loss by the margin over every other candidate, BG/NBD is what is published
    others = [loss[n] for n in CANDIDATES if n != "bgnbd_p_no_purchase" and pd.notna(loss.get(n))]
    if loss["bgnbd_p_no_purchase"] < min(others) - margin:
        assert chosen == "bgnbd_p_no_purchase"
    if chosen != "bgnbd_p_no_purchase":
        return
    published = _frame(sparse_build, "select distinct published_model from ml.ml_label_model_parameters "
                                     "where target = 'churn_risk'")["published_model"].tolist()
    assert published == ["bgnbd_p_no_purchase"]
    got = _frame(sparse_build, """
        select s.customer_id, s.probability, s.model_version, s.decision_weight, p.bgnbd_p_no_purchase
        from ml.ml_customer_label_scores as s
        left join ml.ml_customer_purchase_scores as p
            on p.customer_id = s.customer_id and p.feature_date_role = 'scoring'
        where s.target = 'churn_risk' and s.class_label = 'churned'""")
    scored = got["bgnbd_p_no_purchase"].notna()
    assert scored.mean() > 0.5
    assert np.abs(got.loc[scored, "probability"] - got.loc[scored, "bgnbd_p_no_purchase"].clip(1e-6, 1 - 1e-6)).max() < 1e-12
    assert got.loc[~scored, "probability"].nunique() <= 1  # the documented fill
    assert got["model_version"].nunique() == 1 and (got["decision_weight"] > 1).all()
    runs = _frame(sparse_build, "select model_version, reason from ml.ml_label_model_fit "
                                 "where result_kind = 'runs' and target = 'churn_risk'")
    assert got["model_version"].iloc[0] in set(runs["model_version"])


def test_metrics_by_order_band_and_churn_is_not_one_order(sparse_build):
    # the candidate model (on this panel the majority class may be what is published: then the
    # regression is what a better calibration would publish, and it must not be "one order")
    bands = _frame(sparse_build, "select * from ml.ml_label_model_band_metrics where target = 'churn_risk' "
                                 "and model = 'logistic_regression'")
    assert {"1", "2-3", "4+"} <= set(bands["order_band"])
    # among the one-order customers alone the model still ranks churn
    auc_one = bands.loc[(bands["order_band"] == "1") & (bands["metric"] == "roc_auc_ovr"), "value"].iloc[0]
    assert auc_one > 0.55
    # and overall it ranks better than the one-order flag would
    labels = _frame(sparse_build, """
        select l.label = 'churned' as churned, coalesce(h.n_order_days, 0) = 1 as one_order
        from ml.ml_training_labels as l
        left join intermediate.int_customer_purchase_history as h
            on h.customer_id = l.customer_id and h.feature_date_role = 'training'
        where l.target = 'churn_risk' and l.feature_date_role = 'training'""")
    flag_auc = roc_auc_score(labels["churned"], labels["one_order"].astype(float))
    overall = _frame(sparse_build, "select value from ml.ml_label_model_metrics where target = 'churn_risk' "
                                   "and model = 'logistic_regression' and metric = 'roc_auc_ovr'")["value"].iloc[0]
    assert overall > flag_auc + 0.02
    scores = _frame(sparse_build, "select probability from ml.ml_customer_label_scores "
                                  "where target = 'churn_risk' and class_label = 'churned'")
    assert np.isfinite(scores["probability"]).all()
