"""Helpers for tests that build the dbt project on throwaway DuckDB files."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb


PROJECT_DIR = Path(__file__).resolve().parents[1]
SHARED_DATA = PROJECT_DIR.parent / "shared" / "data"
DBT = Path(sys.executable).with_name("dbt")
# dbt with Python models run in dbt-spark's own session (python/customer_activation/spark_session.py)
SPARK_RUNNER = [sys.executable, "-m", "customer_activation.spark_session"]


@dataclass
class DbtResult:
    returncode: int
    output: str
    db_path: Path
    target_path: Path

    def connect(self) -> duckdb.DuckDBPyConnection:
        return duckdb.connect(str(self.db_path), read_only=True)

    def query(self, sql: str) -> list[tuple]:
        with self.connect() as con:
            return con.execute(sql).fetchall()

    def run_results(self) -> dict:
        return json.loads((self.target_path / "run_results.json").read_text())


def run_dbt(args: list[str], workdir: Path, vars_: dict | None = None, check: bool = True,
            env: dict | None = None, runner: list[str] | None = None) -> DbtResult:
    """Run a dbt command on this project with its own DuckDB file and target dir under workdir.
    ``runner`` replaces the ``dbt`` executable (e.g. SPARK_RUNNER)."""
    workdir.mkdir(parents=True, exist_ok=True)
    db_path = workdir / "build.duckdb"
    target_path = workdir / "target"
    full_env = {
        **os.environ,
        "DBT_PROFILES_DIR": str(PROJECT_DIR),
        "CUSTOMER_ACTIVATION_DB": str(db_path),
        "CUSTOMER_ACTIVATION_TEMP_DIR": str(workdir / "duckdb_tmp"),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "False",
        "DBT_LOG_PATH": str(workdir / "logs"),
        **(env or {}),
    }
    cmd = [*(runner or [str(DBT)]), *args, "--project-dir", str(PROJECT_DIR), "--target-path", str(target_path)]
    if vars_:
        cmd += ["--vars", json.dumps(vars_)]
    proc = subprocess.run(cmd, cwd=PROJECT_DIR, env=full_env, capture_output=True, text=True)
    result = DbtResult(proc.returncode, proc.stdout + proc.stderr, db_path, target_path)
    if check and proc.returncode != 0:
        tail = "\n".join(result.output.splitlines()[-60:])
        raise AssertionError(f"dbt {' '.join(args)} failed (exit {proc.returncode}):\n{tail}")
    return result
