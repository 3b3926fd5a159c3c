"""Running dbt for the CLI: dbt's own lines streamed as they come, then one line per stage
(the model's folder: staging, intermediate, ml, marts, campaigns; seeds, snapshots, exposures;
data and unit tests go with the model they test) with its node counts and elapsed time, from target/run_results.json
and target/manifest.json."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections import defaultdict
from datetime import datetime
from pathlib import Path

# The project's stages in the order the DAG mostly runs them; others follow by start time.
STAGE_ORDER = ["seeds", "settings", "staging", "intermediate", "ml", "marts", "campaigns", "snapshots", "exposures"]


def dbt_executable() -> str:
    beside = Path(sys.executable).with_name("dbt")
    return str(beside) if beside.exists() else "dbt"


def stream(cmd: list[str], cwd: Path, env: dict[str, str] | None = None, out=None) -> int:
    """Run `cmd`, printing its stdout and stderr lines as they come; its exit code."""
    out = out or sys.stdout
    print("$ " + " ".join(cmd), file=out, flush=True)
    with subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True, bufsize=1) as proc:
        for line in proc.stdout:
            out.write(line)
            out.flush()
        return proc.wait()


def _stage(node: dict | None, nodes: dict) -> str:
    if node is None:
        return "other"
    kind = node.get("resource_type")
    if kind in ("test", "unit_test"):
        parent = node.get("attached_node") or next(iter(node.get("depends_on", {}).get("nodes", [])), None)
        return _stage(nodes.get(parent), nodes) if parent in nodes else "tests"
    path = Path(node.get("original_file_path", ""))
    if kind == "model" and len(path.parts) > 2 and path.parts[0] == "models":
        return path.parts[1]
    return {"seed": "seeds", "snapshot": "snapshots", "operation": "hooks", "exposure": "exposures"}.get(kind, kind or "other")


def _ts(text: str) -> float:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def stage_summary(run_results: dict, manifest: dict) -> list[dict]:
    """One dict per stage, in STAGE_ORDER, then the others as they started: name, nodes, statuses, seconds
    (first start to last end of the stage's nodes; stages overlap when dbt runs them side by side),
    busy (the sum of the nodes' execution times)."""
    nodes = {**manifest.get("nodes", {}), **manifest.get("unit_tests", {}), **manifest.get("exposures", {})}
    stages: dict[str, dict] = defaultdict(lambda: {"nodes": 0, "statuses": defaultdict(int), "start": None, "end": None,
                                                  "busy": 0.0})
    for result in run_results.get("results", []):
        uid = result["unique_id"]
        name = "hooks" if uid.startswith("operation.") else _stage(nodes.get(uid), nodes)
        if name == "hooks":
            continue
        stage = stages[name]
        stage["nodes"] += 1
        stage["busy"] += float(result.get("execution_time") or 0.0)
        stage["statuses"][result.get("status", "unknown")] += 1
        for timing in result.get("timing", []):
            if timing.get("started_at") and timing.get("completed_at"):
                start, end = _ts(timing["started_at"]), _ts(timing["completed_at"])
                stage["start"] = start if stage["start"] is None else min(stage["start"], start)
                stage["end"] = end if stage["end"] is None else max(stage["end"], end)
    rows = []
    for name, s in stages.items():
        seconds = (s["end"] - s["start"]) if s["start"] is not None else 0.0
        rows.append({"stage": name, "nodes": s["nodes"], "statuses": dict(s["statuses"]), "seconds": seconds,
                     "busy": s["busy"], "start": s["start"] or 0.0})
    return sorted(rows, key=lambda r: (STAGE_ORDER.index(r["stage"]) if r["stage"] in STAGE_ORDER else len(STAGE_ORDER),
                                       r["start"], r["stage"]))


def summary_lines(rows: list[dict]) -> list[str]:
    lines = []
    for r in rows:
        statuses = ", ".join(f"{n} {status}" for status, n in sorted(r["statuses"].items()))
        lines.append(f"stage {r['stage']:<13} {r['nodes']:>4} nodes ({statuses}) in {r['seconds']:.1f} s "
                     f"(node time {r.get('busy', 0.0):.1f} s)")
    return lines


def run_dbt(args: list[str], project_dir: Path, env: dict[str, str]) -> int:
    """dbt with `args` in `project_dir`, streamed, then the per-stage summary; dbt's exit code."""
    started = time.perf_counter()
    results_path = project_dir / "target" / "run_results.json"
    before = results_path.stat().st_mtime if results_path.exists() else None
    code = stream([dbt_executable(), *args], project_dir, env)
    elapsed = time.perf_counter() - started
    if results_path.exists() and results_path.stat().st_mtime != before:
        try:
            run_results = json.loads(results_path.read_text())
            manifest = json.loads((project_dir / "target" / "manifest.json").read_text())
            for line in summary_lines(stage_summary(run_results, manifest)):
                print(line)
        except (OSError, ValueError, KeyError) as e:
            print(f"(no stage summary: {e})")
    print(f"dbt {args[0]}: {'ok' if code == 0 else f'failed (exit {code})'} in {elapsed:.1f} s", flush=True)
    return code


def dbt_env(project_dir: Path, db: str | None) -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("DBT_PROFILES_DIR", str(project_dir))
    env.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "False")
    env.setdefault("PYTHONUNBUFFERED", "1")  # a piped Python child (bench, the generator) prints as it goes
    if db:
        env["CUSTOMER_ACTIVATION_DB"] = db
    return env
