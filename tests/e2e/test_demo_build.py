"""End to end on the demo shop: the whole project builds, every input row is accounted for,
and the staging layer rejects exactly the bad rows the generator injected."""
from __future__ import annotations

import csv

import pytest
from customer_activation.contract import TABLES as CONTRACT_TABLES

pytestmark = pytest.mark.e2e

# generator bad-row kind -> (table, reason_code) the staging layer must give it
INJECTED_TO_REASON = {
    ("customers", "duplicate_customer_id"): "duplicate_key",
    ("customers", "missing_customer_id"): "missing_key",
    ("orders", "duplicate_order_id"): "duplicate_key",
    ("orders", "missing_order_id"): "missing_key",
    ("orders", "negative_amount"): "negative_amount",
    ("orders", "order_ts_after_end_date"): "after_as_of_date",
    ("orders", "unknown_customer_id"): "unknown_customer",
    ("orders", "unknown_status"): "unknown_status",
    ("orders", "unparseable_date"): "unparseable_date",
    ("orders", "unparseable_number"): "unparseable_number",
    ("order_items", "unknown_order_id"): "unknown_order",
    ("order_items", "unparseable_number"): "unparseable_number",
}
# injected bad values of optional columns: nulled and listed in stg_rejected_values, the row kept
INJECTED_TO_VALUE_REASON = {
    ("customers", "unparseable_date"): ("signup_date", "unparseable_date"),
}


def test_every_table_reconciles(demo_build, demo_data):
    rows = demo_build.query("select source_table, input_rows, kept_rows, rejected_rows from staging.stg_row_counts")
    assert len(rows) == len(CONTRACT_TABLES)
    for table, n_in, n_kept, n_rej in rows:
        if not (demo_data / f"{table}.csv").exists():   # the demo has no consents
            assert n_in == n_kept == n_rej == 0, table
            continue
        with open(demo_data / f"{table}.csv") as f:
            n_file = sum(1 for _ in f) - 1
        assert n_in == n_file, table
        assert n_in == n_kept + n_rej, table


def test_rejections_match_the_injected_bad_rows(demo_build, demo_data):
    with open(demo_data / "_truth" / "bad_rows_injected.csv") as f:
        injected = {(r["table"], r["kind"]): int(r["count"]) for r in csv.DictReader(f)}
    assert set(injected) == set(INJECTED_TO_REASON) | set(INJECTED_TO_VALUE_REASON), \
        "a new kind of bad row needs its expected reason here"
    expected_values = {(table, *INJECTED_TO_VALUE_REASON[(table, kind)]): n
                       for (table, kind), n in injected.items() if (table, kind) in INJECTED_TO_VALUE_REASON}
    assert expected_values == {(t, c, r): n for t, c, r, n in demo_build.query(
        "select source_table, column_name, reason_code, count(*) from staging.stg_rejected_values group by all")}
    expected: dict[tuple[str, str], int] = {}
    for (table, kind), n in injected.items():
        if (table, kind) in INJECTED_TO_VALUE_REASON:
            continue
        key = (table, INJECTED_TO_REASON[(table, kind)])
        expected[key] = expected.get(key, 0) + n
    found = {(t, r): n for t, r, n in demo_build.query(
        "select source_table, reason_code, count(*) from staging.stg_rejected_rows group by 1, 2")}
    assert found == expected


def test_every_model_has_rows(demo_build):
    tables = demo_build.query(
        "select table_schema, table_name from information_schema.tables "
        "where table_schema in ('staging', 'intermediate', 'ml', 'marts')")
    assert len(tables) > 30
    empty = [f"{s}.{t}" for s, t in tables if demo_build.query(f"select count(*) from {s}.{t}")[0][0] == 0]
    # stg_rejected_rows of tables without bad rows are filtered views; all models hold rows on the
    # demo but those of the optional consents table, which the demo does not have
    assert sorted(empty) == ["staging.stg_consents", "staging.stg_consents_checked"]


def test_one_scoring_row_per_customer(demo_build):
    n_customers = demo_build.query("select count(*) from staging.stg_customers")[0][0]
    for model in ("int_customer_rfm", "int_customer_features", "int_customer_feature_vectors"):
        n, n_distinct = demo_build.query(
            f"select count(*), count(distinct customer_id) from intermediate.{model} "
            "where feature_date_role = 'scoring'")[0]
        assert n == n_distinct == n_customers, model


def test_rfm_segments_are_all_named(demo_build):
    segments = dict(demo_build.query(
        "select rfm_segment, count(*) from intermediate.int_customer_rfm "
        "where feature_date_role = 'scoring' group by 1"))
    assert "Unmapped" not in segments
    assert segments.get("Never Purchased", 0) > 0
    assert len(segments) >= 8


def test_feature_vectors_are_standardised_on_training(demo_build):
    rows = demo_build.query(
        "select feature_name, transform, fitted_on from intermediate.int_feature_scaling")
    assert {r[2] for r in rows} == {"training"}
    z_features = [r[0] for r in rows if r[1] in ("z", "log_z")]
    assert "monetary" in z_features and any(f.startswith("interest_") for f in z_features)
    # on the training population the z-scored columns have mean 0 and sd 1; missing values sit
    # at the centre, so a feature with gaps (age) has sd < 1 and a constant one sd 0
    for name in z_features:
        mean, sd = demo_build.query(
            f"select avg({name}), stddev_samp({name}) from intermediate.int_customer_feature_vectors "
            "where feature_date_role = 'training'")[0]
        assert abs(mean) < 1e-6, name
        assert sd <= 1 + 1e-6, name
    for name in ("monetary", "frequency", "n_orders"):
        sd = demo_build.query(
            f"select stddev_samp({name}) from intermediate.int_customer_feature_vectors "
            "where feature_date_role = 'training'")[0][0]
        assert abs(sd - 1) < 1e-6, name


def test_minimal_folder_builds_every_model(minimal_build):
    counts = dict(minimal_build.query("select source_table, input_rows from staging.stg_row_counts"))
    assert counts["customers"] > 0 and counts["orders"] > 0
    assert all(n == 0 for t, n in counts.items() if t not in ("customers", "orders"))
    assert minimal_build.query("select count(*) from intermediate.int_customer_interests")[0][0] == 0
    assert minimal_build.query(
        "select count(*) from intermediate.int_customer_rfm where feature_date_role = 'scoring'")[0][0] > 0
    results = [r for r in minimal_build.run_results()["results"]
               if not r["unique_id"].startswith("exposure.")]   # exposures are documentation: no-op
    assert results and all(r["status"] in ("success", "pass") for r in results)
