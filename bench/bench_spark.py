"""The full build on local Spark next to DuckDB, on the benchmark data (issue 10, item 6).

    python bench/bench_spark.py --size 100k [--duckdb] [--top 15]

Builds the whole project with the Spark runner (`python -m customer_activation.io.spark_session
build --target spark`, the Python models in dbt's own Spark session) on the cached benchmark
data of that size (bench.py generates it), timing the build and polling the resident memory
of the whole process tree: with `method: session` the JVM is a child of the dbt process, so
`/usr/bin/time` would miss it while the tree sum does not. `--duckdb` builds the same data on
DuckDB the same way, for the side-by-side figures. Prints a table and writes
bench/results/spark-<size>-<timestamp>.json. The Spark warehouse and metastore go to
data/bench/<size>/spark/ (removed first: every run is a full build).
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import measure  # noqa: E402  (the data cache, the measured runner, node times)

RUNNER = [sys.executable, "-m", "customer_activation.io.spark_session"]


def build(engine: str, size_dir: Path, work: Path, data: Path) -> dict:
    target = work / f"target-{engine}"
    vars_ = {"raw_data_path": str(data), "as_of_date": measure.END_DATE, "campaign_gate_severity": "warn"}
    env = {**os.environ, "DBT_PROFILES_DIR": str(measure.PROJECT_DIR), "DBT_LOG_PATH": str(work / f"logs-{engine}"),
           "DBT_SEND_ANONYMOUS_USAGE_STATS": "False"}
    if engine == "spark":
        spark_dir = size_dir / "spark"
        shutil.rmtree(spark_dir, ignore_errors=True)
        env["CUSTOMER_ACTIVATION_SPARK_DIR"] = str(spark_dir)
        cmd = [*RUNNER, "build", "--target", "spark"]
    else:
        db = work / "duckdb-side.duckdb"
        env.update({"CUSTOMER_ACTIVATION_DB": str(db), "CUSTOMER_ACTIVATION_TEMP_DIR": str(work / "duckdb_tmp")})
        cmd = [str(measure.DBT), "build"]
    cmd += ["--project-dir", str(measure.PROJECT_DIR), "--target-path", str(target), "--vars", json.dumps(vars_)]
    measure.log(f"dbt build on {engine}")
    res = measure.run_measured(cmd, env, work / f"{engine}.log")
    if (target / "run_results.json").exists():
        res.update(measure.node_times(target))
    if engine == "duckdb":
        (work / "duckdb-side.duckdb").unlink(missing_ok=True)
    return res


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--size", default="100k", help="tiny (500), 10k, 100k, 1m or a number of customers")
    ap.add_argument("--duckdb", action="store_true", help="also build the same data on DuckDB")
    ap.add_argument("--top", type=int, default=15)
    ap.add_argument("--work-dir", type=Path, default=measure.PROJECT_DIR / "data" / "bench")
    args = ap.parse_args(argv)
    size = args.size.lower()
    n_customers = measure.SIZES.get(size) or int(size.replace("_", ""))
    size_dir = (args.work_dir / size).resolve()
    stamp = dt.datetime.now().strftime("%Y%m%dT%H%M%S")
    work = size_dir / "runs" / f"spark-{stamp}"
    work.mkdir(parents=True)
    data, data_info = measure.ensure_data(size_dir, n_customers, work / "generate.log")
    result = {"size": size, "n_customers": n_customers, "load_at_start": measure.load(), "data": data_info,
              "settings": {k: v for k, v in os.environ.items() if k.startswith("CUSTOMER_ACTIVATION_")}}
    engines = ["spark", "duckdb"] if args.duckdb else ["spark"]
    for engine in engines:
        result[engine] = build(engine, size_dir, work, data)
    out_dir = measure.BENCH_DIR / "results"
    out_dir.mkdir(exist_ok=True)
    out = out_dir / f"spark-{size}-{stamp}.json"
    out.write_text(json.dumps(result, indent=2, default=str))

    print(f"\n{n_customers:,} customers; load average at start {result['load_at_start']}")
    print(f"{'engine':8} {'exit':>4} {'wall s':>8} {'peak RSS (tree) MB':>19} {'nodes':>6}")
    for engine in engines:
        r = result[engine]
        print(f"{engine:8} {r['returncode']:>4} {r['seconds']:>8.1f} {r.get('peak_rss_tree_mb', 0):>19.0f} "
              f"{len(r.get('nodes', [])):>6}")
    for engine in engines:
        print(f"\nslowest nodes on {engine}:")
        for n in result[engine].get("nodes", [])[:args.top]:
            print(f"  {n['seconds']:8.1f} s  {n['kind']:9} {n['status']:8} {n['name']}")
    print(f"\nresults: {out}")
    return 0 if all(result[e]["returncode"] == 0 for e in engines) else 1


if __name__ == "__main__":
    raise SystemExit(main())
