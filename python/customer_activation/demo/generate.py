"""Deterministic, scalable demo-data generator for the customer-activation project.

Writes the tables of the ``raw`` data contract (see DESIGN.md) plus ground truth under
``<out>/_truth/``. Customers are simulated in chunks (``chunk_size`` customers at a time), with
vectorised numpy inside a chunk, and every table is appended chunk by chunk, so memory stays
bounded whatever the customer count.

Usage::

    python -m customer_activation.demo.generate --customers 3000 --seed 42 --out data/demo --format csv

Determinism: the same ``seed``, ``n_customers``, ``end_date``, ``bad_rows`` and ``chunk_size``
give byte-identical files. Every chunk draws from its own ``numpy.random.default_rng`` seeded
with ``(seed, stream, chunk index)``.

The latent model, in short
--------------------------
* A customer signs up at ``t0`` (more recent signups more frequent) and buys as a Poisson
  process at a personal rate ``lam`` (gamma distributed, skewed) until ``t_decline``; from
  then the rate decays exponentially (time constant ``tau``) until ``t_stop``; after that they
  never buy again. ``true_stage`` at ``end_date``: ``new`` (signed up < 60 days before),
  ``active`` (not yet declining), ``declining`` (rate decaying, or stopped < 90 days ago),
  ``dormant`` (stopped 90-180 days ago), ``lost`` (stopped > 180 days ago).
* Long-term interests: 1-3 strong categories (Dirichlet weights) chosen with gender-, age-
  and region-dependent odds, plus a small background. Items and events follow them, with
  random noise and, in the last 120 days, a short-term "fad" category.
* ~30% of customers belong to a community (household, referral tree, group, social circle);
  members share region, interests, spend level, purchase rate and (often) churn timing.
* Campaigns: audiences from the latent state at the campaign start; treatment raises the
  probability of a completed purchase inside the response window by a known amount; the
  extra purchases are real orders in ``orders``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

import numpy as np
import pyarrow as pa

from customer_activation.demo.catalogue import CAMPAIGNS, DISAGREE_CAMPAIGN, EPOCH, _build_ctx, _campaigns_table
from customer_activation.demo.simulate import _simulate_chunk
from customer_activation.demo.tables import TABLES, TRUTH_TABLES, _float_col, _int_col, _Sink, _table

__all__ = [
    "generate",
    "main",
]


# --------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------
def generate(out_dir, n_customers: int = 3000, seed: int = 42, fmt: str = "csv",
             end_date: str = "2026-06-30", bad_rows: bool = True,
             chunk_size: int = 50000) -> dict[str, int]:
    """Generate the demo data set; return row counts per file written.

    Keys are table names (``"orders"``) and truth tables (``"_truth/customer_truth"``).
    """
    if fmt not in ("csv", "parquet"):
        raise ValueError(f"fmt must be 'csv' or 'parquet', not {fmt!r}")
    if n_customers < 1 or chunk_size < 1:
        raise ValueError("n_customers and chunk_size must be positive")
    out = Path(out_dir)
    ctx = _build_ctx(int(seed), int(n_customers), end_date, fmt, bad_rows)
    ext = "csv" if fmt == "csv" else "parquet"
    specs = {**TABLES, **{f"_truth/{k}": v for k, v in TRUTH_TABLES.items()}}
    sinks = {name: _Sink(out / f"{name}.{ext}", cols, fmt) for name, cols in specs.items()}
    try:
        sinks["products"].write(ctx.products)
        sinks["campaigns"].write(_campaigns_table(ctx))
        order_off = comm_off = 0
        camp = np.zeros((len(CAMPAIGNS), 9))
        bad: dict = {}
        for ci, lo in enumerate(range(0, ctx.n_customers, chunk_size)):
            hi = min(ctx.n_customers, lo + chunk_size)
            res = _simulate_chunk(ctx, ci, lo, hi, order_off, comm_off,
                                  lambda name, tbl: sinks[name].write(tbl))
            order_off += res.n_orders_ids
            comm_off += res.n_communities
            camp += res.camp_stats
            for key, v in res.bad.items():
                bad[key] = bad.get(key, 0) + v
        nc = np.maximum(camp[:, 0], 1)
        npred = np.maximum(camp[:, 6], 1)
        npilot = np.maximum(camp[:, 8], 1)
        sinks["_truth/campaign_truth"].write(_table(TRUTH_TABLES["campaign_truth"], {
            "campaign_id": pa.array([c[0] for c in CAMPAIGNS]),
            "true_uplift": _float_col(np.round(camp[:, 1] / nc, 5)),
            "true_incremental_revenue_per_contact": _float_col(np.round(camp[:, 2] / nc, 4)),
            "pilot_should_pass": pa.array([j != DISAGREE_CAMPAIGN for j in range(len(CAMPAIGNS))]),
            "n_contacts": _int_col(camp[:, 0]),
            "expected_response_control": _float_col(np.round(camp[:, 3] / nc, 5)),
            "expected_response_treatment": _float_col(np.round(camp[:, 4] / nc, 5)),
            "pilot_mean_predicted_response": _float_col(np.round(camp[:, 5] / npred, 5)),
            "pilot_expected_response": _float_col(np.round(camp[:, 7] / npilot, 5)),
        }))
        keys = sorted(bad)
        sinks["_truth/bad_rows_injected"].write(_table(TRUTH_TABLES["bad_rows_injected"], {
            "table": pa.array([t for t, _ in keys], pa.string()),
            "kind": pa.array([k for _, k in keys], pa.string()),
            "count": _int_col([bad[key] for key in keys]),
        }))
        params = {"seed": seed, "n_customers": n_customers, "end_date": str(end_date),
                  "start_date": str(EPOCH + dt.timedelta(days=ctx.start_day)),
                  "format": fmt, "bad_rows": str(bool(bad_rows)).lower(),
                  "chunk_size": chunk_size}
        sinks["_truth/generation_params"].write(_table(TRUTH_TABLES["generation_params"], {
            "key": pa.array(list(params), pa.string()),
            "value": pa.array([str(v) for v in params.values()], pa.string()),
        }))
    finally:
        for s in sinks.values():
            s.close()
    return {name: s.rows for name, s in sinks.items()}


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m customer_activation.demo.generate",
                                description="Generate the customer-activation demo data.")
    p.add_argument("--customers", type=int, default=3000)
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--out", default="data/demo")
    p.add_argument("--format", choices=["csv", "parquet"], default="csv")
    p.add_argument("--end-date", default="2026-06-30")
    p.add_argument("--no-bad-rows", action="store_true", help="do not inject bad rows")
    p.add_argument("--chunk-size", type=int, default=50000)
    args = p.parse_args(argv)
    t = time.perf_counter()
    counts = generate(args.out, n_customers=args.customers, seed=args.seed, fmt=args.format,
                      end_date=args.end_date, bad_rows=not args.no_bad_rows,
                      chunk_size=args.chunk_size)
    width = max(len(k) for k in counts)
    for name, c in counts.items():
        print(f"{name:<{width}}  {c:>12,}")
    print(f"wrote {args.out} in {time.perf_counter() - t:.1f}s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
