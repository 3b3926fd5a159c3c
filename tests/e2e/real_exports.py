"""Shared helpers of test_real_exports*.py: hand-written export files (bytes, exactly as a shop,
ERP or database would write them), built through staging only, two builds at a time, and
judged against counts taken from the files themselves (Python's csv module), never against
staging's own count."""
from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from customer_activation.contract import TABLES as CONTRACT_TABLES
from dbt_helpers import DbtResult, run_dbt

AS_OF = "2024-06-30"
# staging and what it needs (the rejection_reasons seed), with only the tests of those models
STAGING_BUILD = ["build", "--select", "+staging", "--indirect-selection", "cautious"]
# every contract table (the macro contract(), parsed)
TABLES = list(CONTRACT_TABLES)

# name -> (files, vars); a file is bytes, text (written as UTF-8) or a callable(path) that writes it
Files = dict[str, "bytes | str | Callable[[Path], None]"]


def build_cases(root: Path, cases: dict[str, tuple[Files, dict]]) -> dict[str, DbtResult]:
    """Every case folder built through staging on its own database, two at a time."""

    def build(name: str):
        files, vars_ = cases[name]
        data = root / name / "data"
        data.mkdir(parents=True, exist_ok=True)
        for filename, content in files.items():
            path = data / filename
            if callable(content):
                content(path)
            elif isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_bytes(content.encode("utf-8"))
        return name, run_dbt(STAGING_BUILD, root / name, {"raw_data_path": str(data), "as_of_date": AS_OF, **vars_},
                             check=False, env={"OMP_NUM_THREADS": "1"})

    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(pool.map(build, cases))


def error_lines(result: DbtResult) -> str:
    """The error lines of a build and the two lines after each (where dbt puts the message)."""
    lines = result.output.splitlines()
    hits = [i for i, line in enumerate(lines) if "rror" in line or "FAIL" in line]
    keep = sorted({j for i in hits for j in range(i, min(i + 3, len(lines)))})
    return "\n".join(lines[j] for j in keep)[-6000:]


def succeeded(result: DbtResult, name: str = "") -> DbtResult:
    if result.returncode != 0:
        pytest.fail(f"the {name} build failed (exit {result.returncode}):\n{error_lines(result)}")
    return result


def failed(result: DbtResult, name: str = "") -> str:
    """The build's output, asserting it stopped."""
    assert result.returncode != 0, f"the {name} build should have stopped, it succeeded"
    return result.output


def records(data: bytes | str, delimiter: str = ",", encoding: str = "utf-8", header: bool = True,
            comment: str = "", escape: str | None = None) -> int:
    """The data records of a file by Python's csv module: every row after the header,
    malformed ones included; a truly empty line (nothing but its line break) is no record."""
    text = data.decode(encoding) if isinstance(data, bytes) else data
    text = text.lstrip("\ufeff")
    if comment:
        text = "".join(line for line in text.splitlines(keepends=True) if not line.startswith(comment))
    rows = [row for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, escapechar=escape,
                                      doublequote=escape is None) if row != []]
    return len(rows) - (1 if header else 0)


def row_counts(build: DbtResult) -> dict[str, tuple[int, int, int, bool]]:
    return {t: (i, k, r, ok) for t, i, k, r, ok in build.query(
        "select source_table, input_rows, kept_rows, rejected_rows, is_reconciled from staging.stg_row_counts")}


def assert_reconciled(build: DbtResult, expected_input: dict[str, int | set[int]]) -> dict[str, tuple[int, int, int]]:
    """Every table reconciles (input = kept + rejected, is_reconciled), input_rows is the count
    of records taken from the files, kept_rows is the staged table's size, and tables without a
    file are empty."""
    counts = row_counts(build)
    assert set(counts) == set(TABLES), sorted(counts)
    for table in TABLES:
        n_input, n_kept, n_rejected, ok = counts[table]
        want = expected_input.get(table, 0)
        assert n_input in (want if isinstance(want, set) else {want}), (table, counts[table], "records in file:", want)
        assert n_input == n_kept + n_rejected and ok, (table, counts[table])
        assert n_kept == build.query(f"select count(*) from staging.stg_{table}")[0][0], table
    undocumented = build.query("""select source_table, reason_code from staging.stg_rejected_rows
        where reason is null or reason like 'Undocumented%' or original_row is null""")
    assert undocumented == [], undocumented
    return {t: c[:3] for t, c in counts.items()}


def rejections(build: DbtResult, table: str) -> list[tuple]:
    """(row_key, reason_code, line_number, original_row) of a table's rejected rows, by line."""
    return build.query(f"""select row_key, reason_code, line_number, original_row from staging.stg_rejected_rows
        where source_table = '{table}' order by line_number nulls last, row_key nulls last, reason_code""")


def malformed(build: DbtResult, table: str) -> list[int]:
    """Line numbers of the table's malformed_line rejections."""
    return sorted(line for _, reason, line, _ in rejections(build, table) if reason == "malformed_line")


def original_text(original_row: str) -> str:
    """Every string inside the original_row JSON, joined (the raw text of a malformed line)."""
    def strings(value):
        if isinstance(value, str):
            yield value
        elif isinstance(value, dict):
            for v in value.values():
                yield from strings(v)
        elif isinstance(value, list):
            for v in value:
                yield from strings(v)
    return " ".join(strings(json.loads(original_row)))


def column(build: DbtResult, table: str, key: str, col: str) -> dict:
    return dict(build.query(f"select {key}, {col} from staging.stg_{table}"))


def crlf(text: str) -> str:
    return text.replace("\n", "\r\n")
