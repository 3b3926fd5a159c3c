"""Compare two builds of the project relation by relation, with the comparison the Spark test uses
(tests/engine_compare.py): same columns, same rows (matched on the table's key where it has
one, else as a multiset), numbers within 1e-9 relative, run identifiers for presence only.

A build is either a DuckDB file or the warehouse directory of a Spark build. Used to prove a
refactoring changed nothing: build the old commit and the new one on the same data, then

    python tests/build_compare.py OLD.duckdb NEW.duckdb
    python tests/build_compare.py OLD_SPARK/warehouse NEW_SPARK/warehouse

A relation that moved to another schema is matched by name. Relations only one build has are
listed (a refactoring may add one, never lose one).
"""
from __future__ import annotations

import sys
from pathlib import Path

import duckdb
import engine_compare
import pandas as pd

# A snapshot stamps its rows with the time of the run that took them.
engine_compare.RUN_IDENTIFIERS.update({
    column: "a snapshot's record of when the run took it"
    for column in ("dbt_scd_id", "dbt_updated_at", "dbt_valid_from", "dbt_valid_to")})


def connect(build: Path) -> duckdb.DuckDBPyConnection:
    """A DuckDB file is opened as the default catalog, so its views resolve; a Spark warehouse
    is read as parquet from an in-memory connection."""
    return duckdb.connect() if build.is_dir() else duckdb.connect(str(build), read_only=True)


def list_relations(con: duckdb.DuckDBPyConnection, build: Path) -> list[str]:
    """Every table and view (DuckDB) or every table directory (Spark), as schema.name."""
    if build.is_dir():
        return sorted(f"{schema.name[:-3]}.{table.name}" for schema in build.glob("*.db")
                      for table in schema.iterdir() if table.is_dir() and any(table.glob("*.parquet")))
    return [f"{s}.{t}" for s, t in con.execute(
        "select table_schema, table_name from information_schema.tables "
        "where table_catalog = current_database() and table_schema <> 'main' order by 1, 2").fetchall()]


def read_relation(con: duckdb.DuckDBPyConnection, build: Path, table: str) -> pd.DataFrame:
    if build.is_dir():
        return engine_compare.read_spark(con, build, table)
    return con.sql(f"select * from {table}").df()


def compare(old: Path, new: Path) -> tuple[list[engine_compare.TableComparison], list[str], list[str]]:
    old_con, new_con = connect(old), connect(new)
    old_tables = set(list_relations(old_con, old))
    new_tables = set(list_relations(new_con, new))
    # a relation that moved to another schema is matched by its name, when the name is unique
    by_name = {t.split(".")[1]: t for t in new_tables - old_tables}
    pairs = {t: t for t in old_tables & new_tables}
    pairs.update({t: by_name[t.split(".")[1]] for t in old_tables - new_tables if t.split(".")[1] in by_name})
    results = []
    for table, new_table in sorted(pairs.items()):
        if table in engine_compare.SKIPPED_TABLES:
            continue
        label = table if table == new_table else f"{table} -> {new_table}"
        results.append(engine_compare.compare_table(
            old_con, read_relation(old_con, old, table), read_relation(new_con, new, new_table), label))
    return results, sorted(old_tables - set(pairs)), sorted(new_tables - set(pairs.values()))


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__)
        return 2
    results, only_old, only_new = compare(Path(argv[0]), Path(argv[1]))
    print(engine_compare.report(results).replace("on duckdb", "before").replace("on spark", "after"))
    print(f"{sum(r.ok for r in results)} of {len(results)} tables equal")
    for table in only_old:
        print(f"MISSING  {table}: in the old build only")
    for table in only_new:
        print(f"NEW      {table}: in the new build only")
    return 0 if all(r.ok for r in results) and not only_old else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
