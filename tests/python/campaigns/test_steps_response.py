"""Tests for customer_activation.campaigns.steps: the campaign loop's Python steps (the response model).

Each step is checked against scipy/numpy on the same numbers, on synthetic campaigns with a
known effect, and on the degenerate inputs real campaign tables produce (a campaign without
contacts, an arm with no customers, a pilot without predictions, open windows).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from campaign_frames import synthetic_campaigns, synthetic_outcomes
from customer_activation.campaigns.steps import response
from registry_defaults import with_registry_defaults
from scipy import stats

fit_response_model = with_registry_defaults(response.fit_response_model, C="campaign_response_model_c", min_rows="campaign_response_model_min_rows", random_state="random_seed")
response_predictions = with_registry_defaults(response.response_predictions, C="campaign_response_model_c", min_rows="campaign_response_model_min_rows", random_state="random_seed")
response_scores = with_registry_defaults(response.response_scores, C="campaign_response_model_c", min_rows="campaign_response_model_min_rows", random_state="random_seed", ranking="campaign_audience_ranking")


@pytest.fixture(scope="module")
def two_campaigns():
    oa, fa = synthetic_outcomes("A", 3000, 0.2, 0.05, "2025-01-01", seed=1)
    ob, fb = synthetic_outcomes("B", 3000, 0.2, 0.05, "2025-06-01", seed=2)
    return (pd.concat([oa, ob], ignore_index=True), pd.concat([fa, fb], ignore_index=True),
            synthetic_campaigns())


# --------------------------------------------------------------------------------------
# the response model
# --------------------------------------------------------------------------------------


def test_response_model_is_calibrated_and_ranks(two_campaigns):
    outcomes, features, campaigns = two_campaigns
    train = response._training_rows(outcomes, features.drop(columns="feature_context"), campaigns)
    model = fit_response_model(train, C=1.0, min_rows=50)
    assert model.status == "ok" and model.reason is None
    p = model.predict(train)
    assert p.mean() == pytest.approx(train["responded"].mean(), abs=0.01)  # unweighted LR
    from sklearn.metrics import roc_auc_score
    assert roc_auc_score(train["responded"], p) > 0.65
    assert "objective__winback" in model.feature_names
    assert len(model.version) == 12
    # same data -> same version; different data -> different version
    assert fit_response_model(train).version == model.version
    assert fit_response_model(train.iloc[:-1]).version != model.version


def test_response_model_degenerate_gives_reasons_and_nan():
    outcomes, features = synthetic_outcomes("A", 30, 0.2, 0.0, "2025-01-01", seed=3)
    train = response._training_rows(outcomes, features.drop(columns="feature_context"), synthetic_campaigns(["A"], ["2025-01-01"]))
    few = fit_response_model(train, min_rows=50)
    assert few.status == "too_few_rows" and "< 50" in few.reason
    assert np.isnan(few.predict(train)).all()
    train = train.assign(responded=0)
    single = fit_response_model(train, min_rows=5)
    assert single.status == "single_class" and np.isnan(single.predict(train)).all()
    empty = fit_response_model(train.iloc[:0], min_rows=5)
    assert empty.status == "too_few_rows" and empty.n_rows == 0


def test_rolling_predictions_never_see_the_campaigns_own_outcome(two_campaigns):
    outcomes, features, campaigns = two_campaigns
    pred = response_predictions(outcomes, features, campaigns)
    assert list(pred.columns) == list(response.PREDICTION_COLUMNS)
    a = pred.loc[pred["campaign_id"] == "A"]
    b = pred.loc[pred["campaign_id"] == "B"]
    assert (a["model_status"] == "no_prior_campaigns").all() and a["model_predicted_response"].isna().all()
    assert (b["model_status"] == "ok").all() and (b["training_campaigns"] == "A").all()
    # flipping B's own responses changes nothing in B's predictions
    flipped = outcomes.copy()
    is_b = flipped["campaign_id"] == "B"
    flipped.loc[is_b, "responded"] = 1 - flipped.loc[is_b, "responded"]
    again = response_predictions(flipped, features, campaigns)
    np.testing.assert_allclose(again.loc[again["campaign_id"] == "B", "model_predicted_response"],
                               b["model_predicted_response"])
    # a campaign whose window had not closed before B started is not used for B
    late = outcomes.copy()
    late.loc[late["campaign_id"] == "A", "window_end_ts"] = pd.Timestamp("2025-06-15")
    late_pred = response_predictions(late, features, campaigns)
    assert (late_pred.loc[late_pred["campaign_id"] == "B", "model_status"] == "no_prior_campaigns").all()


def test_response_scores_for_a_plan(two_campaigns):
    outcomes, features, campaigns = two_campaigns
    scoring = features.loc[features["campaign_id"] == "B"].assign(
        feature_context="scoring", campaign_id=None)
    members = pd.DataFrame({"audience_name": "aud", "customer_id": scoring["customer_id"].iloc[:100]})
    plans = pd.DataFrame({"campaign_id": ["P1"], "audience_name": ["aud"], "objective": ["winback"],
                          "channel": ["email"], "response_window_days": [30]})
    scores = response_scores(members, plans, outcomes, pd.concat([features, scoring]), campaigns)
    assert list(scores.columns) == list(response.SCORE_COLUMNS)
    assert len(scores) == 100 and scores["predicted_response"].between(0, 1).all()
    assert (scores["training_campaigns"] == "A, B").all()
    # higher x -> lower recency -> higher predicted response
    merged = scores.merge(scoring, on="customer_id")
    assert stats.spearmanr(merged["predicted_response"], merged["recency_days"])[0] < -0.5
    none = response_scores(members.iloc[:0], plans.iloc[:0], outcomes, features, campaigns)
    assert none.empty and list(none.columns) == list(response.SCORE_COLUMNS)
    # the default ranks by response; campaign_audience_ranking = uplift ranks by the uplift model
    assert (scores["ranked_by"] == "response").all()
    assert (scores["ranking_score"] == scores["predicted_response"]).all()
    by_uplift = response_scores(members, plans, outcomes, pd.concat([features, scoring]), campaigns,
                                ranking="uplift")
    assert (by_uplift["ranked_by"] == "uplift").all()
    assert by_uplift["predicted_uplift"].notna().all()
    assert (by_uplift["ranking_score"] == by_uplift["predicted_uplift"]).all()
    with pytest.raises(ValueError, match="ranking"):
        response_scores(members, plans, outcomes, features, campaigns, ranking="loudest")
