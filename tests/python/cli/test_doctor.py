"""`customer-activation doctor` on tmp folders: the raw folder against the contract (missing
required table or column, two formats, an unreadable file, optional tables and columns), the
Python and Java version checks, free disk, and the exit code."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from customer_activation.cli import doctor
from customer_activation.cli import main as cli
from customer_activation.contract import TABLES


def _csv(path: Path, header: str, rows: str = "") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(header + "\n" + rows)


def good_folder(root: Path) -> Path:
    _csv(root / "customers.csv", "Customer_ID,email,phone", "c1,a@b.co,+15550100001\n")
    (root / "orders").mkdir(parents=True)
    pd.DataFrame({"order_id": ["o1"], "customer_id": ["c1"], "order_ts": ["2026-01-01"], "order_amount": ["1"]}
                 ).to_parquet(root / "orders" / "part-0.parquet")
    return root


def _by_name(checks):
    return {c.name: c for c in checks}


def test_a_good_folder(tmp_path: Path) -> None:
    checks = _by_name(doctor.check_raw(good_folder(tmp_path)))
    assert all(c.ok for c in checks.values()), [c.line() for c in checks.values() if not c.ok]
    assert len(checks) == len(TABLES)
    assert "3/10 contract columns" in checks["raw customers"].detail and "signup_date" in checks["raw customers"].detail
    assert "orders/part-0.parquet: 4/7" in checks["raw orders"].detail
    assert checks["raw events (optional)"].detail.startswith("absent")


def test_missing_required_table_and_column(tmp_path: Path) -> None:
    _csv(tmp_path / "customers.csv", "id,email")
    _csv(tmp_path / "campaign_contacts.csv.gz".replace(".gz", ""), "campaign_id,customer_id")  # no arm
    checks = _by_name(doctor.check_raw(tmp_path))
    assert not checks["raw customers"].ok and "customer_id" in checks["raw customers"].detail
    assert not checks["raw orders"].ok and "no orders.parquet" in checks["raw orders"].detail
    assert "fix:" in checks["raw orders"].line()
    assert not checks["raw campaign_contacts (optional)"].ok
    assert "lacks required column(s) arm" in checks["raw campaign_contacts (optional)"].detail


def test_two_formats_and_unreadable_file(tmp_path: Path) -> None:
    good_folder(tmp_path)
    _csv(tmp_path / "events.csv", "customer_id,event_ts,event_type")
    pd.DataFrame({"customer_id": ["c1"]}).to_parquet(tmp_path / "events.parquet")
    (tmp_path / "products.parquet").write_bytes(b"not parquet")
    checks = _by_name(doctor.check_raw(tmp_path))
    assert not checks["raw events (optional)"].ok and "both Parquet and CSV" in checks["raw events (optional)"].detail
    assert not checks["raw products (optional)"].ok and "cannot read" in checks["raw products (optional)"].detail


def test_delimiter(tmp_path: Path) -> None:
    _csv(tmp_path / "customers.csv", "customer_id;email")
    assert doctor.check_raw_table(tmp_path, "customers", ";").ok
    assert not doctor.check_raw_table(tmp_path, "customers", ",").ok


def test_missing_folder(tmp_path: Path) -> None:
    [check] = doctor.check_raw(tmp_path / "nope")
    assert not check.ok and "make demo-data" in check.fix


@pytest.mark.parametrize("text, major", [('openjdk version "17.0.9" 2023-10-17', 17),
                                         ('java version "1.8.0_381"', 8), ('openjdk version "21" 2023', 21),
                                         ("garbage", None)])
def test_java_major(text, major) -> None:
    assert doctor.java_major(text) == major


def test_java_missing_is_optional(tmp_path: Path) -> None:
    check = doctor.check_java(str(tmp_path / "no-java"))
    assert not check.ok and check.optional and "Spark" in check.fix


def test_python_version() -> None:
    assert doctor.check_python((3, 11, 7)).ok
    old = doctor.check_python((3, 10, 2))
    assert not old.ok and "3.11" in old.fix


def test_disk(tmp_path: Path) -> None:
    assert doctor.check_disk(tmp_path, 0.0).ok
    full = doctor.check_disk(tmp_path, 1e9)
    assert not full.ok and "free some space" in full.fix


def test_doctor_command_exit_code(tmp_path: Path, capsys) -> None:
    good = good_folder(tmp_path / "good")
    assert cli.main(["--project-dir", str(tmp_path), "doctor", "--raw", str(good), "--min-free-gb", "0"]) == 0
    out = capsys.readouterr().out
    assert "OK   raw customers" in out and "doctor: ready" in out
    assert cli.main(["--project-dir", str(tmp_path), "doctor", "--raw", str(tmp_path / "empty"), "--min-free-gb", "0"]) == 1
    out = capsys.readouterr().out
    assert "FAIL raw data" in out and "doctor: not ready" in out
