"""The benchmark harness at its tiny tier (500 customers), end to end, so it cannot rot:
generation, a full dbt build, the stage models rebuilt alone, the hand-written floor, the pandas
peer, and the results JSON. The floor and the peer must give the project's numbers."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

PROJECT_DIR = Path(__file__).resolve().parents[2]
STAGES = {"order_stats", "event_stats", "rfm", "interests", "circles", "vectors"}


@pytest.fixture(scope="module")
def bench_result(tmp_path_factory):
    work = tmp_path_factory.mktemp("bench")
    proc = subprocess.run(
        [sys.executable, str(PROJECT_DIR / "bench" / "bench.py"), "--size", "tiny", "--no-refresh",
         "--work-dir", str(work), "--results-dir", str(work / "results")],
        cwd=PROJECT_DIR, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-4000:]
    files = list((work / "results").glob("tiny-*.json"))
    assert len(files) == 1
    return json.loads(files[0].read_text()), proc.stdout


def test_results_have_the_expected_keys(bench_result):
    result, _ = bench_result
    for key in ("size", "n_customers", "timestamp", "load_at_start", "data", "build", "stages", "floor", "peer",
                "stage_summary", "staging", "peer_summary", "targets", "results_file"):
        assert key in result, key
    assert result["n_customers"] == 500
    build = result["build"]
    assert build["seconds"] > 0 and build["peak_rss_mb"] > 0
    assert not [n for n in build["nodes"] if n["kind"] == "model" and n["status"] == "error"]
    assert len(build["load_before"]) == 3
    assert any(n["name"] == "int_customer_rfm" and n["kind"] == "model" for n in build["nodes"])
    assert set(result["stage_summary"]) == STAGES
    for stage in result["stage_summary"].values():
        assert stage["project_seconds"] > 0 and stage["floor_seconds"] > 0 and stage["ratio"] > 0
    assert result["peer_summary"]["pandas_rfm_seconds"] > 0
    assert {"build_time", "build_memory", "stages_vs_floor", "rfm_vs_pandas"} <= set(result["targets"])


def test_floor_and_peer_give_the_projects_numbers(bench_result):
    result, _ = bench_result
    checks = result["floor"]["checks"]
    assert set(checks) == STAGES | {"rfm_direct"}
    for stage, check in checks.items():
        assert check["equal"], (stage, check)
        assert check["floor_rows"] == check["project_rows"] > 0, stage
    assert result["peer"]["check"]["equal"], result["peer"]["check"]


def test_the_table_is_printed(bench_result):
    _, stdout = bench_result
    assert "heavy SQL stages" in stdout and "pandas peer RFM" in stdout and "targets:" in stdout
