"""The publish step on small hand-made DuckDB files (no dbt): which schemas travel, types and
rows kept, the previous copy left intact on failure, and a reader of the old copy unaffected
by a swap."""
from __future__ import annotations

import os
import stat
from pathlib import Path

import duckdb
import pytest
from customer_activation.io.publish import PUBLISHED_NAME, PublishError, main, publish


def _make_build(path: Path, version: int, campaigns: bool = False) -> Path:
    """A stand-in for a build database, named like dbt-duckdb names its catalog (the stem)."""
    if path.exists():
        path.unlink()
    with duckdb.connect(str(path)) as con:
        con.execute("create schema staging; create schema intermediate; create schema marts")
        con.execute("create table staging.stg_customers as select 'c' || i as customer_id, "
                    "'c' || i || '@example.com' as email from range(10) t(i)")
        con.execute("create table intermediate.int_scores as select 'c' || i as customer_id, "
                    f"cast(i * {version} as decimal(38,2)) as monetary from range(10) t(i)")
        con.execute("create table marts.dim_customer_profile as select customer_id, monetary, "
                    f"date '2026-06-30' as as_of_date, {version} as version from intermediate.int_scores")
        # A view in a BI schema that reads another schema: published as a table.
        con.execute("create view marts.v_big_spenders as select customer_id from intermediate.int_scores "
                    "where monetary >= 5")
        if campaigns:
            con.execute("create schema campaigns")
            con.execute("create table campaigns.campaign_summary as select 'spring' as campaign_id, 0.1 as uplift")
    return path


def _tables(path: Path) -> set[str]:
    with duckdb.connect(str(path), read_only=True) as con:
        return {f"{s}.{t}" for s, t in con.execute(
            "select schema_name, table_name from duckdb_tables()").fetchall()}


def test_publishes_only_bi_schemas_with_types_and_rows(tmp_path: Path) -> None:
    build = _make_build(tmp_path / "build.duckdb", version=1, campaigns=True)
    result = publish(build, tmp_path / "published")
    out = tmp_path / "published" / PUBLISHED_NAME
    assert result.path == out
    assert result.tables == {"marts.dim_customer_profile": 10, "marts.v_big_spenders": 5,
                             "campaigns.campaign_summary": 1}
    assert _tables(out) == {"marts.dim_customer_profile", "marts.v_big_spenders",
                            "campaigns.campaign_summary", "publish_info.published_tables"}
    with duckdb.connect(str(out), read_only=True) as con:
        types = dict(con.execute("select column_name, data_type from information_schema.columns "
                                 "where table_name = 'dim_customer_profile'").fetchall())
        assert types == {"customer_id": "VARCHAR", "monetary": "DECIMAL(38,2)", "as_of_date": "DATE",
                         "version": "INTEGER"}
        info = con.execute("select table_schema, table_name, source_kind, n_rows "
                           "from publish_info.published_tables order by 1, 2").fetchall()
        assert info == [("campaigns", "campaign_summary", "table", 1),
                        ("marts", "dim_customer_profile", "table", 10),
                        ("marts", "v_big_spenders", "view", 5)]
    # Nothing but the published file is left in the folder, and it is read-only on disk.
    assert sorted(p.name for p in out.parent.iterdir()) == [PUBLISHED_NAME]
    if os.name != "nt":
        assert not os.stat(out).st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)


def test_a_missing_optional_schema_is_fine(tmp_path: Path) -> None:
    build = _make_build(tmp_path / "build.duckdb", version=1, campaigns=False)
    result = publish(build, tmp_path / "published")
    assert set(result.tables) == {"marts.dim_customer_profile", "marts.v_big_spenders"}


def test_republish_replaces_and_an_open_reader_keeps_its_version(tmp_path: Path) -> None:
    build = _make_build(tmp_path / "build.duckdb", version=1)
    out = publish(build, tmp_path / "published").path
    _make_build(build, version=2)
    with duckdb.connect(str(out), read_only=True) as old_reader:
        publish(build, tmp_path / "published")
        # The reader that had the old copy open still reads it, completely.
        assert old_reader.execute("select min(version), max(version), count(*) "
                                  "from marts.dim_customer_profile").fetchone() == (1, 1, 10)
    # A new connection (once the process has no connection to the old copy) reads the new one.
    with duckdb.connect(str(out), read_only=True) as new_reader:
        assert new_reader.execute("select min(version), max(version), count(*) "
                                  "from marts.dim_customer_profile").fetchone() == (2, 2, 10)
    assert sorted(p.name for p in out.parent.iterdir()) == [PUBLISHED_NAME]


def test_failure_leaves_the_previous_copy_untouched(tmp_path: Path) -> None:
    build = _make_build(tmp_path / "build.duckdb", version=1)
    out = publish(build, tmp_path / "published").path
    before = out.read_bytes()

    broken = tmp_path / "broken.duckdb"
    with duckdb.connect(str(broken)) as con:
        con.execute("create schema staging; create table staging.t as select 1 as x")
    with pytest.raises(PublishError, match="marts"):
        publish(broken, tmp_path / "published")
    with pytest.raises(PublishError, match="no build database"):
        publish(tmp_path / "nowhere.duckdb", tmp_path / "published")
    # A build still running holds the write lock: publishing fails and says why.
    with duckdb.connect(str(build)):
        with pytest.raises(PublishError, match="build still writing"):
            publish(build, tmp_path / "published")

    assert out.read_bytes() == before
    assert sorted(p.name for p in out.parent.iterdir()) == [PUBLISHED_NAME]


def test_cli(tmp_path: Path, capsys) -> None:
    build = _make_build(tmp_path / "build.duckdb", version=3, campaigns=True)
    assert main(["--db", str(build), "--out", str(tmp_path / "pub"), "--schemas", "marts"]) == 0
    assert "marts.dim_customer_profile: 10 rows" in capsys.readouterr().out
    assert _tables(tmp_path / "pub" / PUBLISHED_NAME) == {
        "marts.dim_customer_profile", "marts.v_big_spenders", "publish_info.published_tables"}
    assert main(["--db", str(tmp_path / "nowhere.duckdb"), "--out", str(tmp_path / "pub")]) == 1
    assert "publish failed" in capsys.readouterr().err


def test_sqlalchemy_uri_reads_the_published_copy(tmp_path: Path, monkeypatch) -> None:
    """The URI a Superset/Metabase-style tool is given; NullPool so every query sees the latest copy."""
    sa = pytest.importorskip("sqlalchemy")
    pytest.importorskip("duckdb_engine")
    from sqlalchemy.pool import NullPool

    build = _make_build(tmp_path / "build.duckdb", version=1)
    publish(build, tmp_path / "published")
    monkeypatch.chdir(tmp_path)
    engine = sa.create_engine(f"duckdb:///published/{PUBLISHED_NAME}?access_mode=read_only", poolclass=NullPool)
    query = sa.text("select max(version), sum(monetary) from marts.dim_customer_profile")
    with engine.connect() as con:
        assert tuple(con.execute(query).one()) == (1, 45)
        assert "marts" in {s.split(".")[-1] for s in sa.inspect(con).get_schema_names()}
        with pytest.raises(sa.exc.DBAPIError):  # read-only: a BI tool cannot write
            con.execute(sa.text("create table marts.x as select 1"))
    _make_build(build, version=2)
    publish(build, tmp_path / "published")
    with engine.connect() as con:
        assert tuple(con.execute(query).one()) == (2, 90)
    engine.dispose()
