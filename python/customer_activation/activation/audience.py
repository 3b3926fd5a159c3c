"""Reading what an export needs from a built (or published) DuckDB file: the campaigns with a
contact list, the current phase of each, the treatment arm of that phase with the chosen
profile fields and the contact columns, and the suppression and arm counts.

Only the treatment arm is ever read into an export: the query filters ``arm = 'treatment'``
and the rows are checked again after reading (``ExportError`` if a control row got through).
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

ASSIGNMENTS = ("campaigns", "campaign_assignments")
PROFILE = ("marts", "dim_customer_profile")
SUMMARY = ("campaigns", "campaign_summary")
SUPPRESSIONS = ("campaigns", "campaign_suppressions")
CUSTOMERS = ("staging", "stg_customers")  # the clear e-mail and phone: in the build only
AUDIENCES = ("seeds", "campaign_audiences")  # its optional column export_fields
TREATMENT, CONTROL = "treatment", "control"
PHASES = ("pilot", "rollout")

# Profile fields of the contact file when neither --fields nor the audience's export_fields
# chooses: what a marketer personalises or splits a send by.
DEFAULT_FIELDS = ("rfm_segment", "lifecycle_stage", "churn_risk_class", "predicted_value_tier",
                  "dominant_interest", "next_best_action", "member_tier", "city")


class ExportError(RuntimeError):
    """The export cannot be written; the message says what is wrong and how to fix it."""


@dataclass
class Campaign:
    campaign_id: str
    audience_name: str | None
    rule_version: int | None
    rule_hash: str | None
    as_of_date: str | None
    campaign_name: str | None = None
    channel: str | None = None
    gate_status: str | None = None
    gate_override_reason: str | None = None
    export_fields: tuple[str, ...] | None = None  # the audience row's choice, if any
    arms: dict[str, dict[str, int]] = field(default_factory=dict)  # phase -> arm -> customers


def connect(db: str | os.PathLike) -> duckdb.DuckDBPyConnection:
    path = Path(db)
    if not path.is_file():
        raise ExportError(f"no database at {path}: build first (customer-activation build), or pass "
                          "--db with the build database (or its published copy)")
    try:
        return duckdb.connect(str(path), read_only=True)
    except duckdb.Error as e:
        raise ExportError(f"cannot open {path} read-only (is a build still writing it?): {e}") from e


def has_relation(con: duckdb.DuckDBPyConnection, schema: str, name: str) -> bool:
    return bool(con.execute(
        "select count(*) from (select schema_name, table_name from duckdb_tables() union all "
        "select schema_name, view_name from duckdb_views()) where schema_name = ? and table_name = ?",
        [schema, name]).fetchone()[0])


def columns(con: duckdb.DuckDBPyConnection, schema: str, name: str) -> list[str]:
    return [r[0] for r in con.execute(
        "select column_name from duckdb_columns() where schema_name = ? and table_name = ? "
        "order by column_index", [schema, name]).fetchall()]


def _q(schema: str, name: str) -> str:
    return f'"{schema}"."{name}"'


def require_campaign_tables(con: duckdb.DuckDBPyConnection, db: str | os.PathLike) -> None:
    missing = [f"{s}.{t}" for s, t in (ASSIGNMENTS, PROFILE) if not has_relation(con, s, t)]
    if missing:
        raise ExportError(f"{db} has no {', '.join(missing)}: it is not a complete build of this project. "
                          "Run `customer-activation build` (or `dbt build`) into it, or pass --db with the "
                          "build database or published/customer_activation.duckdb")


def campaign_ids(con: duckdb.DuckDBPyConnection) -> list[str]:
    return [r[0] for r in con.execute(
        f"select distinct campaign_id from {_q(*ASSIGNMENTS)} order by 1").fetchall()]


def _split_fields(text: object) -> tuple[str, ...] | None:
    if not isinstance(text, str) or not text.strip():
        return None
    return tuple(f.strip() for f in text.replace(";", ",").split(",") if f.strip())


def load_campaign(con: duckdb.DuckDBPyConnection, campaign_id: str) -> Campaign:
    """The campaign's audience, rule and arm counts; ExportError when it has no contact list."""
    rows = con.execute(f"""
        select audience_name, rule_version, rule_hash, cast(max(as_of_date) as varchar), phase, arm, count(*)
        from {_q(*ASSIGNMENTS)} where campaign_id = ? group by all""", [campaign_id]).fetchall()
    if not rows:
        known = campaign_ids(con)
        raise ExportError(f"campaign {campaign_id!r} has no contact list in campaigns.campaign_assignments; "
                          f"campaigns with one: {', '.join(known) or 'none'} (a campaign is planned in "
                          "seeds/campaign_plans.csv, then built)")
    audience, version, rule_hash, as_of = rows[0][:4]
    campaign = Campaign(campaign_id, audience, version, rule_hash, as_of)
    for *_, phase, arm, n in rows:
        campaign.arms.setdefault(phase, {}).setdefault(arm, 0)
        campaign.arms[phase][arm] += n
    if has_relation(con, *SUMMARY):
        cols = set(columns(con, *SUMMARY))
        wanted = [c for c in ("campaign_name", "channel", "gate_status", "gate_override_reason") if c in cols]
        if wanted:
            found = con.execute(f"select {', '.join(wanted)} from {_q(*SUMMARY)} where campaign_id = ?",
                                [campaign_id]).fetchone()
            for name, value in zip(wanted, found or ()):
                setattr(campaign, name, value)
    if audience and has_relation(con, *AUDIENCES) and "export_fields" in columns(con, *AUDIENCES):
        found = con.execute(f"select export_fields from {_q(*AUDIENCES)} where audience_name = ?",
                            [audience]).fetchone()
        campaign.export_fields = _split_fields(found[0]) if found else None
    return campaign


def current_phase(campaign: Campaign) -> tuple[str, str]:
    """(phase, why): rollout once the pilot gate passed or was overridden, or when the plan has
    no pilot (pilot_share 0); else pilot."""
    if "pilot" not in campaign.arms and "rollout" in campaign.arms:
        return "rollout", "the contact list has no pilot phase (the plan's pilot_share is 0)"
    if campaign.gate_status == "pass":
        return "rollout", "the pilot gate passed (campaign_summary.gate_status = pass)"
    if campaign.gate_override_reason:
        return "rollout", f"the pilot gate was overridden: {campaign.gate_override_reason}"
    status = campaign.gate_status or "unknown (no campaign_summary)"
    return "pilot", f"the pilot gate has not passed (gate_status = {status}): send the pilot first"


def choose_fields(con: duckdb.DuckDBPyConnection, campaign: Campaign,
                  fields: tuple[str, ...] | None) -> tuple[tuple[str, ...], str]:
    """(fields, where the choice came from); ExportError naming a field the profile lacks."""
    if fields is not None:
        chosen, source = fields, "--fields"
    elif campaign.export_fields is not None:
        chosen, source = campaign.export_fields, f"export_fields of audience {campaign.audience_name}"
    else:
        chosen, source = DEFAULT_FIELDS, "the default list"
    available = columns(con, *PROFILE)
    unknown = [f for f in chosen if f not in available]
    if unknown and source == "the default list":
        chosen = tuple(f for f in chosen if f in available)
    elif unknown:
        raise ExportError(f"{source} names {', '.join(unknown)}, not a column of marts.dim_customer_profile; "
                          f"choose among: {', '.join(available)}")
    reserved = {"customer_id", "email", "phone"}
    return tuple(f for f in dict.fromkeys(chosen) if f not in reserved), source


def contact_sources(con: duckdb.DuckDBPyConnection) -> dict[str, str | None]:
    """Where the clear e-mail / phone and the profile's e-mail hash come from (None: absent)."""
    customer_cols = set(columns(con, *CUSTOMERS)) if has_relation(con, *CUSTOMERS) else set()
    profile_cols = set(columns(con, *PROFILE))
    return {"email": "staging.stg_customers.email" if "email" in customer_cols else None,
            "phone": "staging.stg_customers.phone" if "phone" in customer_cols else None,
            "email_sha256": "marts.dim_customer_profile.email_sha256" if "email_sha256" in profile_cols else None}


def treatment_rows(con: duckdb.DuckDBPyConnection, campaign_id: str, phase: str,
                   fields: tuple[str, ...]) -> pd.DataFrame:
    """customer_id, arm, email, phone, email_sha256 and `fields` of the treatment arm of
    `phase`, in audience rank order. The control arm is never read."""
    sources = contact_sources(con)
    select = ["a.customer_id", "a.arm"]
    select += ["c.email" if sources["email"] else "cast(null as varchar) as email",
               "c.phone" if sources["phone"] else "cast(null as varchar) as phone",
               "p.email_sha256" if sources["email_sha256"] else "cast(null as varchar) as email_sha256"]
    select += [f'p."{f}"' for f in fields]
    join_customers = (f"left join {_q(*CUSTOMERS)} as c on c.customer_id = a.customer_id"
                      if sources["email"] or sources["phone"] else "")
    frame = con.execute(f"""
        select {', '.join(select)}
        from {_q(*ASSIGNMENTS)} as a
        left join {_q(*PROFILE)} as p on p.customer_id = a.customer_id
        {join_customers}
        where a.campaign_id = ? and a.phase = ? and a.arm = '{TREATMENT}'
        order by a.audience_rank, a.customer_id""", [campaign_id, phase]).df()
    if (frame["arm"] != TREATMENT).any():
        raise ExportError(f"campaign {campaign_id}: a non-treatment row reached the export; nothing was written")
    if frame["customer_id"].duplicated().any():
        raise ExportError(f"campaign {campaign_id}: a customer appears twice in the {phase} treatment arm "
                          "(duplicate rows in staging.stg_customers or the profile?); nothing was written")
    return frame.drop(columns="arm")


def suppression_counts(con: duckdb.DuckDBPyConnection, campaign_id: str) -> dict | None:
    """{reason: n}, audience and assigned customers from campaign_suppressions (None: absent)."""
    if not has_relation(con, *SUPPRESSIONS):
        return None
    rows = con.execute(f"""select reason, n_customers, audience_customers, assigned_customers
        from {_q(*SUPPRESSIONS)} where campaign_id = ? order by reason_order, reason""", [campaign_id]).fetchall()
    if not rows:
        return {"by_reason": {}, "audience_customers": None, "assigned_customers": None}
    return {"by_reason": {r[0]: int(r[1]) for r in rows},
            "audience_customers": int(rows[0][2]), "assigned_customers": int(rows[0][3])}
