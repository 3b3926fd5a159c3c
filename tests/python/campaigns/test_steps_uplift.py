"""The uplift model (two-model, out of time) and its Qini / AUUC metrics."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from customer_activation.campaigns.stats.uplift import qini_curve, uplift_ranking_metrics
from customer_activation.campaigns.steps.uplift import uplift_metrics
from registry_defaults import with_registry_defaults

metrics = with_registry_defaults(uplift_metrics, C="campaign_response_model_c",
                                 min_rows="campaign_response_model_min_rows",
                                 random_state="random_seed")


def _campaign(cid: str, start: str, n: int, seed: int):
    """Treatment moves only customers with high spend (x > 0); the baseline is driven by z."""
    rng = np.random.default_rng(seed)
    x, z = rng.normal(size=n), rng.normal(size=n)
    treated = rng.random(n) < 0.5
    p = 1 / (1 + np.exp(-(-2.0 + 1.2 * z))) + np.where(treated & (x > 0), 0.25, 0.0)
    y = (rng.random(n) < np.clip(p, 0, 1)).astype(int)
    ids = [f"{cid}-{i}" for i in range(n)]
    outcomes = pd.DataFrame({"campaign_id": cid, "customer_id": ids,
                             "arm": np.where(treated, "treatment", "control"), "converted": y,
                             "is_window_complete": True,
                             "window_end_ts": pd.Timestamp(start) + pd.Timedelta(days=30)})
    features = pd.DataFrame({"feature_context": "contact", "campaign_id": cid, "customer_id": ids,
                             "monetary": np.exp(3 + x), "frequency": np.exp(1 + z).round(),
                             "tenure_days": 400, "has_completed_order": 1})
    # the response model ranks by P(outcome | treated): mostly the baseline z
    preds = pd.DataFrame({"campaign_id": cid, "customer_id": ids,
                          "model_predicted_response": 1 / (1 + np.exp(-(-2.0 + 1.2 * z)))})
    return outcomes, features, preds, x > 0


def test_qini_of_a_perfect_and_a_random_ranking():
    y = np.array([1, 0, 1, 0, 0, 0, 0, 0])
    t = np.array([1, 1, 1, 1, 0, 0, 0, 0], bool)
    frac, q = qini_curve(y, t, np.array([8, 1, 7, 2, 6, 5, 4, 3]))
    assert frac[0] == 0 and q[0] == 0 and frac[-1] == 1
    assert q[-1] == pytest.approx((2 - 0 * 4 / 4) / 8)
    good = uplift_ranking_metrics(y, t, np.array([8, 1, 7, 2, 6, 5, 4, 3]), 0.5)
    assert good["qini_coefficient"] > 0


def test_uplift_model_beats_random_and_response_ranking_on_qini():
    a = _campaign("A", "2025-01-01", 6000, 1)
    b = _campaign("B", "2025-06-01", 6000, 2)
    outcomes = pd.concat([a[0], b[0]], ignore_index=True)
    features = pd.concat([a[1], b[1]], ignore_index=True)
    preds = pd.concat([a[2], b[2]], ignore_index=True)
    campaigns = pd.DataFrame({"campaign_id": ["A", "B"], "start_date": ["2025-01-01", "2025-06-01"],
                              "objective": "purchase", "channel": "email", "response_window_days": 30})
    out = metrics(outcomes, features, campaigns, preds, top_k=0.3).set_index(["campaign_id", "ranking"])
    # A has no earlier campaign: no uplift model, said why
    assert pd.isna(out.loc[("A", "uplift_model"), "auuc"])
    assert "earlier" in out.loc[("A", "uplift_model"), "reason"]
    up, rnd, resp = (out.loc[("B", r)] for r in ("uplift_model", "random", "response_model"))
    assert up["training_campaigns"] == "A"
    assert up["qini_coefficient"] > 0.01 > abs(rnd["qini_coefficient"])
    assert up["auuc"] > rnd["auuc"] and up["auuc"] > resp["auuc"]
    assert up["uplift_top_k"] > 0.2 > rnd["uplift_top_k"]
