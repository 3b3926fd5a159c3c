"""A sparse customer panel for the label-model tests: mostly one- and two-order customers.

Not the demo generator: a small BG/NBD-like simulation written for the tests. Each customer
signs up on a uniform day of the two years before ``end_date``, places a first order then,
and afterwards buys at a Poisson rate lambda ~ Gamma(0.6, 1/60 per day) while alive,
dropping out after each purchase with probability p ~ Beta(1.5, 2). With these rates most
customers order once or twice, a few often; whether someone buys again depends on their
(hidden) rate and dropout, which recency and frequency only partly reveal. Only the two
required tables are written (customers.csv, orders.csv), in the contract's layout.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd


def write_sparse_panel(folder: Path, n_customers: int, seed: int, end_date: str) -> dict[str, float]:
    """Writes customers.csv and orders.csv to ``folder``; returns the share of customers with
    one, two and more completed orders."""
    rng = np.random.default_rng(seed)
    end = pd.Timestamp(end_date)
    days = 730
    signup = rng.integers(0, days, n_customers)
    rate = rng.gamma(0.6, 1 / 60, n_customers)
    dropout = rng.beta(1.5, 2.0, n_customers)
    rows = []
    for i in range(n_customers):
        t = float(signup[i])
        while t < days:
            rows.append((i, t))
            if rng.random() < dropout[i]:
                break
            t += rng.exponential(1 / rate[i])
    orders = pd.DataFrame(rows, columns=["customer", "day"])
    start = end - pd.Timedelta(days=days - 1)
    ts = start + pd.to_timedelta(orders["day"], unit="D")
    ids = [f"S{i:06d}" for i in range(n_customers)]
    amount = np.round(rng.gamma(2.0, 40.0, len(orders)) + 5, 2)
    pd.DataFrame({
        "order_id": [f"SO{k:08d}" for k in range(len(orders))],
        "customer_id": [ids[i] for i in orders["customer"]],
        "order_ts": ts.dt.strftime("%Y-%m-%d %H:%M:%S"),
        "order_amount": [f"{a:.2f}" for a in amount],
        "discount_amount": "",
        "status": "completed",
        "channel": rng.choice(["web", "app"], len(orders)),
    }).to_csv(folder / "orders.csv", index=False)
    pd.DataFrame({
        "customer_id": ids,
        "signup_date": (start + pd.to_timedelta(signup, unit="D")).strftime("%Y-%m-%d"),
        "birth_year": rng.integers(1950, 2005, n_customers),
        "gender": rng.choice(["female", "male", ""], n_customers),
        "city": "", "region": rng.choice(["north", "south", "east", "west"], n_customers),
        "acquisition_channel": rng.choice(["organic", "paid", "social"], n_customers),
        "member_tier": "", "email": "", "phone": "",
    }).to_csv(folder / "customers.csv", index=False)
    counts = orders.groupby("customer").size().reindex(range(n_customers), fill_value=0)
    return {"one": float((counts == 1).mean()), "two": float((counts == 2).mean()),
            "more": float((counts > 2).mean())}
