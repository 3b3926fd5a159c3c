"""Fixtures for end-to-end builds of the dbt project on demo data.

The demo data and the demo build are made once per test run, not once per xdist worker: the
first worker to ask builds them under the run's shared temporary directory while holding a
file lock, and the others wait for it and reuse the result. A shared build is read-only for
the tests: a test that runs dbt on it (or writes to it) works on a copy (``copy_build``),
because a DuckDB file open for writing in one process cannot be read from another."""
from __future__ import annotations

import fcntl
import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from customer_activation.demo.generate import generate
from dbt_helpers import DbtResult, run_dbt

DEMO_END_DATE = "2026-06-30"
DEMO_CUSTOMERS = 3000


def shared_dir(tmp_path_factory, name: str, make: Callable[[Path], None]) -> Path:
    """``<run's temp dir>/shared-<name>``, made by ``make`` once for all xdist workers of the
    run (the others wait on a file lock). A ``make`` that raised is retried by the next
    worker to ask, so each reports the failure."""
    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent  # the workers' temp dirs are popen-gw<N> under one run directory
    folder, done = base / f"shared-{name}", base / f"shared-{name}.done"
    with open(base / f"shared-{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not done.exists():
            shutil.rmtree(folder, ignore_errors=True)
            make(folder)
            done.touch()
    return folder


def shared_build(tmp_path_factory, name: str, args: list[str], vars_: dict) -> DbtResult:
    """``dbt <args>`` on a fresh database, run once for all workers (see :func:`shared_dir`)."""
    def make(folder: Path) -> None:
        result = run_dbt(args, folder, vars_)
        (folder / "dbt_output.txt").write_text(result.output)

    folder = shared_dir(tmp_path_factory, name, make)
    return DbtResult(0, (folder / "dbt_output.txt").read_text(), folder / "build.duckdb", folder / "target")


@pytest.fixture(scope="session")
def demo_data(tmp_path_factory) -> Path:
    """The demo shop as `make build` generates it (CSV, seed 42), with its ground truth."""
    def make(folder: Path) -> None:
        generate(folder / "data", n_customers=DEMO_CUSTOMERS, seed=42, fmt="csv", end_date=DEMO_END_DATE)

    return shared_dir(tmp_path_factory, "demo", make) / "data"


@pytest.fixture(scope="session")
def demo_build(demo_data, tmp_path_factory) -> DbtResult:
    """A full `dbt build` (models, seeds, snapshots, data and unit tests) on the demo data.
    Shared by every worker: read it, or run dbt on a ``copy_build`` of it."""
    return shared_build(tmp_path_factory, "demo_build", ["build"],
                        {"raw_data_path": str(demo_data), "as_of_date": DEMO_END_DATE})


@pytest.fixture(scope="session")
def minimal_build(demo_data, tmp_path_factory):
    """A build from a folder holding only the two required tables."""
    work = tmp_path_factory.mktemp("minimal_build")
    folder = work / "data"
    folder.mkdir()
    for table in ("customers", "orders"):
        shutil.copy(demo_data / f"{table}.csv", folder / f"{table}.csv")
    return run_dbt(["build"], work, {"raw_data_path": str(folder)})


EARLIER_DATE = "2026-05-31"
PROFILE_COUNTS_SQL = """select count(*), sum(case when churn_risk_class = 'high' then 1 else 0 end)
                        from marts.dim_customer_profile"""


@pytest.fixture(scope="session")
def history_build(demo_data, tmp_path_factory) -> tuple[DbtResult, dict]:
    """The demo refreshed three times into one database, as a scheduler would: `dbt build` as
    of EARLIER_DATE, `dbt build` as of DEMO_END_DATE, then the snapshot and what follows it
    again as of DEMO_END_DATE (a rerun with no change). Shared by every worker, read-only.
    Returns the build and what each step left: ``snapshot_rows`` (snap_customer_profile rows
    after each step) and ``profile_counts`` (as_of_date -> [customers, high churn risk])."""
    def make(folder: Path) -> None:
        facts: dict = {"snapshot_rows": [], "profile_counts": {}}
        steps = [(["build"], EARLIER_DATE), (["build"], DEMO_END_DATE),
                 (["build", "-s", "snap_customer_profile+"], DEMO_END_DATE)]
        for args, as_of in steps:
            result = run_dbt(args, folder, {"raw_data_path": str(demo_data), "as_of_date": as_of})
            facts["snapshot_rows"].append(result.query("select count(*) from snapshots.snap_customer_profile")[0][0])
            facts["profile_counts"][as_of] = list(result.query(PROFILE_COUNTS_SQL)[0])
        (folder / "dbt_output.txt").write_text(result.output)
        (folder / "history.json").write_text(json.dumps(facts))

    folder = shared_dir(tmp_path_factory, "history_build", make)
    build = DbtResult(0, (folder / "dbt_output.txt").read_text(), folder / "build.duckdb", folder / "target")
    return build, json.loads((folder / "history.json").read_text())
