"""Synthetic campaigns and contacts shared by the tests of the campaign steps (tests/python/campaigns)."""

from __future__ import annotations

import numpy as np
import pandas as pd

# --------------------------------------------------------------------------------------
# synthetic campaigns
# --------------------------------------------------------------------------------------


def synthetic_campaigns(ids=("A", "B"), starts=("2025-01-01", "2025-06-01"), control_share=0.2,
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


def synthetic_outcomes(campaign_id: str, n: int, p_control: float, uplift: float, start: str,
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
        # the primary outcome measured in both arms: here every response is a completed order
        "converted": responded, "n_orders": responded, "order_revenue": revenue,
        "outcome_source": "orders",
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
