"""Publish the BI-facing schemas of a build into a separate, read-only DuckDB file.

DuckDB allows one writer per database file. A BI tool that keeps the build database open
blocks the next `dbt build`, and one that reads it during a build sees tables half rebuilt.
So BI tools never read the build database: after a successful build, `publish` copies every
table and view of the BI-facing schemas (``marts``, and ``campaigns`` when the build has it)
into a new DuckDB file, written under a temporary name in the output directory and then
renamed over ``<out>/customer_activation.duckdb`` with ``os.replace``. The rename is atomic, so
a reader opening the published path gets either the previous complete copy or the new
complete copy, never a mix; a reader that has the previous copy open keeps reading it (on
POSIX the old file lives on until its last reader closes it) and sees the new one when it
reconnects. The build database and the published copy never lock each other.

Why one DuckDB file rather than Parquet files behind a ``current`` pointer: a BI tool needs
a single connection (``duckdb:///published/customer_activation.duckdb?access_mode=read_only``)
that lists schemas and tables with their types; one connection reads one consistent version
of every table (with per-table Parquet files a dashboard joining two tables can read them
across a pointer flip); and the swap is one ``os.replace`` of a regular file, which works the
same on every platform, where a symlink flip does not.

Views of the published schemas are published as tables (their dependencies outside the
published schemas do not travel). A table ``publish_info.published_tables`` records what was
published, when and from where, so a dashboard can show "data as of".

    python -m customer_activation.io.publish --db customer_activation.duckdb --out published/
"""
from __future__ import annotations

import argparse
import os
import stat
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb

BI_SCHEMAS = ("marts", "campaigns")
REQUIRED_SCHEMAS = ("marts",)
PUBLISHED_NAME = "customer_activation.duckdb"
INFO_SCHEMA = "publish_info"

_SOURCE = "publish_source"
_TARGET = "publish_target"


class PublishError(RuntimeError):
    """The build cannot be published; the previously published copy is left untouched."""


@dataclass
class PublishResult:
    path: Path
    tables: dict[str, int] = field(default_factory=dict)  # "schema.table" -> rows
    seconds: float = 0.0

    def __str__(self) -> str:
        lines = [f"published {len(self.tables)} tables to {self.path} in {self.seconds:.1f} s"]
        lines += [f"  {name}: {rows} rows" for name, rows in sorted(self.tables.items())]
        return "\n".join(lines)


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _sql_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _relations(con: duckdb.DuckDBPyConnection, schemas: tuple[str, ...]) -> list[tuple[str, str, str]]:
    """(schema, name, kind) of every table and view of `schemas` in the source database."""
    return con.execute(f"""
        select schema_name, table_name, 'table' from duckdb_tables()
        where database_name = '{_SOURCE}' and schema_name in (select unnest(?))
        union all
        select schema_name, view_name, 'view' from duckdb_views()
        where database_name = '{_SOURCE}' and schema_name in (select unnest(?)) and not internal
        order by 1, 2""", [list(schemas), list(schemas)]).fetchall()


def _remove(path: Path) -> None:
    for p in (path, path.with_name(path.name + ".wal")):
        try:
            p.unlink()
        except FileNotFoundError:
            pass


def publish(db: str | os.PathLike, out_dir: str | os.PathLike, schemas: tuple[str, ...] = BI_SCHEMAS,
            required: tuple[str, ...] = REQUIRED_SCHEMAS, name: str = PUBLISHED_NAME,
            read_only_file: bool = True) -> PublishResult:
    """Copy every table and view of `schemas` (those that exist) from the DuckDB file `db` into
    `out_dir/name`, atomically replacing the previous copy. Raises PublishError (and leaves the
    previous copy as it was) when `db` is missing or locked by a running build, or lacks a
    `required` schema or has no table in it."""
    started = time.perf_counter()
    db = Path(db)
    out_dir = Path(out_dir)
    if not db.is_file():
        raise PublishError(f"no build database at {db}: run the build first")
    out_dir.mkdir(parents=True, exist_ok=True)
    final = out_dir / name
    # Same directory as the final file, so os.replace is a rename within one file system.
    # The name ends in .duckdb (git-ignored) and starts with a dot (hidden from BI file pickers).
    tmp = out_dir / f".tmp-{os.getpid()}-{time.time_ns()}-{name}"
    result = PublishResult(final)
    published_at = datetime.now(UTC).replace(tzinfo=None)

    try:
        con = duckdb.connect(":memory:")
        try:
            try:
                con.execute(f"attach {_sql_string(str(db))} as {_SOURCE} (read_only)")
            except duckdb.Error as e:
                raise PublishError(
                    f"cannot open {db} read-only (is a build still writing it?): {e}") from e
            relations = _relations(con, schemas)
            present = {schema for schema, _, _ in relations}
            missing = [s for s in required if s not in present]
            if missing:
                raise PublishError(f"{db} has no table in schema(s) {', '.join(missing)}: "
                                   "was the build complete?")
            con.execute(f"attach {_sql_string(str(tmp))} as {_TARGET}")
            # Views in the source are bound in the source catalog, so a view reading another
            # schema (staging, intermediate) is resolved there and lands here as a table.
            con.execute(f"use {_SOURCE}")
            for schema in sorted(present):
                con.execute(f"create schema {_TARGET}.{_quote(schema)}")
            for schema, table, _kind in relations:
                con.execute(f"create table {_TARGET}.{_quote(schema)}.{_quote(table)} as "
                            f"select * from {_SOURCE}.{_quote(schema)}.{_quote(table)}")
                rows = con.execute(f"select count(*) from {_TARGET}.{_quote(schema)}.{_quote(table)}"
                                   ).fetchone()[0]
                result.tables[f"{schema}.{table}"] = rows
            con.execute(f"create schema {_TARGET}.{INFO_SCHEMA}")
            con.execute(f"""create table {_TARGET}.{INFO_SCHEMA}.published_tables (
                table_schema varchar, table_name varchar, source_kind varchar, n_rows bigint,
                published_at timestamp, source_database varchar)""")
            con.executemany(f"insert into {_TARGET}.{INFO_SCHEMA}.published_tables values (?, ?, ?, ?, ?, ?)",
                            [(s, t, k, result.tables[f"{s}.{t}"], published_at, str(db.resolve()))
                             for s, t, k in relations])
            con.execute("use memory")
            con.execute(f"checkpoint {_TARGET}")
            con.execute(f"detach {_TARGET}")
            con.execute(f"detach {_SOURCE}")
        finally:
            con.close()
        if tmp.with_name(tmp.name + ".wal").exists():
            raise PublishError(f"{tmp} was not checkpointed completely")
        if read_only_file and os.name != "nt":
            # A writer would take DuckDB's write lock and could leave a .wal beside the
            # published file; a read-only file makes a read-write open fail instead. (Not on
            # Windows, where a read-only file cannot be replaced.)
            tmp.chmod(stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
        _replace(tmp, final)
    except BaseException:
        _remove(tmp)
        raise
    result.seconds = time.perf_counter() - started
    return result


def _replace(src: Path, dst: Path, attempts: int = 50) -> None:
    """os.replace, retried briefly on Windows where an open reader blocks the rename."""
    for attempt in range(attempts):
        try:
            os.replace(src, dst)
            return
        except PermissionError:
            if os.name != "nt" or attempt == attempts - 1:
                raise
            time.sleep(0.1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m customer_activation.io.publish",
        description="Publish the BI-facing schemas of a build into a read-only DuckDB file, "
                    "replaced atomically.")
    parser.add_argument("--db", default=os.environ.get("CUSTOMER_ACTIVATION_DB", "customer_activation.duckdb"),
                        help="the build database (default: $CUSTOMER_ACTIVATION_DB or customer_activation.duckdb)")
    parser.add_argument("--out", default="published", help="output directory (default: published)")
    parser.add_argument("--name", default=PUBLISHED_NAME, help=f"published file name (default: {PUBLISHED_NAME})")
    parser.add_argument("--schemas", default=",".join(BI_SCHEMAS),
                        help="comma-separated schemas to publish, those that exist (default: %(default)s)")
    parser.add_argument("--writable", action="store_true",
                        help="leave the published file writable (default: read-only file mode)")
    args = parser.parse_args(argv)
    schemas = tuple(s.strip() for s in args.schemas.split(",") if s.strip())
    try:
        result = publish(args.db, args.out, schemas=schemas, name=args.name,
                         read_only_file=not args.writable)
    except PublishError as e:
        print(f"publish failed: {e}", file=sys.stderr)
        return 1
    print(result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
