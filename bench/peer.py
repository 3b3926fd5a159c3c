"""The peer: what a user would otherwise write — RFM with pandas groupby over the same orders.

    python bench/peer.py --data DIR --project-db FILE --as-of 2026-06-30 --out peer.json

Idiomatic, vectorised pandas (named aggregations, no per-group Python): read customers and
orders from Parquet, keep the valid rows (the same checks and de-duplication as the floor's
`clean`), then for each of the three feature dates: completed orders before the end of the day
-> last order, count, net spend per customer; recency in days; scores ceil(5 x cume_dist) among
the customers with a completed order (cume_dist = rank(method='max', pct=True)). Timed in three
parts (read, clean, rfm); the result is checked against the project's int_customer_rfm
(customers with a completed order, every feature date: recency, frequency, monetary to the
cent, the three scores).
"""
from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import pandas as pd
from json_output import write_json

ROLES = [("scoring", 0), ("training", 90), ("backtest", 180)]
N_BINS = 5


def read(data: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    customers = pd.read_parquet(data / "customers.parquet", columns=["customer_id", "signup_date", "birth_year"])
    orders = pd.read_parquet(data / "orders.parquet",
                             columns=["order_id", "customer_id", "order_ts", "order_amount", "discount_amount",
                                      "status", "channel"])
    return customers, orders


def clean(customers: pd.DataFrame, orders: pd.DataFrame, as_of: str, min_date: str = "1990-01-01") -> pd.DataFrame:
    end = pd.Timestamp(as_of) + pd.Timedelta(days=1)
    signup = pd.to_datetime(customers["signup_date"])
    ok_customer = (customers["customer_id"].notna()
                   & (customers["birth_year"].isna() | customers["birth_year"].between(1900, pd.Timestamp(as_of).year))
                   & (signup.isna() | ((signup < end) & (signup >= pd.Timestamp(min_date)))))
    kept_customers = pd.Index(customers.loc[ok_customer, "customer_id"].unique())
    amount = orders["order_amount"].astype("float64")
    discount = orders["discount_amount"].astype("float64")
    status = orders["status"].str.lower()
    ok = (orders["order_id"].notna() & orders["customer_id"].notna() & orders["order_ts"].notna()
          & amount.notna() & status.isin(["completed", "cancelled", "returned"])
          & (orders["order_ts"] < end) & (orders["order_ts"] >= pd.Timestamp(min_date))
          & ~((status == "completed") & (amount < 0)) & ~(discount < 0)
          & orders["customer_id"].isin(kept_customers))
    kept = pd.DataFrame({"order_id": orders["order_id"], "customer_id": orders["customer_id"],
                         "order_ts": orders["order_ts"], "status": status,
                         "net_amount": np.where(status == "completed", amount, 0.0),
                         "incomplete": discount.isna().astype(int) + orders["channel"].isna().astype(int)})[ok]
    # a duplicated order_id keeps its latest version (then the most complete)
    kept = kept.sort_values(["order_id", "order_ts", "incomplete"], ascending=[True, False, True])
    return kept.drop_duplicates("order_id", keep="first")


def rfm(orders: pd.DataFrame, as_of: str) -> pd.DataFrame:
    completed = orders[orders["status"] == "completed"]
    frames = []
    for role, offset in ROLES:
        feature_date = pd.Timestamp(as_of) - pd.Timedelta(days=offset)
        seen = completed[completed["order_ts"] < feature_date + pd.Timedelta(days=1)]
        g = seen.groupby("customer_id").agg(last_ts=("order_ts", "max"), frequency=("order_id", "size"),
                                            monetary=("net_amount", "sum"))
        g["monetary"] = g["monetary"].round(2)  # float sums: equal spends must tie
        g["recency_days"] = (feature_date - g["last_ts"].dt.normalize()).dt.days
        g["r_score"] = np.ceil(N_BINS * (-g["recency_days"]).rank(method="max", pct=True)).astype(int)
        g["f_score"] = np.ceil(N_BINS * g["frequency"].rank(method="max", pct=True)).astype(int)
        g["m_score"] = np.ceil(N_BINS * g["monetary"].rank(method="max", pct=True)).astype(int)
        g["feature_date_role"] = role
        frames.append(g.drop(columns="last_ts").reset_index())
    return pd.concat(frames, ignore_index=True)


def check(result: pd.DataFrame, project_db: Path) -> dict:
    import duckdb
    con = duckdb.connect(str(project_db), read_only=True)
    project = con.execute(
        "select customer_id, feature_date_role, recency_days, frequency, cast(monetary as double) as monetary, "
        "r_score, f_score, m_score from intermediate.int_customer_rfm where has_completed_order").df()
    con.close()
    merged = result.merge(project, on=["customer_id", "feature_date_role"], how="outer",
                          suffixes=("_peer", "_project"), indicator=True)
    both = merged[merged["_merge"] == "both"]
    differ = ((both["recency_days_peer"] != both["recency_days_project"])
              | (both["frequency_peer"] != both["frequency_project"])
              | ((both["monetary_peer"] - both["monetary_project"]).abs() > 0.005)
              | (both["r_score_peer"] != both["r_score_project"])
              | (both["f_score_peer"] != both["f_score_project"])
              | (both["m_score_peer"] != both["m_score_project"]))
    n_differ = int(differ.sum())
    only_peer = int((merged["_merge"] == "left_only").sum())
    only_project = int((merged["_merge"] == "right_only").sum())
    return {"peer_rows": len(result), "project_rows": len(project), "only_peer": only_peer,
            "only_project": only_project, "differ": n_differ,
            "equal": n_differ == 0 and only_peer == 0 and only_project == 0}


def run_peer(data: Path, project_db: Path | None, as_of: str) -> dict:
    seconds = {}
    t = time.perf_counter()
    customers, orders = read(data)
    seconds["read"] = time.perf_counter() - t
    t = time.perf_counter()
    kept = clean(customers, orders, as_of)
    seconds["clean"] = time.perf_counter() - t
    del orders
    t = time.perf_counter()
    result = rfm(kept, as_of)
    seconds["rfm"] = time.perf_counter() - t
    seconds["total"] = seconds["read"] + seconds["clean"] + seconds["rfm"]
    out = {"seconds": seconds, "rows": {"orders_kept": len(kept), "rfm_rows": len(result)}}
    if project_db is not None:
        out["check"] = check(result, project_db)
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", required=True, type=Path)
    ap.add_argument("--project-db", type=Path)
    ap.add_argument("--as-of", required=True)
    ap.add_argument("--out", type=Path)
    args = ap.parse_args(argv)
    result = run_peer(args.data.resolve(), args.project_db.resolve() if args.project_db else None, args.as_of)
    return write_json(result, args.out)


if __name__ == "__main__":
    raise SystemExit(main())
