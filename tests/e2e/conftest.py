"""Fixtures for end-to-end builds of the dbt project on demo data."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from customer_activation.demo.generate import generate
from dbt_helpers import run_dbt

DEMO_END_DATE = "2026-06-30"
DEMO_CUSTOMERS = 3000


@pytest.fixture(scope="session")
def demo_data(tmp_path_factory) -> Path:
    """The demo shop as `make build` generates it (CSV, seed 42), with its ground truth."""
    out = tmp_path_factory.mktemp("demo") / "data"
    generate(out, n_customers=DEMO_CUSTOMERS, seed=42, fmt="csv", end_date=DEMO_END_DATE)
    return out


@pytest.fixture(scope="session")
def demo_build(demo_data, tmp_path_factory):
    """A full `dbt build` (models, seeds, snapshots, data and unit tests) on the demo data."""
    work = tmp_path_factory.mktemp("demo_build")
    return run_dbt(["build"], work, {"raw_data_path": str(demo_data), "as_of_date": DEMO_END_DATE})


@pytest.fixture(scope="session")
def minimal_build(demo_data, tmp_path_factory):
    """A build from a folder holding only the two required tables."""
    work = tmp_path_factory.mktemp("minimal_build")
    folder = work / "data"
    folder.mkdir()
    for table in ("customers", "orders"):
        shutil.copy(demo_data / f"{table}.csv", folder / f"{table}.csv")
    return run_dbt(["build"], work, {"raw_data_path": str(folder)})
