"""Activation exports on a tiny hand-made DuckDB build (no dbt): only the treatment arm of the
current phase is exported, never the control; manifest counts reconcile with the tables;
atomic, clean re-runs; clear errors; a published copy without clear contacts says so."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from activation_build import ARMS, EMAIL, SUPPRESSED, make_build
from customer_activation.activation import audience as aud
from customer_activation.activation import files as files_mod
from customer_activation.activation.export import ExportOptions, export, main


def _ids(arm: str, phase: str | None = None) -> set[str]:
    return {c for c, p, a in ARMS if a == arm and (phase is None or p == phase)}


def _hash(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def _read(folder: Path) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    contacts = pd.read_csv(folder / "contacts.csv", dtype=str, keep_default_na=False)
    hashed = pd.read_csv(folder / "hashed_identifiers.csv", dtype=str, keep_default_na=False)
    return contacts, hashed, json.loads((folder / "manifest.json").read_text())


@pytest.mark.parametrize("gate_status, phase", [("planned", "pilot"), ("fail", "pilot"), ("pass", "rollout")])
def test_only_the_treatment_of_the_current_phase_is_exported(tmp_path: Path, gate_status: str, phase: str) -> None:
    db = make_build(tmp_path / "build.duckdb", gate_status=gate_status)
    [manifest] = export(db, options=ExportOptions(tmp_path / "out", parquet=True, default_country_code="1"))
    folder = tmp_path / "out" / "CMP9" / phase
    contacts, hashed, written = _read(folder)
    assert set(contacts["customer_id"]) == _ids("treatment", phase)
    assert written["phase"] == phase and written["arm"] == "treatment" and written["control_exported"] is False
    # No control customer in any file, by id, e-mail or hash.
    control = _ids("control")
    parquet = pd.read_parquet(folder / "contacts.parquet")
    assert not control & set(parquet["customer_id"])
    control_hashes = {_hash(EMAIL[c].strip().lower()) for c in control} | {
        _hash("+1555010" + c[1:].rjust(4, "0")) for c in control}
    assert not control_hashes & (set(hashed["Email"]) | set(hashed["Phone"]))
    assert not control_hashes & set(pd.read_parquet(folder / "hashed_identifiers.parquet").stack())
    text = "".join(p.read_text(errors="ignore") for p in folder.glob("*.csv"))
    assert not any(c in text for c in control)
    counts = manifest["counts"]
    assert counts["exported_customers"] == len(_ids("treatment", phase))
    assert counts["not_exported"]["control_arm"] == len(control)
    assert counts["assigned_by_phase_and_arm"][phase]["control"] == len(_ids("control", phase))
    assert counts["suppressed"] == SUPPRESSED
    assert counts["audience_customers"] == counts["assigned_customers"] + counts["suppressed_total"]
    assert counts["reconciles"] is True


def test_forcing_a_phase_still_excludes_its_control(tmp_path: Path) -> None:
    db = make_build(tmp_path / "build.duckdb")
    for phase in ("pilot", "rollout"):
        export(db, options=ExportOptions(tmp_path / "out", phase=phase))
        contacts, _, manifest = _read(tmp_path / "out" / "CMP9" / phase)
        assert set(contacts["customer_id"]) == _ids("treatment", phase)
        assert manifest["phase_reason"] == "chosen with --phase"


def test_current_phase_rules() -> None:
    campaign = aud.Campaign("X", "a", 1, "h", "2026-06-30", arms={"pilot": {"treatment": 1}, "rollout": {"treatment": 1}})
    assert aud.current_phase(campaign)[0] == "pilot"
    campaign.gate_override_reason = "approved by the CMO"
    assert aud.current_phase(campaign) == ("rollout", "the pilot gate was overridden: approved by the CMO")
    no_pilot = aud.Campaign("Y", "a", 1, "h", "2026-06-30", arms={"rollout": {"treatment": 3, "control": 1}})
    assert aud.current_phase(no_pilot)[0] == "rollout"


def test_treatment_rows_never_reads_the_control(tmp_path: Path) -> None:
    db = make_build(tmp_path / "build.duckdb")
    with duckdb.connect(str(db), read_only=True) as con:
        for phase in ("pilot", "rollout"):
            rows = aud.treatment_rows(con, "CMP9", phase, ("rfm_segment",))
            assert set(rows["customer_id"]) == _ids("treatment", phase)
            assert list(rows.columns) == ["customer_id", "email", "phone", "email_sha256", "rfm_segment"]


def test_contacts_normalised_and_hashes_match(tmp_path: Path) -> None:
    db = make_build(tmp_path / "build.duckdb")
    [manifest] = export(db, options=ExportOptions(tmp_path / "out"))  # no default country code
    contacts, hashed, _ = _read(tmp_path / "out" / "CMP9" / "pilot")
    by_id = contacts.set_index("customer_id")
    assert by_id.loc["c01", "email"] == "c01.name@example.com"
    assert by_id.loc["c01", "phone"] == ""          # national number, no default country code
    assert by_id.loc["c02", "email"] == "" and by_id.loc["c03", "email"] == ""
    assert by_id.loc["c02", "phone"] == "+15550100002"
    assert list(contacts.columns) == ["customer_id", "email", "phone", "rfm_segment", "lifecycle_stage"]
    phone = manifest["identifiers"]["phone"]
    assert phone["left_out_no_country_code"] == 1 and phone["normalised_e164"] == 2
    email = manifest["identifiers"]["email"]
    assert (email["valid"], email["invalid"], email["missing"]) == (1, 1, 1)
    assert set(hashed["Email"]) - {""} == {_hash("c01.name@example.com")}
    assert set(hashed["Phone"]) - {""} == {_hash("+15550100002"), _hash("+15550100003")}
    assert len(hashed) == 3  # c01: e-mail; c02, c03: phone


def test_fields_from_the_audience_and_from_the_option(tmp_path: Path) -> None:
    db = make_build(tmp_path / "build.duckdb", export_fields="monetary, rfm_segment")
    [manifest] = export(db, options=ExportOptions(tmp_path / "a"))
    assert manifest["fields"] == ["monetary", "rfm_segment"] and "export_fields" in manifest["fields_source"]
    [manifest] = export(db, options=ExportOptions(tmp_path / "b", fields=("lifecycle_stage",)))
    assert manifest["fields"] == ["lifecycle_stage"]
    with pytest.raises(aud.ExportError, match="not_a_column, not a column of marts.dim_customer_profile"):
        export(db, options=ExportOptions(tmp_path / "c", fields=("not_a_column",)))


def test_rerun_overwrites_cleanly_and_manifest_hashes_the_files(tmp_path: Path) -> None:
    db = make_build(tmp_path / "build.duckdb")
    export(db, options=ExportOptions(tmp_path / "out", parquet=True))
    folder = tmp_path / "out" / "CMP9" / "pilot"
    assert (folder / "contacts.parquet").exists()
    [manifest] = export(db, options=ExportOptions(tmp_path / "out"))
    assert sorted(p.name for p in folder.iterdir()) == ["contacts.csv", "hashed_identifiers.csv", "manifest.json"]
    assert sorted(manifest["stale_files_removed"]) == ["contacts.parquet", "hashed_identifiers.parquet"]
    for f in manifest["files"]:
        assert files_mod.file_sha256(folder / f["file"]) == f["sha256"]
        assert f["rows"] == len(pd.read_csv(folder / f["file"]))


def test_a_failed_write_leaves_the_previous_file(tmp_path: Path) -> None:
    target = tmp_path / "x.csv"
    files_mod.write_frame(pd.DataFrame({"a": [1]}), target, "csv")
    before = target.read_text()

    def broken(tmp: Path) -> None:
        tmp.write_text("half")
        raise OSError("disk full")
    with pytest.raises(OSError, match="disk full"):
        files_mod.write_atomic(target, broken)
    assert target.read_text() == before
    assert [p.name for p in tmp_path.iterdir()] == ["x.csv"]


def test_published_copy_without_clear_contacts_says_so(tmp_path: Path) -> None:
    db = make_build(tmp_path / "published.duckdb", staging=False)
    [manifest] = export(db, options=ExportOptions(tmp_path / "out"))
    email, phone = manifest["identifiers"]["email"], manifest["identifiers"]["phone"]
    assert email["available"] is False and "build database" in email["note"]
    assert phone["available"] is False and "build database" in phone["note"]
    assert email["hashed_from"] == "marts.dim_customer_profile.email_sha256"
    _, hashed, _ = _read(tmp_path / "out" / "CMP9" / "pilot")
    assert set(hashed["Email"]) == {_hash(EMAIL[c].strip().lower()) for c in ("c01", "c03")}


def test_no_contact_values_are_reported(tmp_path: Path) -> None:
    db = make_build(tmp_path / "build.duckdb", emails=False)
    [manifest] = export(db, options=ExportOptions(tmp_path / "out"))
    assert manifest["identifiers"]["email"]["available"] is False
    assert "no value" in manifest["identifiers"]["email"]["note"]
    assert "no value" in manifest["identifiers"]["phone"]["note"]


def test_clear_errors(tmp_path: Path, capsys) -> None:
    db = make_build(tmp_path / "build.duckdb")
    with pytest.raises(aud.ExportError, match="campaign 'NOPE' has no contact list.*campaigns with one: CMP9"):
        export(db, ["NOPE"], ExportOptions(tmp_path / "out"))
    with pytest.raises(aud.ExportError, match="no database at"):
        export(tmp_path / "missing.duckdb")
    empty = tmp_path / "empty.duckdb"
    duckdb.connect(str(empty)).close()
    with pytest.raises(aud.ExportError, match="has no campaigns.campaign_assignments, marts.dim_customer_profile"):
        export(empty)
    with pytest.raises(aud.ExportError, match="1 to 3 digits"):
        export(db, options=ExportOptions(tmp_path / "out", default_country_code="uk"))
    assert main(["--db", str(db), "--out", str(tmp_path / "cli"), "--campaign", "NOPE"]) == 1
    assert "export failed: campaign 'NOPE'" in capsys.readouterr().err
    assert main(["--db", str(db), "--out", str(tmp_path / "cli")]) == 0
    out = capsys.readouterr().out
    assert "CMP9 pilot (treatment only): 3 customers, control held out 4" in out
