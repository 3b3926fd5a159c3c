"""A generated e-mail experiment shaped like an ESP export, with its truth.

Two mailed arms (campaigns MAIL_A and MAIL_B, one experiment_id) share one unmailed control,
loaded once under MAIL_A; the arms are unequal (control 25%, each mailed arm 37.5%). The
response file holds opens, visits and purchases of the mailed customers only, as an ESP
exports it. Nobody orders in the 14 days before the start (the CUPED pre-window is empty), but
customers have older order history. Inside the 14-day window a customer converts (one
completed order) with a known probability per arm, so the true uplift, incremental revenue
and ROI are known exactly given the arm sizes.
"""
from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pandas as pd

START = pd.Timestamp("2026-03-02")
AS_OF = "2026-05-31"
WINDOW_DAYS = 14
N_CUSTOMERS = 9000
CONTROL_SHARE = 0.25
P_CONTROL = 0.03
P_TREAT = {"MAIL_A": 0.045, "MAIL_B": 0.038}
AMOUNT_MEAN = 100.0  # mean order amount (lognormal, sigma 0.6), the same in every arm
COST_PER_CONTACT = 0.10
FIXED_COST = 200.0
OPEN_RATE = 0.22
VISIT_RATE = 0.09


def _write(path: Path, rows: list[dict], columns: list[str]) -> None:
    with path.open("w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)


def write_shaped_export(folder: Path, seed: int = 7) -> pd.DataFrame:
    """Write customers, orders, campaigns, campaign_contacts and campaign_responses CSVs into
    ``folder``; return the truth per campaign (true_uplift, true_incremental_revenue,
    true_roi, n_treatment, n_control, cost)."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    ids = [f"E{i:06d}" for i in range(N_CUSTOMERS)]
    u = rng.random(N_CUSTOMERS)
    arm = np.where(u < CONTROL_SHARE, "control",
                   np.where(u < CONTROL_SHARE + (1 - CONTROL_SHARE) / 2, "MAIL_A", "MAIL_B"))
    # history: a customer's spend, frequency and recency before the start drive their
    # propensity to buy (the same in every arm); nobody orders in the last 60 days before it
    n_hist = rng.poisson(1.5, N_CUSTOMERS)
    propensity = np.exp(0.35 * (n_hist - 1.5))
    customers, orders, contacts, responses = [], [], [], []
    oid = 0
    sigma = 0.6
    mu = np.log(AMOUNT_MEAN) - sigma ** 2 / 2
    for i, cid in enumerate(ids):
        customers.append({"customer_id": cid, "signup_date": "2023-06-01"})
        for _ in range(n_hist[i]):
            oid += 1
            ts = START - pd.Timedelta(days=int(rng.integers(60, 700))) + pd.Timedelta(seconds=int(rng.integers(0, 86400)))
            orders.append({"order_id": f"O{oid:08d}", "customer_id": cid, "order_ts": str(ts),
                           "order_amount": f"{rng.lognormal(mu, sigma):.2f}", "status": "completed"})
        p = P_CONTROL if arm[i] == "control" else P_TREAT[arm[i]]
        # the propensity tilts who converts, its mean over customers is ~1: rescale below
        converted = rng.random() < min(1.0, p * propensity[i] / _MEAN_PROPENSITY)
        campaign = "MAIL_A" if arm[i] == "control" else arm[i]
        mailed = arm[i] != "control"
        contacted = START + pd.Timedelta(hours=9) if mailed else START
        contacts.append({"campaign_id": campaign, "customer_id": cid,
                         "arm": "treatment" if mailed else "control", "phase": "rollout",
                         "contacted_at": str(contacted) if mailed else ""})
        if converted:
            oid += 1
            ts = contacted + pd.Timedelta(seconds=int(rng.integers(60, WINDOW_DAYS * 86400 - 60)))
            amount = rng.lognormal(mu, sigma)
            orders.append({"order_id": f"O{oid:08d}", "customer_id": cid, "order_ts": str(ts),
                           "order_amount": f"{amount:.2f}", "status": "completed"})
            if mailed:
                responses.append({"campaign_id": campaign, "customer_id": cid, "responded_at": str(ts),
                                  "response_type": "purchase", "revenue": f"{amount:.2f}"})
        if mailed and rng.random() < OPEN_RATE:
            ts = contacted + pd.Timedelta(seconds=int(rng.integers(60, 3 * 86400)))
            responses.append({"campaign_id": campaign, "customer_id": cid, "responded_at": str(ts),
                              "response_type": "open", "revenue": ""})
            if rng.random() < VISIT_RATE / OPEN_RATE:
                responses.append({"campaign_id": campaign, "customer_id": cid,
                                  "responded_at": str(ts + pd.Timedelta(minutes=3)),
                                  "response_type": "visit", "revenue": ""})
    campaigns = [
        {"campaign_id": c, "campaign_name": f"Spring e-mail {c[-1]}", "objective": "purchase",
         "channel": "email", "start_date": str(START.date()), "end_date": str((START + pd.Timedelta(days=7)).date()),
         "cost_per_contact": f"{COST_PER_CONTACT:.2f}", "fixed_cost": f"{FIXED_COST:.2f}",
         "response_window_days": WINDOW_DAYS, "experiment_id": "SPRING_MAIL"}
        for c in ("MAIL_A", "MAIL_B")
    ]
    _write(folder / "customers.csv", customers, ["customer_id", "signup_date"])
    _write(folder / "orders.csv", orders, ["order_id", "customer_id", "order_ts", "order_amount", "status"])
    _write(folder / "campaigns.csv", campaigns, list(campaigns[0]))
    _write(folder / "campaign_contacts.csv", contacts,
           ["campaign_id", "customer_id", "arm", "phase", "contacted_at"])
    _write(folder / "campaign_responses.csv", responses,
           ["campaign_id", "customer_id", "responded_at", "response_type", "revenue"])
    n_c = int((arm == "control").sum())
    truth = []
    for camp, p_t in P_TREAT.items():
        n_t = int((arm == camp).sum())
        inc = (p_t - P_CONTROL) * AMOUNT_MEAN * n_t
        cost = COST_PER_CONTACT * n_t + FIXED_COST
        truth.append({"campaign_id": camp, "n_treatment": n_t, "n_control": n_c,
                      "true_uplift": p_t - P_CONTROL, "true_incremental_revenue": inc,
                      "cost": cost, "true_roi": (inc - cost) / cost})
    return pd.DataFrame(truth).set_index("campaign_id")


# E[exp(0.35 (K - 1.5))] for K ~ Poisson(1.5): exp(1.5 (e^0.35 - 1) - 0.525)
_MEAN_PROPENSITY = float(np.exp(1.5 * (np.exp(0.35) - 1) - 0.35 * 1.5))
