"""Test order for parallel runs (`make test`: pytest-xdist, one file per worker at a time).

A worker takes a whole file (``--dist loadfile``), so a long file handed out last keeps one
worker busy long after the other has run out of work. The slowest files therefore go first,
longest first (the usual longest-processing-time rule), and the rest follow in their usual
order; `make test` passes ``--no-loadscope-reorder`` so xdist keeps this order instead of
sorting files by their number of tests. The list is a measured ranking, not a requirement:
a file missing from it only starts later. Re-rank from ``pytest --durations=0`` when a file's
cost changes a lot.
"""
from __future__ import annotations

from pathlib import Path

TESTS_DIR = Path(__file__).resolve().parent

SLOWEST_FIRST = [
    "e2e/test_incremental.py",
    "e2e/test_spark.py",
    "e2e/test_hostile_input.py",
    "e2e/test_reliability.py",
    "e2e/test_staging_rejections.py",
    "e2e/test_real_exports.py",
    "e2e/test_real_exports_values.py",
    "e2e/test_online_retail.py",
    "e2e/test_marts.py",
    "e2e/test_campaign_loop.py",
    "e2e/test_semantic_layer.py",
    "e2e/test_consent_and_fatigue.py",
    "e2e/test_shaped_export.py",
    "e2e/test_sparse_panel.py",
    "e2e/test_label_models.py",
    "e2e/test_purchase_model.py",
    "e2e/test_demo_build.py",
]


def pytest_collection_modifyitems(session, config, items) -> None:
    rank = {name: i for i, name in enumerate(SLOWEST_FIRST)}

    def slowest_first(item) -> int:
        try:
            name = Path(item.path).resolve().relative_to(TESTS_DIR).as_posix()
        except ValueError:  # a test outside tests/ (given on the command line)
            return len(rank)
        return rank.get(name, len(rank))

    items.sort(key=slowest_first)  # stable: within a file, and for the files not ranked
