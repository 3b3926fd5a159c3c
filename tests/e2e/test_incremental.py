"""Incremental refresh (docs/refresh.md): a build on day D, then one more day of data
appended and an incremental `dbt build` with as_of_date D + 1, gives exactly the tables of a
`dbt build --full-refresh` on the combined data, row for row, in every schema.

The shop is small (300 customers) and generated up to D + 1. Day D's files hold every row
except the new day's orders, lines and events and a few held back; the D + 1 folder holds
the same files plus a second file per grown table (orders/, order_items/, events/) with:
the generated rows of D + 1; an order (with its lines) and an event dated inside the lookback
that arrive late; a new version of an existing order_id with a conflicting amount and a later
order_ts (it becomes the kept version, the old row a duplicate_key); an older conflicting
version of another order, dated inside the lookback (rejected as duplicate_key); an exact copy of an existing event
(events are not de-duplicated: counted twice) and of an existing line (duplicate_row); and
unparseable values (an order_ts, an event_ts, a quantity).

Floats are compared exactly (`except all` on every column): the project sums with
deterministic decimal sums and the learnt models sort their input, so no tolerance is needed.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest
from customer_activation.demo.generate import generate
from dbt_helpers import copy_build, run_dbt, table_differences

pytestmark = pytest.mark.e2e

DAY = "2026-06-30"
NEXT_DAY = "2026-07-01"
GROWN = ("orders", "order_items", "events")
# One OpenMP thread for the learning models on a loaded two-core machine (see test_reliability).
ONE_THREAD = {"OMP_NUM_THREADS": "1"}
# History kept across refreshes, so not the same after an incremental and a full-refresh build:
#   ml.ml_model_runs      run log (incremental): a full refresh keeps only the versions it trains
#   snapshots.*           dbt snapshots; compared without dbt's wall-clock columns below
HISTORY = {("ml", "ml_model_runs")}


def shop_vars(folder: Path, as_of: str) -> dict:
    # the small shop's pilots are too small to pass the campaign gate: its data test only warns
    return {"raw_data_path": str(folder), "as_of_date": as_of, "campaign_gate_severity": "warn"}


def _csv(con: duckdb.DuckDBPyConnection, sql: str, path: Path) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    con.execute(f"copy ({sql}) to '{path}' (header, delimiter ',')")
    return con.execute(f"select count(*) from read_csv('{path}', all_varchar = true, header = true)").fetchone()[0]


@pytest.fixture(scope="module")
def two_days(tmp_path_factory) -> dict:
    """Folders `day` (the data up to D) and `next_day` (the same plus the increment)."""
    root = tmp_path_factory.mktemp("incremental")
    shop = root / "shop"
    generate(shop, n_customers=300, seed=11, fmt="csv", end_date=NEXT_DAY)
    day, next_day = root / "day", root / "next_day"
    day.mkdir()
    next_day.mkdir()
    for f in shop.glob("*.csv"):
        if f.stem not in GROWN:
            shutil.copy(f, day / f.name)
            shutil.copy(f, next_day / f.name)

    con = duckdb.connect()
    for table in GROWN:
        con.execute(f"create table {table} as select * from read_csv('{shop / (table + '.csv')}', "
                    "all_varchar = true, header = true)")
    con.execute("""create table late_order as
        select order_id from orders where order_ts like '2026-06-27%' and status = 'completed'
        order by order_id limit 1""")
    con.execute("""create table late_event as
        select * from events where event_ts like '2026-06-28%' order by all limit 1""")
    # rows of the new day, and the late ones: only in the increment
    con.execute(f"""create table new_orders as
        select * from orders where order_ts like '{NEXT_DAY}%' or order_id in (select order_id from late_order)""")
    con.execute("""create table new_order_items as
        select * from order_items where order_id in (select order_id from new_orders)""")
    con.execute(f"""create table new_events as
        select * from events where event_ts like '{NEXT_DAY}%'
        union all select * from late_event""")
    for table in GROWN:
        con.execute(f"create table kept_{table} as select * from {table} except all select * from new_{table}")
        kept = f"select * from kept_{table} order by all"
        _csv(con, kept, day / f"{table}.csv")
        _csv(con, kept, next_day / table / "part-0.csv")

    # conflicting versions of existing order keys, a copy of an event and of a line, bad values
    old = ("from orders where status = 'completed' and order_ts >= '2026-06-26' and order_ts < '2026-06-30' "
           "and order_id not in (select order_id from new_orders)")
    corrected, restated = [r[0] for r in con.execute(f"select order_id {old} order by order_id limit 2").fetchall()]
    increment = {
        "orders": f"""
            select * from new_orders
            union all select order_id, customer_id, '{NEXT_DAY} 09:00:00', '999.99', discount_amount, status, channel
                from orders where order_id = '{corrected}'
            union all select order_id, customer_id, '2026-06-25 00:00:01', '1.00', discount_amount, status, channel
                from orders where order_id = '{restated}'
            union all select 'O-BAD-TS', customer_id, 'yesterday', '10.00', null, 'completed', 'web'
                from orders where order_id = '{corrected}'""",
        "order_items": f"""
            select * from new_order_items
            union all (select * from order_items where order_id = '{corrected}' order by all limit 1)
            union all select order_id, product_id, 'two', unit_price from new_order_items where order_id in
                (select min(order_id) from new_orders where order_ts like '{NEXT_DAY}%')""",
        "events": """
            select * from new_events
            union all (select * from events where event_ts like '2026-06-29%' order by all limit 1)
            union all select customer_id, '31/02/2026 25:00', event_type, product_id, category
                from (select * from events order by all limit 1)""",
    }
    counts = {table: _csv(con, sql, next_day / table / "part-1.csv") for table, sql in increment.items()}
    con.close()
    assert all(n > 3 for n in counts.values()), counts
    return {"day": day, "next_day": next_day, "increment_rows": counts, "corrected": corrected,
            "restated": restated}


@pytest.fixture(scope="module")
def day_build(two_days, tmp_path_factory):
    """The build of day D (every model built from scratch)."""
    return run_dbt(["build"], tmp_path_factory.mktemp("day_build"), shop_vars(two_days["day"], DAY), env=ONE_THREAD)


@pytest.fixture(scope="module")
def incremental_build(two_days, day_build, tmp_path_factory):
    """Day D's database, then `dbt build` on the D + 1 data with as_of_date D + 1."""
    work = tmp_path_factory.mktemp("incremental_build")
    copy_build(day_build.db_path, work)
    return run_dbt(["build"], work, shop_vars(two_days["next_day"], NEXT_DAY), env=ONE_THREAD)


@pytest.fixture(scope="module")
def full_refresh_build(two_days, day_build, tmp_path_factory):
    """Day D's database, then `dbt build --full-refresh` on the D + 1 data: every incremental
    model rebuilt from all raw rows (the snapshot keeps day D's history, as it would)."""
    work = tmp_path_factory.mktemp("full_refresh_build")
    copy_build(day_build.db_path, work)
    return run_dbt(["build", "--full-refresh"], work, shop_vars(two_days["next_day"], NEXT_DAY), env=ONE_THREAD)


def _rows(db: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return sorted(con.execute(sql).fetchall(), key=repr)


def _columns(db: Path, schema: str, table: str) -> list[str]:
    with duckdb.connect(str(db), read_only=True) as con:
        return [r[0] for r in con.execute(
            "select column_name from information_schema.columns where table_schema = ? and table_name = ? "
            "order by ordinal_position", [schema, table]).fetchall()]


def test_incremental_build_staged_only_the_new_rows(two_days, day_build, incremental_build):
    """The increment was appended, not rebuilt: the parsed tables grew by exactly the new rows."""
    runs = {r["unique_id"].split(".")[-1]: r for r in incremental_build.run_results()["results"]}
    for table in GROWN:
        before = day_build.query(f"select count(*) from staging.stg_{table}_parsed")[0][0]
        after = incremental_build.query(f"select count(*) from staging.stg_{table}_parsed")[0][0]
        assert after - before == two_days["increment_rows"][table], table
        assert runs[f"stg_{table}_parsed"]["status"] == "success"
        # compiled as an increment: anti-joined against the rows already staged
        assert f"left join staged_{table}" in runs[f"stg_{table}_parsed"]["compiled_code"]


def test_incremental_build_equals_full_refresh(two_days, incremental_build, full_refresh_build):
    """Every table of every schema (staging, intermediate, ml, marts, campaigns, snapshots,
    seeds), row for row; the run log and the snapshots' wall-clock columns excepted."""
    a, b = incremental_build.db_path, full_refresh_build.db_path
    differences = [d for d in table_differences(a, b)
                   if not (d[0].startswith("snapshots.") or tuple(d[0].split(".")) in HISTORY)]
    assert differences == []

    # the same data reached the marts: the corrected order is the kept version, the late
    # order and event are kept, the bad rows are rejected with their reason
    kept = _rows(a, f"select order_amount from staging.stg_orders where order_id = '{two_days['corrected']}'")
    assert [float(x[0]) for x in kept] == [999.99]
    reasons = _rows(a, "select source_table, reason_code, count(*) from staging.stg_rejected_rows group by all")
    assert reasons == _rows(b, "select source_table, reason_code, count(*) from staging.stg_rejected_rows group by all")
    assert ("orders", "duplicate_key") in {r[:2] for r in reasons}
    assert ("orders", "unparseable_date") in {r[:2] for r in reasons}
    assert ("events", "unparseable_date") in {r[:2] for r in reasons}
    assert ("order_items", "unparseable_number") in {r[:2] for r in reasons}
    assert _rows(a, "select count(*) from staging.stg_row_counts where not is_reconciled") == [(0,)]

    # snapshots: the same versions, apart from dbt's wall-clock columns
    for snapshot in ("snap_customer_profile", "snap_campaign_customer_metrics", "snap_campaign_summary"):
        cols = [c for c in _columns(a, "snapshots", snapshot) if not c.startswith("dbt_")]
        assert cols, snapshot
        sql = f"select {', '.join(cols)} from snapshots.{snapshot}"
        assert _rows(a, sql) == _rows(b, sql), snapshot
    # the run log: the full refresh's model versions are the ones the incremental build logged
    cols = [c for c in _columns(a, "ml", "ml_model_runs") if c not in ("dbt_invocation_id", "trained_at")]
    sql = f"select {', '.join(cols)} from ml.ml_model_runs"
    latest = f"{sql} where training_cutoff_date = (select max(training_cutoff_date) from ml.ml_model_runs)"
    assert _rows(b, sql) == _rows(a, latest)


def test_a_run_with_nothing_new_changes_nothing(two_days, incremental_build, tmp_path):
    """The staging layer rebuilt on the same input (an empty increment) leaves every table as it
    was. (test_reliability's two builds in a row do the same for a whole build.)"""
    copy_build(incremental_build.db_path, tmp_path)
    rerun = run_dbt(["build", "--select", "+stg_row_counts", "+stg_rejected_rows"], tmp_path,
                    shop_vars(two_days["next_day"], NEXT_DAY))
    assert table_differences(incremental_build.db_path, rerun.db_path) == []


def test_changed_parsing_settings_stop_an_incremental_run(two_days, incremental_build, tmp_path):
    """Rows parsed with other timestamp formats must not be mixed with the staged ones: the run
    stops naming the fix; a full refresh of the parsed models then builds."""
    copy_build(incremental_build.db_path, tmp_path)
    vars_ = {**shop_vars(two_days["next_day"], NEXT_DAY), "timestamp_formats": ["%Y%m%d"]}
    failed = run_dbt(["run", "--select", "stg_orders_parsed"], tmp_path, vars_, check=False)
    assert failed.returncode != 0
    assert "other parsing settings" in failed.output and "--full-refresh" in failed.output
    run_dbt(["run", "--full-refresh", "--select", "+tag:parsed_rows"], tmp_path, vars_)


def test_rows_older_than_the_lookback_wait_for_a_full_refresh(two_days, incremental_build, tmp_path):
    """A raw row dated before as_of_date - incremental_lookback_days that arrives after its day
    was staged is not picked up by an incremental run: the row counts do not reconcile and the
    build fails saying so, until a full refresh stages it."""
    copy_build(incremental_build.db_path, tmp_path)
    folder = tmp_path / "data"
    shutil.copytree(two_days["next_day"], folder)
    with duckdb.connect() as con:
        _csv(con, f"""select 'O-VERY-LATE' as order_id, customer_id, '2026-05-01 12:00:00' as order_ts,
                         '12.50' as order_amount, null as discount_amount, 'completed' as status, 'web' as channel
                      from read_csv('{folder / 'orders' / 'part-1.csv'}', all_varchar = true, header = true) limit 1""",
             folder / "orders" / "part-2.csv")
    staging = ["build", "--select", "+stg_row_counts", "+stg_rejected_rows"]
    late = run_dbt(staging, tmp_path, shop_vars(folder, NEXT_DAY), check=False)
    assert late.returncode != 0
    assert "assert_every_input_row_is_kept_or_rejected" in late.output
    assert late.query("select input_rows - kept_rows - rejected_rows from staging.stg_row_counts "
                      "where source_table = 'orders'") == [(1,)]
    run_dbt(["run", "--full-refresh", "--select", "+tag:parsed_rows"], tmp_path, shop_vars(folder, NEXT_DAY))
    fixed = run_dbt(staging, tmp_path, shop_vars(folder, NEXT_DAY))
    assert fixed.query("select count(*) from staging.stg_orders where order_id = 'O-VERY-LATE'") == [(1,)]


def test_scoring_runs_keep_the_last_fit_until_refit(two_days, day_build, tmp_path):
    """With refit_models false (docs/refresh.md: score daily, refit weekly) the label
    models and the imputation evaluation keep their last result even when a setting that
    changes the fit is given; with refit_models true (the default) they fit again."""
    copy_build(day_build.db_path, tmp_path)
    fit = "select * from ml.ml_label_model_fit order by all"
    accuracy = "select * from ml.ml_imputation_accuracy order by all"
    before_fit, before_accuracy = _rows(day_build.db_path, fit), _rows(day_build.db_path, accuracy)
    changed = {**shop_vars(two_days["day"], DAY), "label_model_regularisation_c": 0.01,
               "imputation_k": 3}
    selection = ["run", "--select", "ml_label_model_fit", "ml_imputation_accuracy"]
    kept = run_dbt(selection, tmp_path, {**changed, "refit_models": False})
    assert _rows(kept.db_path, fit) == before_fit
    assert _rows(kept.db_path, accuracy) == before_accuracy
    refit = run_dbt(selection, tmp_path, {**changed, "refit_models": True})
    versions = "select distinct model_version from ml.ml_label_model_fit where result_kind = 'parameters' order by 1"
    assert _rows(refit.db_path, versions) != _rows(day_build.db_path, versions)
    assert _rows(refit.db_path, accuracy) != before_accuracy
