"""`customer-activation doctor`: is this machine (and this raw folder) ready for a build?

Each check prints OK or FAIL with what to do. Java is optional (only the Spark build needs
it): its FAIL does not fail the doctor."""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb

from customer_activation.contract import TABLES

MIN_PYTHON = (3, 11)
MIN_JAVA = 17


@dataclass
class Check:
    name: str
    ok: bool
    detail: str
    fix: str = ""
    optional: bool = False

    def line(self) -> str:
        status = "OK  " if self.ok else "FAIL"
        text = f"{status} {self.name}: {self.detail}"
        if not self.ok and self.fix:
            text += f"\n       fix: {self.fix}"
        return text


def check_python(version: tuple[int, ...] = tuple(sys.version_info[:3])) -> Check:
    shown = ".".join(map(str, version))
    if tuple(version[:2]) >= MIN_PYTHON:
        return Check("python", True, f"{shown} ({sys.executable})")
    return Check("python", False, f"{shown} is older than {'.'.join(map(str, MIN_PYTHON))}",
                 "install Python 3.11 or newer, then recreate the virtual environment (make clean && make build)")


def java_major(version_output: str) -> int | None:
    """17 from 'openjdk version "17.0.9" ...', 8 from 'java version "1.8.0_381"'."""
    match = re.search(r'version "(\d+)(?:\.(\d+))?', version_output)
    if not match:
        return None
    major = int(match.group(1))
    return int(match.group(2) or 0) if major == 1 else major


def check_java(java: str | None = None) -> Check:
    fix = (f"only for the Spark build (make build-spark, the Spark test): install a Java {MIN_JAVA}+ runtime, "
           "e.g. apt-get install openjdk-17-jre-headless")
    java = java or shutil.which("java")
    if not java:
        return Check("java (optional, for Spark)", False, "no java on PATH", fix, optional=True)
    try:
        out = subprocess.run([java, "-version"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as e:
        return Check("java (optional, for Spark)", False, f"{java} -version failed: {e}", fix, optional=True)
    major = java_major(out.stderr + out.stdout)
    if major is None or major < MIN_JAVA:
        return Check("java (optional, for Spark)", False, f"{java}: version {major or 'unknown'}", fix, optional=True)
    return Check("java (optional, for Spark)", True, f"{java}: Java {major}")


def locate(folder: Path, table: str) -> list[Path]:
    """The files of `table` in `folder`, in the layouts the raw loader accepts."""
    found = [folder / f"{table}{ext}" for ext in (".parquet", ".csv", ".csv.gz") if (folder / f"{table}{ext}").is_file()]
    sub = folder / table
    if sub.is_dir():
        found += sorted(p for p in sub.iterdir() if p.is_file() and p.name.endswith((".parquet", ".csv", ".csv.gz")))
    return found


def file_columns(files: list[Path], delimiter: str = ",") -> list[str]:
    paths = "[" + ", ".join("'" + str(p).replace("'", "''") + "'" for p in files) + "]"
    if files[0].name.endswith(".parquet"):
        reader = f"read_parquet({paths}, union_by_name = true)"
    else:
        delim = delimiter.replace("'", "''")
        reader = (f"read_csv({paths}, header = true, all_varchar = true, union_by_name = true, "
                  f"delim = '{delim}', quote = '\"', escape = '\"')")
    with duckdb.connect(":memory:") as con:
        return [r[0] for r in con.execute(f"describe select * from {reader}").fetchall()]


def check_raw_table(folder: Path, table: str, delimiter: str = ",") -> Check:
    required, columns = TABLES[table]
    name = f"raw {table}" + ("" if required else " (optional)")
    files = locate(folder, table)
    if not files:
        if required:
            return Check(name, False, f"no {table}.parquet, {table}.csv, {table}.csv.gz or {table}/ in {folder}",
                         f"add the {table} table (docs/data-contract.md), or point --raw at the right folder")
        return Check(name, True, "absent (the models that need it are empty)")
    shown = ", ".join(str(p.relative_to(folder)) for p in files[:3]) + (" ..." if len(files) > 3 else "")
    kinds = {p.name.endswith(".parquet") for p in files}
    if len(kinds) > 1:
        return Check(name, False, f"both Parquet and CSV: {shown}", "keep one format per table")
    try:
        present = {c.lower() for c in file_columns(files, delimiter)}
    except duckdb.Error as e:
        return Check(name, False, f"cannot read {shown}: {str(e).splitlines()[0]}",
                     "check the file is CSV with a header row (or Parquet), and the delimiter (--delimiter)")
    missing = [c for c, req in columns.items() if req and c not in present]
    if missing:
        return Check(name, False, f"{shown} lacks required column(s) {', '.join(missing)}",
                     "rename or add them (names match case-insensitively; docs/data-contract.md), or map the "
                     "export with customer_activation.byod")
    absent = [c for c, req in columns.items() if not req and c not in present]
    detail = f"{shown}: {len(columns) - len(absent)}/{len(columns)} contract columns"
    if absent:
        detail += f" (absent, read as null: {', '.join(absent)})"
    return Check(name, True, detail)


def check_raw(folder: Path, delimiter: str = ",") -> list[Check]:
    if not folder.is_dir():
        return [Check("raw data", False, f"no folder {folder}",
                      "generate the demo data (make demo-data, or customer-activation build) or pass --raw /path/to/shop")]
    return [check_raw_table(folder, t, delimiter) for t in TABLES]


def check_disk(path: Path, min_free_gb: float = 2.0) -> Check:
    probe = path if path.exists() else path.parent
    free = shutil.disk_usage(probe).free / 1e9
    if free >= min_free_gb:
        return Check("disk", True, f"{free:.1f} GB free at {probe}")
    return Check("disk", False, f"{free:.1f} GB free at {probe}, under {min_free_gb:g} GB",
                 "free some space (or build elsewhere: CUSTOMER_ACTIVATION_DB=/other/disk/file.duckdb); the demo "
                 "build needs well under 1 GB, .venv about 1 GB, the [spark] extra 600 MB more")


def run_doctor(raw: Path, project_dir: Path, min_free_gb: float = 2.0, delimiter: str = ",") -> tuple[list[Check], bool]:
    checks = [check_python(), check_java(), *check_raw(raw, delimiter), check_disk(project_dir, min_free_gb)]
    return checks, all(c.ok or c.optional for c in checks)
