"""Helpers for tests that build the dbt project on throwaway DuckDB files."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb

PROJECT_DIR = Path(__file__).resolve().parents[1]
SHARED_DATA = PROJECT_DIR.parent / "shared" / "data"
DBT = Path(sys.executable).with_name("dbt")
# dbt with Python models run in dbt-spark's own session (python/customer_activation/io/spark_session.py)
SPARK_RUNNER = [sys.executable, "-m", "customer_activation.io.spark_session"]


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


# Columns that measure how long a run took: they differ between any two runs, so two builds
# are compared without them (every other column of the table is compared).
WALL_TIME_COLUMNS = {"fit_seconds"}


def table_differences(db_a: Path, db_b: Path) -> list:
    """Everything that differs between two builds: relations present in one only (or of another
    kind), view definitions, and for every table the rows of each that the other lacks
    (`except all`, so duplicates count), without WALL_TIME_COLUMNS. Empty when the builds are
    identical."""
    con = duckdb.connect()
    try:
        con.execute(f"attach '{db_a}' as build_a (read_only)")
        con.execute(f"attach '{db_b}' as build_b (read_only)")

        def relations(alias: str) -> dict[tuple[str, str], str]:
            rows = con.execute(f"""
                select schema_name, table_name, 'table' from duckdb_tables() where database_name = '{alias}'
                union all
                select schema_name, view_name, 'view: ' || sql from duckdb_views()
                where database_name = '{alias}' and not internal""").fetchall()
            return {(schema, name): kind for schema, name, kind in rows}

        rel_a, rel_b = relations("build_a"), relations("build_b")
        differences: list = [("only in one build or defined differently", key)
                             for key in sorted(set(rel_a) | set(rel_b)) if rel_a.get(key) != rel_b.get(key)]
        for (schema, name), kind in sorted(rel_a.items()):
            if kind != "table" or rel_b.get((schema, name)) != "table":
                continue
            a, b = f"build_a.{schema}.{name}", f"build_b.{schema}.{name}"
            columns = [c for (c,) in con.execute(f"""select column_name from duckdb_columns()
                where database_name = 'build_a' and schema_name = '{schema}' and table_name = '{name}'
                order by column_index""").fetchall() if c not in WALL_TIME_COLUMNS]
            listed = ", ".join(f'"{c}"' for c in columns)
            only_a = con.execute(f"select count(*) from (select {listed} from {a} except all select {listed} from {b})").fetchone()[0]
            only_b = con.execute(f"select count(*) from (select {listed} from {b} except all select {listed} from {a})").fetchone()[0]
            if only_a or only_b:
                differences.append((f"{schema}.{name}", f"{only_a} rows only in the first",
                                    f"{only_b} rows only in the second"))
        return differences
    finally:
        con.close()


def copy_build(build_db: Path, workdir: Path) -> Path:
    """The database of a finished build, copied to workdir as run_dbt expects it."""
    workdir.mkdir(parents=True, exist_ok=True)
    target = workdir / "build.duckdb"
    shutil.copy(build_db, target)
    wal = Path(str(build_db) + ".wal")
    if wal.exists():
        shutil.copy(wal, Path(str(target) + ".wal"))
    return target
