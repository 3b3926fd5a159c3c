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
import re
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[1]
BENCH_DIR = PROJECT_DIR / "bench"
SIZES = {"tiny": 500, "10k": 10_000, "100k": 100_000, "1m": 1_000_000}
SEED = 42
END_DATE = "2026-06-30"
DBT = Path(sys.executable).with_name("dbt")

# stage -> (project models that compute it from the staging layer, what the floor computes)
STAGES = {
    "order_stats": (["int_orders_enriched", "int_customer_order_stats"], "int_customer_order_stats"),
    "event_stats": (["int_customer_event_stats"], "int_customer_event_stats"),
    "rfm": (["int_customer_population", "int_customer_rfm"], "int_customer_rfm"),
    "interests": (["int_customer_category_affinity", "int_customer_interests"], "int_customer_interests"),
    "circles": (["int_circle_edges", "int_circle_membership"], "int_circle_membership"),
    "vectors": (["int_feature_scaling", "int_customer_feature_vectors"], "int_customer_feature_vectors"),
}
# RFM from the staged orders = the order_stats stage (int_customer_rfm reads int_customer_order_stats) + rfm
RFM_PATH = ["order_stats", "rfm"]
STAGING_MODELS = ["stg_as_of_date", "stg_orders_parsed", "stg_order_items_parsed", "stg_events_parsed",
                  "stg_customers_checked", "stg_orders_checked", "stg_products_checked",
                  "stg_order_items_checked", "stg_events_checked", "stg_customer_links_checked"]
TARGETS = {"build_seconds_1m": 300, "build_peak_gb_1m": 4.0, "stage_floor_ratio": 1.5,
           "rfm_vs_pandas": 20.0, "refresh_share": 0.10}


def load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def log(msg: str) -> None:
    print(f"[bench {dt.datetime.now():%H:%M:%S} load {' '.join(f'{x:.2f}' for x in os.getloadavg())}] {msg}",
          flush=True)


# --------------------------------------------------------------------------------------------
# running a command: wall time, /usr/bin/time -v, and the process tree's RSS polled from /proc
# --------------------------------------------------------------------------------------------
def _children_map() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read()
            ppid = int(stat[stat.rindex(")") + 2:].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(ppid, []).append(int(entry))
    return children


def _tree_rss_kb(root: int) -> int:
    children = _children_map()
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        stack.extend(children.get(pid, []))
        try:
            with open(f"/proc/{pid}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
                        break
        except OSError:
            pass
    return total


def run_measured(cmd: list[str], env: dict, log_file: Path, cwd: Path = PROJECT_DIR) -> dict:
    """Run cmd; return wall seconds, exit code, peak RSS (time -v and polled tree), load."""
    time_bin = shutil.which("time", path="/usr/bin")
    time_out = log_file.with_suffix(".time")
    full = ([time_bin, "-v", "-o", str(time_out)] if time_bin else []) + cmd
    load_before = load()
    peak = {"kb": 0}
    t0 = time.perf_counter()
    with open(log_file, "w") as out:
        proc = subprocess.Popen(full, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)
        done = threading.Event()

        def poll():
            while not done.is_set():
                peak["kb"] = max(peak["kb"], _tree_rss_kb(proc.pid))
                done.wait(0.25)

        poller = threading.Thread(target=poll, daemon=True)
        poller.start()
        rc = proc.wait()
        done.set()
        poller.join()
    wall = time.perf_counter() - t0
    result = {"seconds": round(wall, 2), "returncode": rc, "peak_rss_tree_mb": round(peak["kb"] / 1024, 1),
              "load_before": load_before, "load_after": load(), "log": str(log_file)}
    if time_bin and time_out.exists():
        text = time_out.read_text()
        m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", text)
        if m:
            result["peak_rss_time_v_mb"] = round(int(m.group(1)) / 1024, 1)
        m = re.search(r"Percent of CPU this job got: (\d+)%", text)
        if m:
            result["cpu_percent"] = int(m.group(1))
    result["peak_rss_mb"] = max(result["peak_rss_tree_mb"], result.get("peak_rss_time_v_mb", 0))
    return result


# --------------------------------------------------------------------------------------------
# data
# --------------------------------------------------------------------------------------------
def ensure_data(size_dir: Path, n_customers: int, log_file: Path) -> tuple[Path, dict]:
    key = f"n{n_customers}-seed{SEED}-end{END_DATE}-parquet"
    data = size_dir / key
    if (data / "orders.parquet").exists() and (data / "_truth" / "generation_params.parquet").exists():
        return data, {"cached": True, "path": str(data)}
    tmp = size_dir / f".tmp-{key}"
    shutil.rmtree(tmp, ignore_errors=True)
    cmd = [sys.executable, "-m", "customer_activation.demo.generate", "--customers", str(n_customers),
           "--seed", str(SEED), "--format", "parquet", "--end-date", END_DATE, "--out", str(tmp)]
    log(f"generating {n_customers:,} customers into {data}")
    res = run_measured(cmd, dict(os.environ), log_file)
    if res["returncode"] != 0:
        raise SystemExit(f"generation failed, see {log_file}")
    tmp.rename(data)
    return data, {"cached": False, "path": str(data), **res}


def _sql_str(path: Path) -> str:
    return str(path).replace("'", "''")


def make_refresh_data(data: Path, out: Path) -> dict:
    """data + one more day: orders, their lines and events of the last day, moved one day later
    with new ids. Unchanged tables are symlinked; grown ones become folders of two files."""
    import duckdb
    if (out / ".complete").exists():
        return json.loads((out / ".complete").read_text())
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    for f in data.glob("*.parquet"):
        if f.stem not in ("orders", "order_items", "events"):
            (out / f.name).symlink_to(f.resolve())
    con = duckdb.connect()
    last = f"timestamp '{END_DATE}'"
    counts = {}
    for table in ("orders", "order_items", "events"):
        (out / table).mkdir()
        (out / table / "part-0.parquet").symlink_to((data / f"{table}.parquet").resolve())
    new_orders = f"""select 'R' || order_id as order_id, customer_id, order_ts + interval 1 day as order_ts,
            order_amount, discount_amount, status, channel
        from read_parquet('{_sql_str(data / 'orders.parquet')}')
        where order_ts >= {last} and order_ts < {last} + interval 1 day"""
    con.execute(f"copy ({new_orders}) to '{_sql_str(out / 'orders' / 'part-1.parquet')}' (format parquet)")
    con.execute(f"""copy (
        select 'R' || i.order_id as order_id, i.product_id, i.quantity, i.unit_price
        from read_parquet('{_sql_str(data / 'order_items.parquet')}') as i
        semi join read_parquet('{_sql_str(data / 'orders.parquet')}') as o
            on i.order_id = o.order_id and o.order_ts >= {last} and o.order_ts < {last} + interval 1 day
    ) to '{_sql_str(out / 'order_items' / 'part-1.parquet')}' (format parquet)""")
    con.execute(f"""copy (
        select customer_id, event_ts + interval 1 day as event_ts, event_type, product_id, category
        from read_parquet('{_sql_str(data / 'events.parquet')}')
        where event_ts >= {last} and event_ts < {last} + interval 1 day
    ) to '{_sql_str(out / 'events' / 'part-1.parquet')}' (format parquet)""")
    for table in ("orders", "order_items", "events"):
        counts[f"new_{table}"] = con.execute(
            f"select count(*) from read_parquet('{_sql_str(out / table / 'part-1.parquet')}')").fetchone()[0]
    con.close()
    (out / ".complete").write_text(json.dumps(counts))
    return counts


# --------------------------------------------------------------------------------------------
# dbt
# --------------------------------------------------------------------------------------------
def bench_profiles_dir(work: Path) -> tuple[Path, str | None]:
    """The project's profiles.yml, unchanged unless it sets temp_directory in `settings`: dbt-duckdb
    runs those SET statements on every new cursor, and DuckDB >= 1.2 refuses to set
    temp_directory again once something has spilled, so any build that spills (1M customers)
    fails with 'Cannot switch temporary directory after the current one has been used'. The
    bench then moves temp_directory to `config_options` (applied once, at connect): same
    settings, set once. Returns (profiles dir, note or None)."""
    import yaml
    src = PROJECT_DIR / "profiles.yml"
    profiles = yaml.safe_load(src.read_text())
    note = None
    for profile in profiles.values():
        for output in (profile.get("outputs") or {}).values():
            settings = output.get("settings") or {}
            if "temp_directory" in settings:
                output.setdefault("config_options", {})["temp_directory"] = settings.pop("temp_directory")
                note = ("profiles.yml sets temp_directory in `settings` (re-applied on every cursor; DuckDB "
                        "refuses once it has spilled): the bench applies it once via config_options")
    if note is None:
        return PROJECT_DIR, None
    out = work / "profiles"
    out.mkdir(parents=True, exist_ok=True)
    (out / "profiles.yml").write_text(yaml.safe_dump(profiles, sort_keys=False))
    return out, note


def dbt_env(work: Path, db: Path, profiles_dir: Path) -> dict:
    return {**os.environ, "DBT_PROFILES_DIR": str(profiles_dir), "CUSTOMER_ACTIVATION_DB": str(db),
            "CUSTOMER_ACTIVATION_TEMP_DIR": str(work / "duckdb_tmp"), "DBT_LOG_PATH": str(work / "logs"),
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "False"}


def dbt_cmd(args: list[str], target: Path, vars_: dict) -> list[str]:
    # the benchmark measures speed: a campaign whose generated pilot happens to fail its gate
    # (likely at small sizes) must not stop the build, so the gate test only warns here
    vars_ = {"campaign_gate_severity": "warn", **vars_}
    return [str(DBT), *args, "--project-dir", str(PROJECT_DIR), "--target-path", str(target),
            "--vars", json.dumps(vars_)]


def node_times(target: Path) -> dict:
    rr = json.loads((target / "run_results.json").read_text())
    nodes = []
    for r in rr["results"]:
        uid = r["unique_id"]
        parts = uid.split(".")
        kind = parts[0]
        name = ".".join(parts[2:4]) if kind == "unit_test" else parts[2] if len(parts) > 2 else uid
        nodes.append({"name": name, "kind": kind, "status": r["status"], "seconds": round(r["execution_time"], 3)})
    nodes.sort(key=lambda n: -n["seconds"])
    statuses: dict[str, int] = {}
    for n in nodes:
        statuses[n["status"]] = statuses.get(n["status"], 0) + 1
    by_kind: dict[str, float] = {}
    for n in nodes:
        by_kind[n["kind"]] = round(by_kind.get(n["kind"], 0) + n["seconds"], 2)
    return {"dbt_elapsed_seconds": round(rr.get("elapsed_time", 0), 2), "statuses": statuses,
            "seconds_by_kind": by_kind, "nodes": nodes}


def run_build(name: str, work: Path, db: Path, profiles_dir: Path, vars_: dict, fresh: bool) -> dict:
    if fresh:
        for p in (db, Path(str(db) + ".wal")):
            p.unlink(missing_ok=True)
    target = work / f"target-{name}"
    shutil.rmtree(target, ignore_errors=True)
    log(f"dbt build ({name})")
    res = run_measured(dbt_cmd(["build"], target, vars_), dbt_env(work, db, profiles_dir), work / f"{name}.log")
    if (target / "run_results.json").exists():
        res.update(node_times(target))
    nodes = res.get("nodes", [])
    res["failed_tests"] = [n["name"] for n in nodes if n["kind"] in ("test", "unit_test") and n["status"] in ("error", "fail")]
    res["skipped"] = [n["name"] for n in nodes if n["status"] == "skipped"]
    broken = [n["name"] for n in nodes if n["kind"] not in ("test", "unit_test") and n["status"] == "error"]
    stage_models = {m for models, _ in STAGES.values() for m in models}
    built = {n["name"] for n in nodes if n["kind"] == "model" and n["status"] == "success"}
    if res["returncode"] != 0 and (broken or not nodes or not stage_models <= built):
        raise SystemExit(f"dbt build ({name}) failed (exit {res['returncode']}; errors {broken}, "
                         f"stage models not built {sorted(stage_models - built)}); see {res['log']}")
    if res["returncode"] != 0:
        # data tests that fail on this data (e.g. business checks that a synthetic shop of this
        # size trips) do not invalidate the timing: recorded and reported, the run goes on
        log(f"dbt build ({name}): failed tests {res['failed_tests']}, skipped {len(res['skipped'])} nodes")
    res["db_size_mb"] = round(db.stat().st_size / 2**20, 1)
    return res


def run_stages(work: Path, db: Path, profiles_dir: Path, vars_: dict) -> dict:
    models = [m for ms, _ in STAGES.values() for m in ms]
    target = work / "target-stages"
    log("stage models rebuilt alone (dbt run --threads 1)")
    res = run_measured(dbt_cmd(["run", "--threads", "1", "-s", *models], target, vars_),
                       dbt_env(work, db, profiles_dir), work / "stages.log")
    if res["returncode"] != 0:
        raise SystemExit(f"stage rerun failed; see {res['log']}")
    res.update(node_times(target))
    return res


def run_json_script(script: str, args: list[str], work: Path, name: str) -> dict:
    out = work / f"{name}.json"
    out.unlink(missing_ok=True)
    log(f"{name}")
    res = run_measured([sys.executable, str(BENCH_DIR / script), *args, "--out", str(out)],
                       dict(os.environ), work / f"{name}.log")
    if res["returncode"] != 0:
        raise SystemExit(f"{script} failed; see {res['log']}")
    return {**json.loads(out.read_text()), "process": res}


# --------------------------------------------------------------------------------------------
# report
# --------------------------------------------------------------------------------------------
def _fmt_s(x):
    return "-" if x is None else f"{x:8.2f}"


def summarise(result: dict) -> None:
    """Adds stage ratios, peer ratio, refresh share and target verdicts to result."""
    build = result["build"]
    build_times = {n["name"]: n["seconds"] for n in build["nodes"] if n["kind"] == "model"}
    iso = {n["name"]: n["seconds"] for n in result.get("stages", {}).get("nodes", [])}
    floor = result.get("floor")
    stages = {}
    for stage, (models, table) in STAGES.items():
        project = sum(iso.get(m, build_times.get(m, 0)) for m in models)
        row = {"models": {m: iso.get(m, build_times.get(m)) for m in models},
               "models_in_full_build": {m: build_times.get(m) for m in models},
               "project_seconds": round(project, 3),
               "project_seconds_in_full_build": round(sum(build_times.get(m, 0) for m in models), 3),
               "timed": "alone" if iso else "in the full build",
               "compared_table": table}
        if floor:
            f = floor["seconds"][stage]
            row.update({"floor_seconds": round(f, 3), "ratio": round(project / f, 2) if f else None,
                        "equal": floor["checks"][stage]["equal"]})
        stages[stage] = row
    staging = sum(build_times.get(m, 0) for m in STAGING_MODELS)
    result["staging"] = {"models": {m: build_times.get(m) for m in STAGING_MODELS},
                         "project_seconds_in_full_build": round(staging, 2),
                         "floor_clean_seconds": round(floor["seconds"]["clean"], 2) if floor else None}
    result["stage_summary"] = stages
    peer = result.get("peer")
    if peer:
        rfm = sum(stages[s]["project_seconds"] for s in RFM_PATH)
        floor_rfm = sum(floor["seconds"][s] for s in RFM_PATH) if floor else None
        result["peer_summary"] = {
            "pandas_rfm_seconds": round(peer["seconds"]["rfm"], 3),
            "pandas_total_seconds": round(peer["seconds"]["total"], 3),
            "project_rfm_stage_seconds": rfm,
            "speedup_vs_pandas_rfm": round(peer["seconds"]["rfm"] / rfm, 3) if rfm else None,
            "floor_rfm_seconds": round(floor_rfm, 3) if floor else None,
            "floor_speedup_vs_pandas_rfm": round(peer["seconds"]["rfm"] / floor_rfm, 2) if floor else None,
            "floor_rfm_direct_seconds": round(floor["seconds"]["rfm_direct"], 3) if floor else None,
            "floor_rfm_direct_speedup_vs_pandas_rfm": round(peer["seconds"]["rfm"] / floor["seconds"]["rfm_direct"], 2) if floor else None,
            "equal": peer.get("check", {}).get("equal"),
        }
    targets = {}
    n = result["n_customers"]
    scale = n / 1_000_000
    targets["build_time"] = {"target": f"<= {TARGETS['build_seconds_1m']} s at 1M",
                             "value": build["seconds"], "applies": n >= 1_000_000,
                             "met": build["seconds"] <= TARGETS["build_seconds_1m"] * max(scale, 1e-9) if n >= 1_000_000 else None}
    peak_gb = build["peak_rss_mb"] / 1024
    targets["build_memory"] = {"target": f"<= {TARGETS['build_peak_gb_1m']} GB at 1M", "value": round(peak_gb, 2),
                               "applies": n >= 1_000_000, "met": peak_gb <= TARGETS["build_peak_gb_1m"] if n >= 1_000_000 else None}
    if floor:
        targets["stages_vs_floor"] = {"target": f"each <= {TARGETS['stage_floor_ratio']}x floor",
                                      "value": {s: r["ratio"] for s, r in stages.items()},
                                      "met": all(r["ratio"] is not None and r["ratio"] <= TARGETS["stage_floor_ratio"]
                                                 for r in stages.values())}
    if peer:
        v = result["peer_summary"]["speedup_vs_pandas_rfm"]
        targets["rfm_vs_pandas"] = {"target": f">= {TARGETS['rfm_vs_pandas']}x faster than pandas", "value": v,
                                    "met": v is not None and v >= TARGETS["rfm_vs_pandas"]}
    refresh = result.get("refresh")
    if refresh:
        share = refresh["seconds"] / build["seconds"]
        refresh["share_of_full_build"] = round(share, 3)
        targets["refresh"] = {"target": f"<= {TARGETS['refresh_share']:.0%} of the full build", "value": round(share, 3),
                              "met": share <= TARGETS["refresh_share"]}
    result["targets"] = targets


def scaling(result: dict, results_dir: Path) -> dict | None:
    """Per stage: time ratio against the latest result of a size 10x apart (100k <-> 1m)."""
    other = None
    for f in sorted(results_dir.glob("*.json"), reverse=True):
        try:
            r = json.loads(f.read_text())
        except (OSError, json.JSONDecodeError):
            continue
        ratio = (r.get("n_customers") or 0) / result["n_customers"]
        if ratio in (0.1, 10.0) and "stage_summary" in r:
            other = (f.name, r)
            break
    if other is None:
        return None
    name, r = other
    small, large = sorted([r, result], key=lambda x: x["n_customers"])
    out = {"against": name, "customers_ratio": round(large["n_customers"] / small["n_customers"], 2),
           "build_ratio": round(large["build"]["seconds"] / small["build"]["seconds"], 2), "stages": {}, "models": {}}
    for stage in STAGES:
        a, b = small["stage_summary"].get(stage, {}), large["stage_summary"].get(stage, {})
        if a.get("project_seconds") and b.get("project_seconds"):
            out["stages"][stage] = round(b["project_seconds"] / a["project_seconds"], 2)
    small_models = {n["name"]: n["seconds"] for n in small["build"]["nodes"] if n["kind"] == "model"}
    for n in large["build"]["nodes"]:
        if n["kind"] == "model" and small_models.get(n["name"], 0) >= 0.2:
            out["models"][n["name"]] = round(n["seconds"] / small_models[n["name"]], 2)
    return out


def print_report(result: dict, top: int) -> None:
    b = result["build"]
    print()
    print(f"== customer-activation benchmark: {result['size']} ({result['n_customers']:,} customers), "
          f"{result['timestamp']}, load at start {result['load_at_start']}")
    print(f"full dbt build: {b['seconds']:.1f} s wall, peak RSS {b['peak_rss_mb'] / 1024:.2f} GB "
          f"(tree {b['peak_rss_tree_mb']:.0f} MB, time -v {b.get('peak_rss_time_v_mb', '-')} MB), "
          f"{sum(b['statuses'].values())} nodes {b['statuses']}, time by kind {b['seconds_by_kind']}, "
          f"load {b['load_before']} -> {b['load_after']}")
    for name in ("build", "refresh"):
        r = result.get(name) or {}
        if r.get("failed_tests") or r.get("skipped"):
            print(f"WARNING ({name}): failed tests {r.get('failed_tests')}; skipped nodes {r.get('skipped')}")
    print(f"\ntop {top} nodes of the full build (seconds; dbt runs {b.get('threads', 4)} at a time, so they overlap):")
    for n in b["nodes"][:top]:
        print(f"  {n['seconds']:8.2f}  {n['kind']:9} {n['name']}")
    print("\nheavy SQL stages (models rebuilt alone) vs the hand-written floor:")
    print(f"  {'stage':10} {'project s':>9} {'floor s':>8} {'ratio':>6}  equal  models")
    for stage, r in result["stage_summary"].items():
        models = ", ".join(f"{m} {s:.2f}" for m, s in r["models"].items() if s is not None)
        print(f"  {stage:10} {r['project_seconds']:9.2f} {r.get('floor_seconds', float('nan')):8.2f} "
              f"{r.get('ratio') or float('nan'):6.2f}  {str(r.get('equal', '-')):5}  {models}")
    st = result["staging"]
    print(f"  {'(staging)':10} {st['project_seconds_in_full_build']:9.2f} {st['floor_clean_seconds'] or float('nan'):8.2f}"
          f"         (not a target: staging parses text and explains every rejected row; the floor reads typed Parquet)")
    if "peer_summary" in result:
        p = result["peer_summary"]
        print(f"\npandas peer RFM: {p['pandas_rfm_seconds']:.2f} s groupby+scores (read+clean+rfm {p['pandas_total_seconds']:.2f} s); "
              f"project RFM (order_stats + rfm stages) {p['project_rfm_stage_seconds']:.2f} s -> project is {p['speedup_vs_pandas_rfm']:.2f}x the speed of pandas; "
              f"floor (same path) {p['floor_speedup_vs_pandas_rfm']}x; hand-written RFM straight from the orders "
              f"{p['floor_rfm_direct_seconds']:.2f} s = {p['floor_rfm_direct_speedup_vs_pandas_rfm']}x; equal: {p['equal']}")
    if "refresh" in result:
        r = result["refresh"]
        print(f"\nrefresh (+1 day: {r['new_rows']}): dbt build {r['seconds']:.1f} s = {r['share_of_full_build']:.0%} of the full build "
              f"(staging appends the new raw rows, fits kept, the rest is rebuilt at the new dates), peak RSS {r['peak_rss_mb'] / 1024:.2f} GB, load {r['load_before']} -> {r['load_after']}")
    if result.get("scaling"):
        s = result["scaling"]
        print(f"\nscaling vs {s['against']} (customers x{s['customers_ratio']}): build x{s['build_ratio']}; stages "
              + ", ".join(f"{k} x{v}" for k, v in s["stages"].items()))
    print("\ntargets:")
    for name, t in result["targets"].items():
        verdict = {True: "MET", False: "MISSED", None: "n/a at this size"}[t.get("met")]
        print(f"  {name:16} {t['target']:32} {json.dumps(t['value'])}  {verdict}")
    print(f"\nresults: {result['results_file']}")


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
