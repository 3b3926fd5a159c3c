"""Activation exports, per campaign with a contact list (campaigns.campaign_assignments), of the
treatment arm of its current phase only (the control arm is never exported):

- ``contacts.csv``: customer_id, email, phone (E.164), then the profile fields chosen by
  ``--fields``, else the audience's ``export_fields`` (seeds/campaign_audiences.csv), else a
  default list: the file an e-mail/SMS platform imports;
- ``hashed_identifiers.csv``: ``Email``, ``Phone`` as SHA-256 hex of the normalised values
  (identifiers.py), the customer-match upload of ad platforms; rows without either left out;
- with ``--parquet`` the same two tables as Parquet;
- ``manifest.json``: campaign, audience, rule hash, as_of_date, phase and why, counts (audience,
  suppressed per reason, assigned per phase and arm, exported, held out), the identifiers'
  availability and normalisation counts, and every file with its rows and sha256.

Files go to ``<out>/<campaign_id>/<phase>/``, each written atomically; the manifest last.

    python -m customer_activation.activation.export --db customer_activation.duckdb --out exports
"""
from __future__ import annotations

import argparse
import os
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from customer_activation.activation import audience as aud
from customer_activation.activation.files import remove_stale, write_frame, write_json
from customer_activation.activation.identifiers import normalise_country_code, normalise_email, normalise_phone, phone_reason, sha256_hex

MANIFEST = "manifest.json"
CONTACTS, HASHED = "contacts", "hashed_identifiers"
_BUILD_ONLY = ("not in this database (staging.stg_customers is in the build database only, not in the "
               "published copy): export from the build database to get it")


@dataclass
class ExportOptions:
    out_dir: Path = Path("exports")
    fields: tuple[str, ...] | None = None
    default_country_code: str | None = None
    gmail_dots: bool = False
    parquet: bool = False
    phase: str | None = None  # None: the campaign's current phase


def _map(values: pd.Series, fn) -> pd.Series:
    """fn of every value as an object Series (None stays None; pandas' map turns it into NaN)."""
    return pd.Series([fn(v if isinstance(v, str) else None) for v in values], index=values.index, dtype=object)


def _email_stats(rows: pd.DataFrame, source: str | None, normalised: pd.Series) -> dict:
    present = rows["email"].fillna("").astype(str).str.strip() != ""
    stats = {"source": source, "with_value": int(present.sum()), "valid": int(normalised.notna().sum()),
             "invalid": int((present & normalised.isna()).sum()), "missing": int((~present).sum())}
    if source is None:
        stats.update(available=False, note=f"no e-mail column: {_BUILD_ONLY}")
    elif stats["with_value"] == 0:
        stats.update(available=False, note="the e-mail column has no value for any exported customer")
    else:
        stats.update(available=True)
    return stats


def _phone_stats(rows: pd.DataFrame, source: str | None, normalised: pd.Series, cc: str | None) -> dict:
    present = rows["phone"].fillna("").astype(str).str.strip() != ""
    reasons = _map(rows["phone"], lambda v: phone_reason(v, cc))
    stats = {"source": source, "default_country_code": cc, "with_value": int(present.sum()),
             "normalised_e164": int(normalised.notna().sum()),
             "left_out_no_country_code": int((reasons == "no_country_code").sum()),
             "left_out_invalid": int((reasons == "invalid").sum()), "missing": int((~present).sum())}
    if source is None:
        stats.update(available=False, note=f"no phone column: {_BUILD_ONLY}")
    elif stats["with_value"] == 0:
        stats.update(available=False, note="the phone column has no value for any exported customer")
    else:
        stats.update(available=True)
        if stats["left_out_no_country_code"]:
            stats["note"] = "numbers without a country code were left out: pass --default-country-code"
    return stats


def build_frames(rows: pd.DataFrame, fields: tuple[str, ...], sources: dict, options: ExportOptions
                 ) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """(contacts, hashed identifiers, identifier stats) from the treatment rows."""
    cc = normalise_country_code(options.default_country_code)
    email = _map(rows["email"], lambda v: normalise_email(v, options.gmail_dots))
    phone = _map(rows["phone"], lambda v: normalise_phone(v, cc))
    contacts = pd.DataFrame({"customer_id": rows["customer_id"], "email": email, "phone": phone})
    for f in fields:
        contacts[f] = rows[f]
    email_hash = _map(email, lambda v: sha256_hex(v) if v is not None else None)
    stats = {"email": _email_stats(rows, sources["email"], email),
             "phone": _phone_stats(rows, sources["phone"], phone, cc)}
    if sources["email"] is None and sources["email_sha256"] is not None:
        # The profile's hash is sha256(lower(trim(email))): the same rule, without the Gmail dots.
        email_hash = _map(rows["email_sha256"], lambda v: v)
        stats["email"]["hashed_from"] = sources["email_sha256"]
        stats["email"]["hashed"] = int(email_hash.notna().sum())
        if options.gmail_dots:
            stats["email"]["note"] += "; --gmail-dots cannot be applied to the profile's hashes"
    phone_hash = _map(phone, lambda v: sha256_hex(v) if v is not None else None)
    hashed = pd.DataFrame({"Email": email_hash, "Phone": phone_hash})
    keep = hashed["Email"].notna() | hashed["Phone"].notna()
    stats["hashed_rows_without_identifier"] = int((~keep).sum())
    return contacts, hashed[keep].reset_index(drop=True), stats


def _counts(campaign: aud.Campaign, phase: str, exported: int, suppressions: dict | None) -> dict:
    assigned = sum(n for arms in campaign.arms.values() for n in arms.values())
    control = sum(arms.get(aud.CONTROL, 0) for arms in campaign.arms.values())
    in_phase = campaign.arms.get(phase, {}).get(aud.TREATMENT, 0)
    counts = {"assigned_customers": assigned, "assigned_by_phase_and_arm": campaign.arms,
              "exported_customers": exported,
              "not_exported": {"control_arm": control, "treatment_of_other_phases": assigned - control - in_phase}}
    checks = [exported == in_phase]
    if suppressions is None:
        counts["suppressed"] = None
        counts["suppressed_note"] = "no campaigns.campaign_suppressions in this database (built before consents)"
    else:
        total = sum(suppressions["by_reason"].values())
        counts.update(audience_customers=suppressions["audience_customers"], suppressed=suppressions["by_reason"],
                      suppressed_total=total)
        if suppressions["audience_customers"] is not None:
            checks += [suppressions["audience_customers"] == assigned + total,
                       suppressions["assigned_customers"] == assigned]
    counts["reconciles"] = all(checks)
    return counts


def export_campaign(con, db: str | os.PathLike, campaign_id: str, options: ExportOptions) -> dict:
    """Write the export of one campaign; returns its manifest."""
    campaign = aud.load_campaign(con, campaign_id)
    if options.phase:
        phase, why = options.phase, "chosen with --phase"
    else:
        phase, why = aud.current_phase(campaign)
    if phase not in campaign.arms:
        raise aud.ExportError(f"campaign {campaign_id} has no {phase} phase in its contact list "
                              f"(phases: {', '.join(sorted(campaign.arms))})")
    fields, fields_source = aud.choose_fields(con, campaign, options.fields)
    sources = aud.contact_sources(con)
    rows = aud.treatment_rows(con, campaign_id, phase, fields)
    contacts, hashed, identifiers = build_frames(rows, fields, sources, options)
    folder = Path(options.out_dir) / campaign_id / phase
    files = [write_frame(contacts, folder / f"{CONTACTS}.csv", "csv"),
             write_frame(hashed, folder / f"{HASHED}.csv", "csv")]
    if options.parquet:
        files += [write_frame(contacts, folder / f"{CONTACTS}.parquet", "parquet"),
                  write_frame(hashed, folder / f"{HASHED}.parquet", "parquet")]
    removed = remove_stale(folder, MANIFEST, {f["file"] for f in files} | {MANIFEST})
    manifest = {
        "campaign_id": campaign_id, "campaign_name": campaign.campaign_name, "channel": campaign.channel,
        "audience_name": campaign.audience_name, "rule_version": campaign.rule_version,
        "rule_hash": campaign.rule_hash, "as_of_date": campaign.as_of_date,
        "phase": phase, "phase_reason": why, "arm": aud.TREATMENT,
        "control_exported": False, "gate_status": campaign.gate_status,
        "fields": list(fields), "fields_source": fields_source,
        "counts": _counts(campaign, phase, len(rows), aud.suppression_counts(con, campaign_id)),
        "identifiers": identifiers,
        "hashing": {"algorithm": "sha256, hex lower-case, of the UTF-8 normalised value",
                    "email": "trim, lower-case" + ("; Gmail dots removed" if options.gmail_dots
                                                   else "; Gmail dot rule not applied"),
                    "phone": "E.164: + country calling code and number, digits only"},
        "files": files, "stale_files_removed": removed,
        "database": str(Path(db).resolve()), "written_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    write_json(manifest, folder / MANIFEST)
    manifest["folder"] = str(folder)
    return manifest


def export(db: str | os.PathLike, campaign_ids: list[str] | None = None,
           options: ExportOptions | None = None) -> list[dict]:
    """Export every campaign of `campaign_ids` (default: every campaign with a contact list)."""
    options = options or ExportOptions()
    if options.phase is not None and options.phase not in aud.PHASES:
        raise aud.ExportError(f"phase {options.phase!r}: expected one of {', '.join(aud.PHASES)}")
    try:
        normalise_country_code(options.default_country_code)
    except ValueError as e:
        raise aud.ExportError(str(e)) from e
    con = aud.connect(db)
    try:
        aud.require_campaign_tables(con, db)
        ids = campaign_ids or aud.campaign_ids(con)
        if not ids:
            raise aud.ExportError(f"{db} has no campaign with a contact list (campaigns.campaign_assignments is "
                                  "empty): plan one in seeds/campaign_plans.csv and build")
        return [export_campaign(con, db, cid, options) for cid in ids]
    finally:
        con.close()


def summary_line(manifest: dict) -> str:
    counts, ids = manifest["counts"], manifest["identifiers"]
    parts = [f"{manifest['campaign_id']} {manifest['phase']} (treatment only): "
             f"{counts['exported_customers']} customers, control held out {counts['not_exported']['control_arm']}"]
    if counts.get("suppressed"):
        parts.append("suppressed " + ", ".join(f"{k} {v}" for k, v in counts["suppressed"].items()))
    for name in ("email", "phone"):
        if not ids[name]["available"]:
            parts.append(f"{name}: {ids[name]['note']}")
    parts.append(f"-> {manifest['folder']}")
    return "; ".join(parts)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", default=os.environ.get("CUSTOMER_ACTIVATION_DB", "customer_activation.duckdb"),
                        help="the build database, or its published copy (no clear e-mail/phone there); "
                             "default: $CUSTOMER_ACTIVATION_DB or customer_activation.duckdb")
    parser.add_argument("--out", default="exports", help="output folder (default: exports)")
    parser.add_argument("--campaign", action="append", dest="campaigns", metavar="ID",
                        help="campaign to export (repeatable; default: every campaign with a contact list)")
    parser.add_argument("--phase", choices=aud.PHASES,
                        help="export this phase (default: the current one: rollout once the pilot gate passed)")
    parser.add_argument("--fields", help="comma-separated profile fields of contacts.csv (default: the "
                                         "audience's export_fields, else " + ", ".join(aud.DEFAULT_FIELDS) + ")")
    parser.add_argument("--default-country-code", help="country calling code of numbers written without one "
                                                       "(e.g. 1, 44); without it they are left out and counted")
    parser.add_argument("--gmail-dots", action="store_true",
                        help="remove the dots of gmail.com/googlemail.com local parts before hashing")
    parser.add_argument("--parquet", action="store_true", help="also write the tables as Parquet")


def run(args: argparse.Namespace) -> int:
    fields = tuple(f.strip() for f in args.fields.split(",") if f.strip()) if args.fields else None
    options = ExportOptions(Path(args.out), fields, args.default_country_code, args.gmail_dots,
                            args.parquet, args.phase)
    print(f"export: the treatment arm of each campaign's current phase from {args.db} into {args.out}/")
    try:
        manifests = export(args.db, args.campaigns, options)
    except aud.ExportError as e:
        print(f"export failed: {e}", file=sys.stderr)
        return 1
    for manifest in manifests:
        print(summary_line(manifest))
        if not manifest["counts"]["reconciles"]:
            print(f"warning: {manifest['campaign_id']}: the counts do not reconcile (see its manifest)", file=sys.stderr)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m customer_activation.activation.export", description=__doc__.split("\n\n")[0])
    add_arguments(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
