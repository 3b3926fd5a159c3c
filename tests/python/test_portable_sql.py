"""Every model, snapshot and singular test is written in SQL that both engines run (DuckDB and
Spark): engine-specific SQL lives only in dispatched macros (macros/, adapter.dispatch with
default__ / duckdb__ / spark__ versions). This scans the SQL text outside Jinja for constructs
one of the engines lacks or reads differently, so a model cannot drift into one dialect
without someone noticing. (The Spark build in tests/e2e/test_spark.py is the real check.)"""
from __future__ import annotations

import re
from pathlib import Path

import jinja2
import pytest

PROJECT = Path(__file__).resolve().parents[2]
SQL_FILES = sorted(
    [*PROJECT.glob("models/**/*.sql"), *PROJECT.glob("snapshots/**/*.sql"), *PROJECT.glob("tests/dbt/**/*.sql")]
)

# pattern -> why it is not portable
FORBIDDEN = {
    r"::": "a :: cast (DuckDB/Postgres only): write cast(x as type)",
    r'"': 'a double-quoted name: on Spark "x" is a string literal, silently',
    r"\bqualify\b": "qualify (not in Spark 3.5): filter a window in an outer select",
    r"\b(approx_quantile|quantile_cont|quantile_disc|median)\s*\(": "DuckDB quantile function: use macros quantile / median / money_median",
    r"\bdate_diff\s*\(|\bdatediff\s*\(\s*'": "DuckDB date_diff('part', ...): use dbt.datediff",
    r"\b(list|list_\w+|unnest|array_agg|string_agg|struct_pack)\s*\(": "DuckDB list/struct function: use dbt's or a dispatched macro",
    r"\b(regexp_matches|regexp_full_match|arg_max|arg_min|generate_series|strftime|strptime|try_strptime|epoch)\s*\(": "DuckDB-only function: put it in a dispatched macro",
    r"\b(read_csv|read_parquet|glob)\s*\(": "DuckDB file reader: raw data is read by macros/sources/",
    r"\*\s*exclude\b|\bexclude\s*\(": "select * exclude (DuckDB): list the columns",
    r"\bilike\b": "ilike: use lower(x) like ...",
    r"\btry_cast\s*\(": "try_cast: use macro safe_cast",
}


def sql_outside_jinja(text: str) -> str:
    """The template's literal text (Jinja's own lexer drops comments, blocks and expressions,
    however nested), with SQL comments blanked out."""
    text = " ".join(value for _, kind, value in jinja2.Environment().lex(text) if kind == "data")
    text = re.sub(r"--[^\n]*", " ", text)
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    return text


def test_there_are_sql_files():
    assert len(SQL_FILES) > 30


@pytest.mark.parametrize("path", SQL_FILES, ids=lambda p: str(p.relative_to(PROJECT)))
def test_sql_is_portable(path: Path):
    sql = sql_outside_jinja(path.read_text())
    # string literals may hold anything ('a "quoted" word', 'x::y'): blank them first
    sql = re.sub(r"'(?:[^']|'')*'", "''", sql)
    found = [(why, m.group(0)) for pattern, why in FORBIDDEN.items()
             for m in re.finditer(pattern, sql, flags=re.I)]
    assert found == [], f"{path.relative_to(PROJECT)}: " + "; ".join(f"{w} (found {g!r})" for w, g in found)


def test_the_check_finds_what_it_should():
    bad = "select a::int, \"b\" from t qualify row_number() over () = 1 and x ilike 'y'"
    hits = [why for pattern, why in FORBIDDEN.items() if re.search(pattern, sql_outside_jinja(bad), flags=re.I)]
    assert len(hits) == 4
    assert not re.search('"', sql_outside_jinja('{{ config(materialized="view") }} select 1'))
