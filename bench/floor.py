"""The floor: minimal hand-written DuckDB queries over the same Parquet that compute the same
numbers as the project's heaviest SQL stages, timed, then checked against the project's tables.

    python bench/floor.py --data DIR --project-db FILE --as-of 2026-06-30 --out floor.json

Steps (each timed on its own, in one DuckDB connection with the profile's settings, writing its
tables to a database file like the project does when --floor-db is given, as the bench does):
  clean      typed Parquet -> the kept rows the stages need (customers, orders, order lines,
             products, events, links), with only the checks the generated data exercises and
             the de-duplication rules of staging; no rejected-row bookkeeping, no text parsing
             (the Parquet is typed). Compared with the project's staging models.
  order_stats / event_stats   the order and browsing metrics at the three dates
                                                                 = int_customer_order_stats / _event_stats
  rfm        population + scores from its order stats: recency/frequency/monetary at the three
             feature dates, 1..5 scores (ceil(5 x cume_dist)), segment from seeds/rfm_segments.csv
                                                                 = int_customer_rfm
  rfm_direct the same RFM straight from the clean orders (3 aggregates per date): the
             hand-written RFM, compared with the pandas peer         = int_customer_rfm
  interests  interest signals -> decayed long/short affinity per customer x category x date,
             shares, population share, lift, rank, top-k/stable flags       = int_customer_interests
  circles    visible links in the population at each date, connected components by min-label
             propagation (a loop of queries that stops when nothing changes, at most 20 passes),
             circle kind, convergence, attribute circles for the unlinked   = int_circle_membership
  vectors    from the project's int_customer_features: fit centre/scale on the training rows in
             one aggregate pass and apply them                               = int_customer_feature_vectors

Each result is compared with the project's table: same keys, and every value equal (floats to
1e-7 relative or 1e-9 absolute; the largest relative difference is reported). The check is outside the timings.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from floor_profile import circles_run, interests_sql, vectors_sql
from floor_stages import ORDER_STATS_COLUMNS, clean_sql, connect, event_stats_sql, order_stats_sql, rfm_direct_sql, rfm_sql
from json_output import write_json

# --------------------------------------------------------------------------------------------
# checks: the floor's table against the project's
# --------------------------------------------------------------------------------------------
# The project sums doubles exactly as decimal(38, 18) (deterministic_sum: identical rebuilds),
# so a tiny value keeps fewer significant digits than a double, and a share of two tiny totals
# can differ from the floor's plain double sums around the 9th digit: floats are compared to 7
# significant digits (or 1e-12 absolute).
FLOAT_TOLERANCE = 1e-7
# Absolute tolerance for values near 0: the floor sums in double where the project sums exact
# decimals, so a standardised feature (centre subtracted) can differ by ~1e-12 whatever its
# size; at 1M customers a value of 2e-6 then differs by 1.7e-6 relative.
ABS_TOLERANCE = 1e-9


def compare(con, floor_table: str, project_table: str, keys: list[str], exact: list[str],
            floats: list[str], where: str = "1 = 1", project_where: str = "1 = 1") -> dict:
    """Rows only on one side, and rows whose values differ (floats to FLOAT_TOLERANCE relative
    or ABS_TOLERANCE absolute, whichever is larger)."""
    key_on = " and ".join(f"f.{k} is not distinct from p.{k}" for k in keys)
    diffs = [f"f.{c} is distinct from p.{c}" for c in exact]
    diffs += [f"(f.{c} is null) <> (p.{c} is null) or abs(f.{c} - p.{c}) > greatest({ABS_TOLERANCE}, {FLOAT_TOLERANCE} * greatest(abs(f.{c}), abs(p.{c})))"
              for c in floats]
    diff_sql = " or ".join(f"({d})" for d in diffs) or "false"
    cols = ", ".join(dict.fromkeys(keys + exact + floats))
    sql = f"""
        with f as (select {cols} from {floor_table} where {where}),
             p as (select {cols} from {project_table} where {project_where})
        select
            (select count(*) from f) as floor_rows,
            (select count(*) from p) as project_rows,
            count(*) filter (where p.{keys[0]} is null and f.{keys[0]} is not null) as only_floor,
            count(*) filter (where f.{keys[0]} is null and p.{keys[0]} is not null) as only_project,
            count(*) filter (where f.{keys[0]} is not null and p.{keys[0]} is not null and ({diff_sql})) as differ
        from f full outer join p on {key_on}"""
    floor_rows, project_rows, only_floor, only_project, differ = con.execute(sql).fetchone()
    max_rel = None
    if floats:
        rel = ", ".join(f"coalesce(abs(f.{c} - p.{c}) / nullif(greatest(abs(f.{c}), abs(p.{c})), 0), 0)" for c in floats)
        max_rel = con.execute(f"""
            with f as (select {cols} from {floor_table} where {where}),
                 p as (select {cols} from {project_table} where {project_where})
            select max(greatest({rel}, 0)) from f inner join p on {key_on}""").fetchone()[0]
    sample = []
    if differ:
        sample = con.execute(f"""
            with f as (select {cols} from {floor_table} where {where}),
                 p as (select {cols} from {project_table} where {project_where})
            select {', '.join(f'f.{c} as floor_{c}, p.{c} as project_{c}' for c in keys + exact + floats)}
            from f inner join p on {key_on} where {diff_sql} limit 3""").fetchdf().to_dict("records")
    return {"floor_rows": floor_rows, "project_rows": project_rows, "only_floor": only_floor,
            "only_project": only_project, "differ": differ,
            "equal": only_floor == 0 and only_project == 0 and differ == 0,
            "compared_columns": keys + exact + floats, "float_tolerance_relative": FLOAT_TOLERANCE if floats else None,
            "float_tolerance_absolute": ABS_TOLERANCE if floats else None,
            "max_relative_difference": max_rel,
            "sample_differences": [{k: str(v) for k, v in r.items()} for r in sample]}


def run_floor(data: Path, project_db: Path, as_of: str, temp_dir: str | None = None,
              floor_db: Path | None = None) -> dict:
    if floor_db is not None:
        for p in (floor_db, Path(str(floor_db) + ".wal")):
            p.unlink(missing_ok=True)
    con = connect(str(floor_db) if floor_db else None, temp_dir)
    timings: dict[str, float] = {}

    def timed(name, statements):
        t = time.perf_counter()
        for s in statements:
            con.execute(s)
        timings[name] = timings.get(name, 0.0) + time.perf_counter() - t

    timed("clean", clean_sql(data, as_of))
    timed("order_stats", order_stats_sql())
    event_sql, event_cols = event_stats_sql()
    timed("event_stats", event_sql)
    timed("rfm", rfm_sql())
    timed("rfm_direct", rfm_direct_sql())
    timed("interests", interests_sql())
    t = time.perf_counter()
    passes = circles_run(con)
    timings["circles"] = time.perf_counter() - t

    con.execute(f"attach '{project_db}' as project (read_only)")
    # vectors start from the project's raw features (names and transforms of the catalogue
    # are read from int_feature_scaling; the fitted values are not)
    catalogue = con.execute(
        "select feature_name, transform from project.intermediate.int_feature_scaling order by feature_order").fetchall()
    con.execute("create or replace table f_features as select * from project.intermediate.int_customer_features")
    con.execute("checkpoint")
    timed("vectors", vectors_sql(con, "f_features", catalogue))

    checks = {
        "order_stats": compare(con, "f_order_stats", "project.intermediate.int_customer_order_stats",
                               ["customer_id", "feature_date_role"], ORDER_STATS_COLUMNS, []),
        "event_stats": compare(con, "f_event_stats", "project.intermediate.int_customer_event_stats",
                               ["customer_id", "feature_date_role"], event_cols, []),
        "rfm": compare(con, "f_rfm", "project.intermediate.int_customer_rfm",
                       ["customer_id", "feature_date_role"],
                       ["recency_days", "frequency", "monetary", "r_score", "f_score", "m_score", "fm_score", "rfm_segment"], []),
        "rfm_direct": compare(con, "f_rfm_direct", "project.intermediate.int_customer_rfm",
                              ["customer_id", "feature_date_role"],
                              ["recency_days", "frequency", "monetary", "r_score", "f_score", "m_score", "fm_score", "rfm_segment"], []),
        "interests": compare(con, "f_interests", "project.intermediate.int_customer_interests",
                             ["customer_id", "feature_date_role", "category"],
                             ["rank_long", "n_signals", "n_purchase_signals", "n_recent_signals", "is_top_k", "is_stable"],
                             ["affinity_long", "affinity_short", "share_long", "share_short", "population_share_long", "lift_long"]),
        "circles": compare(con, "f_circles", "project.intermediate.int_circle_membership",
                           ["customer_id", "feature_date_role"],
                           ["circle_id", "circle_kind", "is_link_circle", "is_converged", "last_change_iteration"], []),
        "vectors": compare(con, "f_vectors", "project.intermediate.int_customer_feature_vectors",
                           ["customer_id", "feature_date_role"], [], [name for name, _ in catalogue]),
    }
    checks["vectors"]["compared_columns"] = f"{len(catalogue)} feature columns"
    rows = {t: con.execute(f"select count(*) from {t}").fetchone()[0]
            for t in ("f_customers", "f_orders", "f_lines", "f_events", "f_links", "f_order_stats", "f_event_stats", "f_rfm", "f_interests", "f_circles", "f_vectors")}
    con.close()
    return {"seconds": timings, "checks": checks, "rows": rows, "circle_passes": passes}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", required=True, type=Path)
    ap.add_argument("--project-db", required=True, type=Path)
    ap.add_argument("--as-of", required=True)
    ap.add_argument("--temp-dir")
    ap.add_argument("--floor-db", type=Path, help="write the floor's tables to this database file (default: in memory)")
    ap.add_argument("--out", type=Path)
    args = ap.parse_args(argv)
    result = run_floor(args.data.resolve(), args.project_db.resolve(), args.as_of, args.temp_dir,
                       args.floor_db.resolve() if args.floor_db else None)
    return write_json(result, args.out)


if __name__ == "__main__":
    raise SystemExit(main())
