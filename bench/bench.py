"""Benchmark harness: a full `dbt build` at a given size, per-model times, peak memory, the
heaviest SQL stages against a hand-written DuckDB floor and a pandas peer, and a one-day
refresh. `make bench SIZE=100k` runs it; see bench/README.md.

    python bench/bench.py --size 100k|1m|tiny|<customers> [--top 20] [--no-refresh]

Steps, each timed with the load average recorded next to it:
  1. data     the project's generator (Parquet, seed 42, ends 2026-06-30), cached under
              data/bench/<size>/<params>/ so reruns skip it
  2. build    a full `dbt build` on its own DuckDB file and target path, wrapped in
              /usr/bin/time -v (peak RSS of the largest process) while the whole process tree's
              RSS is polled from /proc (peak of the sum)
  3. stages   the models of each heavy stage rebuilt alone (`dbt run -s ... --threads 1`), so
              their times are not inflated by models running beside them on 2 cores
  4. floor    bench/floor.py: hand-written DuckDB over the same Parquet, checked equal to the
              project's tables
  5. peer     bench/peer.py: pandas groupby RFM over the same orders, checked equal
  6. refresh  one more day of orders, order lines and events (the last day copied to the next
              one with new ids), then `dbt build` again with as_of_date one day later, on the
              same database, with refit_models false (a daily scoring run: the label-model
              fit and the imputation evaluation are kept; docs/refresh.md)
Results: bench/results/<size>-<timestamp>.json; the table is printed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
from pathlib import Path

from measure import (
    BENCH_DIR,
    END_DATE,
    PROJECT_DIR,
    SIZES,
    bench_profiles_dir,
    ensure_data,
    load,
    make_refresh_data,
    run_build,
    run_json_script,
    run_stages,
)
from summary import print_report, scaling, summarise


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--size", default="100k", help="tiny (500), 10k, 100k, 1m or a number of customers")
    ap.add_argument("--top", type=int, default=20, help="nodes listed in the table")
    ap.add_argument("--work-dir", type=Path, default=PROJECT_DIR / "data" / "bench",
                    help="data cache and build files go under <work-dir>/<size>")
    ap.add_argument("--results-dir", type=Path, default=BENCH_DIR / "results")
    ap.add_argument("--no-refresh", dest="refresh", action="store_false", help="skip the one-day refresh build")
    ap.add_argument("--no-isolated-stages", dest="isolated", action="store_false",
                    help="take stage times from the full build instead of rebuilding the stage models alone")
    ap.add_argument("--no-peer", dest="peer", action="store_false")
    args = ap.parse_args(argv)

    size = args.size.lower()
    n_customers = SIZES.get(size) or int(size.replace("_", ""))
    size_dir = (args.work_dir / size).resolve()
    size_dir.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%dT%H%M%S")
    work = size_dir / "runs" / stamp
    work.mkdir(parents=True)
    args.results_dir.mkdir(parents=True, exist_ok=True)
    result = {"size": size, "n_customers": n_customers, "timestamp": dt.datetime.now().isoformat(timespec="seconds"),
              "load_at_start": load(), "machine": {"cpus": os.cpu_count(), "platform": platform.platform(),
                                                    "python": platform.python_version()},
              "settings": {k: os.environ.get(k) for k in ("CUSTOMER_ACTIVATION_DUCKDB_THREADS", "CUSTOMER_ACTIVATION_MEMORY_LIMIT",
                                                          "CUSTOMER_ACTIVATION_DBT_THREADS")},
              "notes": []}
    try:
        import duckdb
        result["machine"]["duckdb"] = duckdb.__version__
        result["git_commit"] = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=PROJECT_DIR,
                                              capture_output=True, text=True).stdout.strip()
    except Exception:  # noqa: BLE001
        pass

    data, result["data"] = ensure_data(size_dir, n_customers, work / "generate.log")
    profiles_dir, note = bench_profiles_dir(work)
    if note:
        result["notes"].append(note)
    db = size_dir / "bench.duckdb"
    vars_ = {"raw_data_path": str(data), "as_of_date": END_DATE}

    result["build"] = run_build("full", work, db, profiles_dir, vars_, fresh=True)
    result["build"]["threads"] = int(os.environ.get("CUSTOMER_ACTIVATION_DBT_THREADS", "4"))
    if args.isolated:
        result["stages"] = run_stages(work, db, profiles_dir, vars_)
    result["floor"] = run_json_script("floor.py", ["--data", str(data), "--project-db", str(db), "--as-of", END_DATE,
                                                    "--temp-dir", str(work / "floor_tmp"),
                                                    "--floor-db", str(work / "floor.duckdb")], work, "floor")
    for p in (work / "floor.duckdb", work / "floor.duckdb.wal"):
        p.unlink(missing_ok=True)
    if args.peer:
        result["peer"] = run_json_script("peer.py", ["--data", str(data), "--project-db", str(db), "--as-of", END_DATE],
                                         work, "peer")
    if args.refresh:
        next_day = (dt.date.fromisoformat(END_DATE) + dt.timedelta(days=1)).isoformat()
        new_rows = make_refresh_data(data, size_dir / f"{data.name}-plus1day")
        # the daily refresh of docs/refresh.md: score with the week's fit (refit_models false)
        refresh = run_build("refresh", work, db, profiles_dir,
                            {"raw_data_path": str(size_dir / f"{data.name}-plus1day"), "as_of_date": next_day,
                             "refit_models": False}, fresh=False)
        refresh["new_rows"] = new_rows
        result["refresh"] = refresh

    summarise(result)
    result["scaling"] = scaling(result, args.results_dir)
    out = args.results_dir / f"{size}-{stamp}.json"
    result["results_file"] = str(out)
    out.write_text(json.dumps(result, indent=2, default=str))
    print_report(result, args.top)
    floor_equal = all(c["equal"] for c in result["floor"]["checks"].values())
    peer_equal = result.get("peer", {}).get("check", {}).get("equal", True)
    if not (floor_equal and peer_equal):
        print("\nWARNING: the floor or the peer does not give the project's numbers; see the JSON (checks).")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
