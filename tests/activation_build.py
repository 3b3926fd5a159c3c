"""A tiny hand-made DuckDB build with one planned campaign (both arms in both phases),
its summary, suppressions, profile, seed and staged contacts: what the activation exports
read (tests/python/activation, tests/python/cli)."""
from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb

# customer, phase, arm: 3 pilot treatment, 2 pilot control, 4 rollout treatment, 2 rollout control
ARMS = [("c01", "pilot", "treatment"), ("c02", "pilot", "treatment"), ("c03", "pilot", "treatment"),
        ("c04", "pilot", "control"), ("c05", "pilot", "control"),
        ("c06", "rollout", "treatment"), ("c07", "rollout", "treatment"), ("c08", "rollout", "treatment"),
        ("c09", "rollout", "treatment"), ("c10", "rollout", "control"), ("c11", "rollout", "control")]
SUPPRESSED = {"opted_out": 2, "frequency_cap": 1, "over_max_contacts": 3}  # c12..c17
EMAIL = {f"c{i:02d}": f" C{i:02d}.Name@Example.com " for i in range(1, 18)}
EMAIL["c02"] = None          # no e-mail
EMAIL["c03"] = "not-an-address"
PHONE = {f"c{i:02d}": f"+1 555 010 {i:04d}" for i in range(1, 18)}
PHONE["c01"] = "555 010 0001"  # national: needs a default country code
PHONE["c07"] = None


def make_build(path: Path, gate_status: str = "planned", staging: bool = True, emails: bool = True,
               export_fields: str | None = None) -> Path:
    with duckdb.connect(str(path)) as con:
        con.execute("create schema campaigns; create schema marts; create schema seeds; create schema staging")
        con.execute("""create table campaigns.campaign_assignments (campaign_id varchar, audience_name varchar,
            rule_version integer, rule_hash varchar, customer_id varchar, audience_rank bigint, phase varchar,
            arm varchar, as_of_date date)""")
        con.executemany("insert into campaigns.campaign_assignments values ('CMP9', 'lapsed', 2, 'abc123', ?, ?, ?, ?, date '2026-06-30')",
                        [(c, i, p, a) for i, (c, p, a) in enumerate(ARMS)])
        con.execute("""create table campaigns.campaign_summary as select 'CMP9' as campaign_id, 'Winback' as campaign_name,
            'email' as channel, ? as gate_status, cast(null as varchar) as gate_override_reason""", [gate_status])
        con.execute("""create table campaigns.campaign_suppressions (campaign_id varchar, channel varchar,
            audience_name varchar, reason varchar, reason_order integer, n_customers bigint,
            audience_customers bigint, assigned_customers bigint, as_of_date date)""")
        for order, (reason, n) in enumerate(SUPPRESSED.items(), 1):
            con.execute("insert into campaigns.campaign_suppressions values ('CMP9', 'email', 'lapsed', ?, ?, ?, ?, ?, date '2026-06-30')",
                        [reason, order, n, len(ARMS) + sum(SUPPRESSED.values()), len(ARMS)])
        ids = sorted(EMAIL)
        con.execute("create table marts.dim_customer_profile (customer_id varchar, rfm_segment varchar, "
                    "lifecycle_stage varchar, monetary decimal(38,2), email_sha256 varchar)")
        con.executemany("insert into marts.dim_customer_profile values (?, 'At Risk', 'dormant', ?, ?)",
                        [(c, i * 10, hashlib.sha256(EMAIL[c].strip().lower().encode()).hexdigest() if EMAIL[c] else None)
                         for i, c in enumerate(ids)])
        con.execute("create table seeds.campaign_audiences (audience_name varchar, export_fields varchar)")
        con.execute("insert into seeds.campaign_audiences values ('lapsed', ?)", [export_fields])
        if staging:
            con.execute("create table staging.stg_customers (customer_id varchar, email varchar, phone varchar)")
            con.executemany("insert into staging.stg_customers values (?, ?, ?)",
                            [(c, EMAIL[c] if emails else None, PHONE[c] if emails else None) for c in ids])
    return path
