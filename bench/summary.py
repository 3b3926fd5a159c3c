"""The benchmark's verdicts and report: stage and peer ratios, scaling between sizes, targets."""

from __future__ import annotations

import json
from pathlib import Path

from measure import RFM_PATH, STAGES, STAGING_MODELS, TARGETS


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
