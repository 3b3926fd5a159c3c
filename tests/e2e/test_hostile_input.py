"""Hostile input, end to end: degenerate tables and dirty values either build, with every
input row kept or rejected with a reason (input = kept + rejected per table), or stop with a
message naming what is wrong; and the models downstream degrade with a stated reason
instead of crashing.

Table-level cases (empty tables, customers without orders, a single customer, every order on
one day, every optional column empty) get a folder each; the value-level dirt (conflicting
duplicates, money as text, mixed date formats and time zones, Unicode and 10,000-character
strings, extreme values, unknown codes, an events table 100x the orders) shares one folder.
The folders build two at a time to keep the module fast."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from dbt_helpers import DbtResult, run_dbt
from hostile_cases import (
    AS_OF,
    CASES,
    LONG,
    LONG_ID,
    MISSING_COLUMNS,
    TABLES,
    WRONG_VARS,
    csv_text,
    dirty_case,
    missing_column_case,
    n_data_rows,
    plain_shop,
    write_folder,
)

pytestmark = pytest.mark.e2e
TARGETS = ("churn_risk", "lifecycle_stage", "value_tier")
# Every model that must exist after a successful build, whatever the data.
DOWNSTREAM = [
    "intermediate.int_customer_rfm", "intermediate.int_customer_interests",
    "intermediate.int_customer_circle", "intermediate.int_circle_stats",
    "intermediate.int_customer_features", "intermediate.int_feature_scaling",
    "intermediate.int_customer_feature_vectors", "ml.ml_training_labels",
    "ml.ml_label_model_metrics", "ml.ml_label_model_parameters", "ml.ml_label_model_calibration",
    "ml.ml_label_model_coefficients", "ml.ml_model_runs", "ml.ml_customer_label_scores",
    "ml.ml_purchase_model_parameters", "ml.ml_customer_purchase_scores",
    "ml.ml_attribute_imputation", "ml.ml_imputation_accuracy", "ml.ml_lookalikes",
    "ml.ml_lookalike_audiences", "marts.dim_customer_profile", "marts.fct_customer_tags",
    "marts.dim_circle", "marts.mart_segment_summary", "marts.fct_profile_migrations",
    "snapshots.snap_customer_profile",
]


@pytest.fixture(scope="module")
def hostile_builds(tmp_path_factory) -> dict[str, tuple[DbtResult, dict[str, str]]]:
    """Every case folder, built two at a time (each on its own throwaway database)."""
    root = tmp_path_factory.mktemp("hostile")

    def build(name: str):
        make, vars_ = CASES[name]
        tables = make()
        data = write_folder(root / name / "data", tables)
        # one OpenMP thread: two builds at once on two cores, and OpenMP's busy-waiting
        # threads would make the label-model fits many times slower
        return name, run_dbt(["build"], root / name, {"raw_data_path": str(data), **vars_}, check=False,
                             env={"OMP_NUM_THREADS": "1"}), tables

    with ThreadPoolExecutor(max_workers=2) as pool:
        return {name: (result, tables) for name, result, tables in pool.map(build, CASES)}


def built(hostile_builds, name: str) -> tuple[DbtResult, dict[str, str]]:
    result, tables = hostile_builds[name]
    if result.returncode != 0:
        tail = "\n".join(line for line in result.output.splitlines() if "ERROR" in line or "Error" in line)
        pytest.fail(f"the {name} build failed:\n{tail[-6000:]}")
    return result, tables


def one(build: DbtResult, sql: str):
    return build.query(sql)[0][0]


def assert_every_row_accounted(build: DbtResult, tables: dict[str, str]) -> dict[str, tuple[int, int, int]]:
    """input = kept + rejected for every contract table, the input counted from the files, and
    every rejected row has a documented reason and its original row."""
    counts = {t: (i, k, r, ok) for t, i, k, r, ok in build.query(
        "select source_table, input_rows, kept_rows, rejected_rows, is_reconciled from staging.stg_row_counts")}
    assert set(counts) == set(TABLES)
    for table in TABLES:
        n_input, n_kept, n_rejected, ok = counts[table]
        assert n_input == (n_data_rows(tables[table]) if table in tables else 0), table
        assert n_input == n_kept + n_rejected and ok, (table, counts[table])
        assert n_kept == one(build, f"select count(*) from staging.stg_{table}"), table
    bad = build.query("""select source_table, reason_code, count(*) from staging.stg_rejected_rows
        where reason is null or reason like 'Undocumented%' or original_row is null group by 1, 2""")
    assert bad == [], bad
    return {t: c[:3] for t, c in counts.items()}


def assert_downstream_degrades_clearly(build: DbtResult) -> None:
    """Every downstream model exists, the profile has one row per kept customer, and a label
    model that could not be trained says why (status and reason) instead of crashing."""
    with build.connect() as con:
        existing = {f"{s}.{t}" for s, t in con.execute(
            "select table_schema, table_name from information_schema.tables").fetchall()}
        assert not set(DOWNSTREAM) - existing, sorted(set(DOWNSTREAM) - existing)
        n_customers = con.execute("select count(*) from staging.stg_customers").fetchone()[0]
        assert con.execute("select count(*) from marts.dim_customer_profile").fetchone()[0] == n_customers
        runs = con.execute("select target, model_status, model_reason from ml.ml_model_runs").fetchall()
        for target, status, reason in runs:
            assert status in ("ok", "single_class", "too_few_rows"), (target, status)
            assert status == "ok" or reason, (target, status)
        unexplained = con.execute("""select target, model, metric from ml.ml_label_model_metrics
            where value is null and reason is null""").fetchall()
        assert unexplained == [], unexplained


# ---------------------------------------------------------------------------------------------
# table-level cases

def test_empty_tables(hostile_builds):
    build, tables = built(hostile_builds, "empty")
    counts = assert_every_row_accounted(build, tables)
    assert all(c == (0, 0, 0) for c in counts.values()), counts
    assert one(build, "select as_of_date_source from staging.stg_as_of_date") == "no orders: today"
    assert_downstream_degrades_clearly(build)
    assert one(build, "select count(*) from marts.dim_customer_profile") == 0


def test_customers_without_any_order(hostile_builds):
    build, tables = built(hostile_builds, "no_orders")
    counts = assert_every_row_accounted(build, tables)
    assert counts["customers"] == (30, 30, 0) and counts["orders"] == (0, 0, 0)
    assert_downstream_degrades_clearly(build)
    segments = build.query("select rfm_segment, count(*) from marts.dim_customer_profile group by 1")
    assert segments == [("Never Purchased", 30)]
    statuses = {s for (s,) in build.query("select model_status from ml.ml_model_runs")}
    assert statuses and "ok" not in statuses, statuses


def test_a_single_customer(hostile_builds):
    build, tables = built(hostile_builds, "single_customer")
    counts = assert_every_row_accounted(build, tables)
    assert counts["customers"] == (1, 1, 0) and counts["orders"] == (8, 8, 0)
    assert_downstream_degrades_clearly(build)
    runs = build.query("select target, model_status, model_reason from ml.ml_model_runs order by 1")
    assert [r[0] for r in runs] == sorted(TARGETS)
    assert all(status != "ok" and reason for _, status, reason in runs), runs
    # one customer still gets a full profile row
    assert build.query("""select count(*) from marts.dim_customer_profile
        where rfm_segment is not null and lifecycle_stage is not null""") == [(1,)]


def test_all_orders_on_one_day(hostile_builds):
    build, tables = built(hostile_builds, "one_day")
    counts = assert_every_row_accounted(build, tables)
    assert counts["orders"] == (120, 120, 0)
    assert build.query("select distinct cast(order_date as varchar) from staging.stg_orders") == [("2024-06-15",)]
    assert_downstream_degrades_clearly(build)
    # nobody has a purchase at the training date: the label models cannot learn from history
    assert one(build, "select count(*) from marts.dim_customer_profile") == 40


def test_all_null_optional_columns(hostile_builds):
    build, tables = built(hostile_builds, "all_null_optional")
    counts = assert_every_row_accounted(build, tables)
    rejected = {t: c[2] for t, c in counts.items() if c[2]}
    assert rejected == {}, rejected          # an empty optional value is never a reason to reject
    # an empty status or phase takes the contract default, like an absent column
    assert build.query("select distinct status from staging.stg_orders") == [("completed",)]
    assert build.query("select distinct phase from staging.stg_campaign_contacts") == [("rollout",)]
    assert_downstream_degrades_clearly(build)
    # no customer knows any attribute: nothing to impute from, and it says so instead of crashing
    assert one(build, "select count(*) from ml.ml_attribute_imputation where value is not null") == 0
    assert one(build, "select sum(n_known) from ml.ml_imputation_accuracy") in (0, None)


# ---------------------------------------------------------------------------------------------
# value-level dirt (one folder)

def test_dirty_values_are_kept_or_rejected_with_their_reason(hostile_builds):
    build, tables = built(hostile_builds, "dirty")
    _, expected, expected_events, _ = dirty_case()
    counts = assert_every_row_accounted(build, tables)
    rejected = build.query("""select source_table, row_key, reason_code from staging.stg_rejected_rows
        where source_table <> 'events'""")
    assert sorted(rejected, key=str) == sorted(expected, key=str)
    # a bad optional value nulls that value and is listed in the value ledger; the row is kept
    values = build.query("select source_table, row_key, column_name, reason_code from staging.stg_rejected_values")
    assert sorted(values, key=str) == sorted(dirty_case()[3]["values"], key=str)
    events = dict(build.query("""select reason_code, count(*) from staging.stg_rejected_rows
        where source_table = 'events' group by 1"""))
    assert events == expected_events
    n_orders = n_data_rows(tables["orders"])
    n_bad_events = sum(expected_events.values())
    assert counts["events"] == (100 * n_orders + n_bad_events, 100 * n_orders, n_bad_events)


def test_dirty_values_parse_to_what_they_mean(hostile_builds):
    build, _ = built(hostile_builds, "dirty")
    _, _, _, facts = dirty_case()
    amounts = dict(build.query("select order_id, cast(order_amount as double) from staging.stg_orders"))
    assert {oid: amounts.get(oid) for oid in facts["amount"]} == facts["amount"]
    stamps = dict(build.query("select order_id, strftime(order_ts, '%Y-%m-%d %H:%M:%S') from staging.stg_orders"))
    assert {oid: stamps.get(oid) for oid in facts["order_ts"]} == facts["order_ts"]
    signups = dict(build.query("select customer_id, cast(signup_date as varchar) from staging.stg_customers"))
    assert {cid: signups.get(cid) for cid in facts["signup"] if cid != "C005"} == \
        {cid: d for cid, d in facts["signup"].items() if cid != "C005"}
    statuses = dict(build.query("select status, count(*) from staging.stg_orders group by 1"))
    assert set(statuses) == {"completed", "cancelled", "returned"}
    # the line of 1e12 and the order of 1e12 are kept at full precision
    assert one(build, "select cast(order_amount as varchar) from staging.stg_orders where order_id = 'O_BIG'") == "1000000000000.00"
    assert one(build, "select cast(line_amount as varchar) from staging.stg_order_items where order_id = 'O_BIG'") == "1000000000000.00"


def test_duplicates_with_conflicting_values_keep_the_documented_row(hostile_builds):
    build, _ = built(hostile_builds, "dirty")
    assert build.query("select city, gender from staging.stg_customers where customer_id = 'C005'") == [("Berlin", "female")]
    assert one(build, "select cast(order_amount as double) from staging.stg_orders where order_id = 'O_DUP'") == 10.0
    assert one(build, "select cast(order_amount as double) from staging.stg_orders where order_id = 'O_VER'") == 15.0
    assert one(build, "select category from staging.stg_products where product_id = 'P1'") == "electronics"
    assert one(build, "select arm from staging.stg_campaign_contacts where customer_id = 'C006'") == "treatment"
    assert one(build, """select label_value from staging.stg_manual_labels
        where customer_id = 'C001' and label_name = 'churn_risk'""") == "low"


def test_unicode_and_long_strings_survive(hostile_builds):
    build, _ = built(hostile_builds, "dirty")
    assert one(build, "select city from staging.stg_customers where customer_id = 'C010'") == LONG
    assert one(build, "select count(*) from staging.stg_customers where customer_id in ('C046', 'Ç047')") == 2
    assert one(build, f"select count(*) from marts.dim_customer_profile where customer_id = '{LONG_ID}'") == 1
    assert one(build, "select max(length(category)) from staging.stg_products") == 10000
    cities = {c for (c,) in build.query("select distinct city from staging.stg_customers")}
    assert {"São Paulo", "東京", "القاهرة", "Ωmega 🙂"} <= cities


def test_dirty_values_downstream(hostile_builds):
    build, _ = built(hostile_builds, "dirty")
    assert_downstream_degrades_clearly(build)
    # unknown and non-ASCII categories become interest features without colliding
    columns = [c for (c,) in build.query("""select column_name from information_schema.columns
        where table_schema = 'intermediate' and table_name = 'int_customer_features'""")]
    assert len(columns) == len(set(columns))
    assert sum(c.startswith("interest_") for c in columns) >= 6


for _table, _column in MISSING_COLUMNS:
    CASES[f"missing:{_table}.{_column}"] = (missing_column_case(_table, _column), {"as_of_date": AS_OF})
for _name, _value in WRONG_VARS:
    CASES[f"var:{_name}"] = (lambda: {t: csv_text(t, r) for t, r in plain_shop(3, 1).items()},
                             {"as_of_date": AS_OF, _name: _value})


@pytest.mark.parametrize("table,column", MISSING_COLUMNS)
def test_missing_required_column_stops_naming_table_and_column(hostile_builds, table, column):
    result, _ = hostile_builds[f"missing:{table}.{column}"]
    assert result.returncode != 0
    assert f"Table '{table}' has no column '{column}'" in result.output


@pytest.mark.parametrize("name,value", WRONG_VARS)
def test_wrong_var_type_stops_naming_the_var(hostile_builds, name, value):
    result, _ = hostile_builds[f"var:{name}"]
    assert result.returncode != 0
    assert f"var '{name}' must be" in result.output
