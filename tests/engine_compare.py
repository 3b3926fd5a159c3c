"""Compare two builds of the project on the same data: DuckDB (a database file) and Spark (the
parquet files of its warehouse directory, read with DuckDB, so no JVM is needed to check).

Every table that both engines built is compared: same columns, same rows (matched on the
table's key where it has one, else as a multiset of rows), text, dates and flags equal,
numbers within a tolerance. Columns that identify a run rather than hold a result (model
version hashes, invocation ids, timestamps) are listed in RUN_IDENTIFIERS with the reason and
compared for presence only, not skipped silently.

    python tests/engine_compare.py BUILD.duckdb SPARK_WAREHOUSE_DIR   # prints a report
"""
from __future__ import annotations

import math
import sys
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import duckdb
import pandas as pd

# Relative tolerance for numbers: both engines compute in IEEE doubles, but sum in different
# orders (parallel partial aggregates), so the last bits of a sum, a mean or a standard
# deviation may differ.
REL_TOL = 1e-9
ABS_TOL = 1e-9

# table -> key columns (unique per row on both engines). Tables not listed are compared as
# multisets of whole rows.
KEYS: dict[str, list[str]] = {
    "staging.stg_as_of_date": ["as_of_date"],
    "staging.stg_row_counts": ["source_table"],
    "intermediate.int_feature_dates": ["feature_date_role"],
    "intermediate.int_customer_population": ["customer_id", "feature_date_role"],
    "intermediate.int_customer_order_stats": ["customer_id", "feature_date_role"],
    "intermediate.int_customer_event_stats": ["customer_id", "feature_date_role"],
    "intermediate.int_customer_rfm": ["customer_id", "feature_date_role"],
    "intermediate.int_customer_lifecycle": ["customer_id", "feature_date_role"],
    "intermediate.int_customer_category_affinity": ["customer_id", "category", "feature_date_role"],
    "intermediate.int_customer_interests": ["customer_id", "category", "feature_date_role"],
    "intermediate.int_customer_top_interests": ["customer_id", "feature_date_role"],
    "intermediate.int_circle_membership": ["customer_id", "feature_date_role"],
    "intermediate.int_circle_stats": ["circle_id", "feature_date_role"],
    "intermediate.int_customer_circle": ["customer_id", "feature_date_role"],
    "intermediate.int_customer_features": ["customer_id", "feature_date_role"],
    "intermediate.int_feature_scaling": ["feature_name"],
    "intermediate.int_customer_feature_vectors": ["customer_id", "feature_date_role"],
    "ml.ml_training_labels": ["customer_id", "feature_date_role", "target"],
    "ml.ml_customer_purchase_scores": ["customer_id", "feature_date_role"],
    "ml.ml_purchase_model_parameters": ["feature_date_role"],
    "ml.ml_lookalike_seeds": ["audience_name", "customer_id"],
    "ml.ml_lookalike_audiences": ["audience_name"],
    "marts.dim_customer_profile": ["customer_id"],
    "marts.dim_circle": ["circle_id"],
    "marts.mart_segment_summary": ["summary_level", "segment"],
}

# Columns that identify a run rather than hold a result: compared for presence only (null on
# one engine exactly where null on the other), in every table. column -> why they differ.
_MODEL_HASH = ("a hash of the exact bytes of the training rows: the engines' features agree to "
               "~1e-16 relative, not bit for bit, so the hash differs while the fitted models agree")
RUN_IDENTIFIERS: dict[str, str] = {
    "model_version": _MODEL_HASH, "validation_model_version": _MODEL_HASH,
    "churn_model_version": _MODEL_HASH, "lifecycle_model_version": _MODEL_HASH,
    "value_tier_model_version": _MODEL_HASH,
    "dbt_invocation_id": "the id of the dbt run", "trained_at": "when the run happened",
    "fit_seconds": "the wall time of the purchase model's fit",
}
# Tables left out entirely (with why), on top of those Spark does not build at all.
SKIPPED_TABLES: dict[str, str] = {
    "seeds.lookalike_seed_customers": "a seed (loaded, not computed)",
    "seeds.next_best_actions": "a seed", "seeds.rejection_reasons": "a seed",
    "seeds.rfm_segments": "a seed", "seeds.tag_catalogue": "a seed",
    "staging.stg_raw_records": ("the independent record count: per file on DuckDB (it reads the files), per "
                                "registered table on Spark; the totals per table are compared in stg_row_counts"),
}


@dataclass
class TableComparison:
    table: str
    n_duckdb: int
    n_spark: int
    problems: list[str] = field(default_factory=list)
    max_abs_diff: float = 0.0
    columns_compared: int = 0
    identifiers: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def spark_table_path(warehouse: Path, table: str) -> Path:
    schema, name = table.split(".")
    return warehouse / f"{schema}.db" / name


def read_spark(con: duckdb.DuckDBPyConnection, warehouse: Path, table: str) -> pd.DataFrame:
    path = spark_table_path(warehouse, table)
    return con.sql(f"select * from read_parquet('{path}/*.parquet')").df()


def _is_number(series: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series)


def _normalise(frame: pd.DataFrame) -> pd.DataFrame:
    """Lower-case names; Decimals as floats; timestamps without time zone."""
    frame = frame.rename(columns=str.lower).copy()
    for col in frame.columns:
        s = frame[col]
        if s.dtype == object and s.map(lambda v: isinstance(v, Decimal)).any():
            frame[col] = s.map(lambda v: None if v is None or (isinstance(v, float) and math.isnan(v)) else float(v)).astype(float)
        elif isinstance(s.dtype, pd.DatetimeTZDtype):
            frame[col] = s.dt.tz_convert("UTC").dt.tz_localize(None)
        if pd.api.types.is_datetime64_any_dtype(frame[col]):
            frame[col] = frame[col].astype("datetime64[us]")
    return frame


def _values_equal(a: pd.Series, b: pd.Series) -> tuple[pd.Series, float]:
    """Element-wise equality (nulls equal nulls); numbers within tolerance."""
    both_null = a.isna() & b.isna()
    if _is_number(a) and _is_number(b):
        x, y = a.astype(float), b.astype(float)
        diff = (x - y).abs()
        close = diff <= (ABS_TOL + REL_TOL * pd.concat([x.abs(), y.abs()], axis=1).max(axis=1))
        max_diff = float(diff[~both_null & diff.notna()].max()) if (~both_null & diff.notna()).any() else 0.0
        return both_null | close.fillna(False), max_diff
    eq = a.astype(object).where(a.notna(), None) == b.astype(object).where(b.notna(), None)
    return both_null | eq, 0.0


def _row_keys(frame: pd.DataFrame) -> pd.DataFrame:
    """A sortable text image of every row (numbers rounded), for multiset comparison."""
    out = pd.DataFrame(index=frame.index)
    for col in frame.columns:
        s = frame[col]
        if _is_number(s):
            out[col] = s.astype(float).round(6).astype(str)
        else:
            out[col] = s.astype(str)
    return out


def compare_table(con: duckdb.DuckDBPyConnection, duck: pd.DataFrame, spark: pd.DataFrame,
                  table: str) -> TableComparison:
    duck, spark = _normalise(duck), _normalise(spark)
    result = TableComparison(table, len(duck), len(spark))
    if list(duck.columns) != list(spark.columns):
        result.problems.append(f"columns differ: duckdb {list(duck.columns)} / spark {list(spark.columns)}")
        common = [c for c in duck.columns if c in spark.columns]
        duck, spark = duck[common], spark[common]
    if len(duck) != len(spark):
        result.problems.append(f"row counts differ: duckdb {len(duck)}, spark {len(spark)}")
    keys = KEYS.get(table)
    if keys:
        for name, frame in (("duckdb", duck), ("spark", spark)):
            dup = frame.duplicated(keys).sum()
            if dup:
                result.problems.append(f"{dup} duplicate keys {keys} on {name}")
        merged = duck.merge(spark, on=keys, how="outer", suffixes=("__d", "__s"), indicator=True)
        only_d = (merged["_merge"] == "left_only").sum()
        only_s = (merged["_merge"] == "right_only").sum()
        if only_d or only_s:
            result.problems.append(f"keys differ: {only_d} only on duckdb, {only_s} only on spark, e.g. "
                                   f"{merged.loc[merged['_merge'] != 'both', keys].head(3).values.tolist()}")
        merged = merged[merged["_merge"] == "both"]
        left = merged[[f"{c}__d" for c in duck.columns if c not in keys]].set_axis(
            [c for c in duck.columns if c not in keys], axis=1)
        right = merged[[f"{c}__s" for c in duck.columns if c not in keys]].set_axis(
            [c for c in duck.columns if c not in keys], axis=1)
        key_frame = merged[keys]
    else:
        order_d = _row_keys(duck).sort_values(list(duck.columns)).index
        order_s = _row_keys(spark).sort_values(list(spark.columns)).index
        n = min(len(order_d), len(order_s))
        left = duck.loc[order_d[:n]].reset_index(drop=True)
        right = spark.loc[order_s[:n]].reset_index(drop=True)
        key_frame = left
    for col in left.columns:
        if col in RUN_IDENTIFIERS:
            result.identifiers.append(col)
            l_null = left[col].isna().reset_index(drop=True)
            r_null = right[col].isna().reset_index(drop=True)
            if not (l_null == r_null).all():
                result.problems.append(f"{col}: null on one engine where set on the other "
                                       f"({int((l_null != r_null).sum())} rows)")
            continue
        equal, max_diff = _values_equal(left[col].reset_index(drop=True), right[col].reset_index(drop=True))
        result.columns_compared += 1
        result.max_abs_diff = max(result.max_abs_diff, max_diff)
        n_bad = int((~equal).sum())
        if n_bad:
            bad = (~equal).to_numpy().nonzero()[0][:3]
            examples = [(key_frame.iloc[i].tolist() if keys else i, left[col].iloc[i], right[col].iloc[i]) for i in bad]
            result.problems.append(f"{col}: {n_bad} of {len(equal)} values differ, e.g. (key, duckdb, spark) {examples}")
    return result


def compare_builds(duckdb_path: str | Path, warehouse: str | Path) -> list[TableComparison]:
    warehouse = Path(warehouse)
    con = duckdb.connect()
    con.execute(f"attach '{duckdb_path}' as duck (read_only)")
    tables = [f"{s}.{t}" for s, t in con.execute(
        "select table_schema, table_name from information_schema.tables "
        "where table_catalog = 'duck' and table_type = 'BASE TABLE' order by 1, 2").fetchall()]
    results = []
    for table in tables:
        if table in SKIPPED_TABLES:
            continue
        if not spark_table_path(warehouse, table).is_dir():
            continue  # not built on Spark (disabled there: snapshots and what reads them)
        duck = con.sql(f"select * from duck.{table}").df()
        spark = read_spark(con, warehouse, table)
        results.append(compare_table(con, duck, spark, table))
    return results


def report(results: list[TableComparison]) -> str:
    lines = []
    for r in results:
        status = "ok" if r.ok else "DIFFERS"
        lines.append(f"{status:8} {r.table}: {r.n_duckdb} rows on duckdb, {r.n_spark} on spark, "
                     f"{r.columns_compared} columns compared, max |diff| {r.max_abs_diff:.3g}"
                     + (f", run identifiers compared for presence: {', '.join(r.identifiers)}" if r.identifiers else ""))
        lines += [f"         - {p}" for p in r.problems]
    return "\n".join(lines)


if __name__ == "__main__":
    results = compare_builds(sys.argv[1], sys.argv[2])
    print(report(results))
    sys.exit(0 if all(r.ok for r in results) else 1)
