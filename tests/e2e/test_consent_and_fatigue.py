"""Consent and contact fatigue in the campaign loop, on a copy of the demo build.

The demo data has no consents table, so this test writes one next to a copy of the demo raw
files: a fifth of the planned CMP07 (email) audience opted out, a few superseded rows (the
latest row per customer x channel wins), opt-outs of another channel (no effect on CMP07) and
bad rows of every kind (rejected with reasons, input = kept + rejected). It rebuilds the
staging of consents and the campaign loop from the audience on, with a frequency cap of one
email campaign in 180 days (CMP06, an email of 2026-02-21, is within it), and checks: no
opted-out customer is assigned, the cap holds, the arms (and so the holdout share) are the
hash's whatever is suppressed, and audience = assigned + suppressed per reason.
"""
from __future__ import annotations

import csv
import shutil

import pytest
from dbt_helpers import run_dbt

pytestmark = pytest.mark.e2e

AS_OF = "2026-06-30"
CAP_VARS = {"frequency_cap_campaigns": 1, "frequency_cap_days": 180}
BAD_ROWS = [  # (row, expected reason)
    ({"customer_id": "", "channel": "email", "status": "opted_out", "updated_at": "2026-01-01"}, "missing_key"),
    ({"customer_id": "C0000001", "channel": "", "status": "opted_out", "updated_at": "2026-01-01"}, "missing_key"),
    ({"customer_id": "C0000002", "channel": "email", "status": "", "updated_at": "2026-01-01"}, "missing_value"),
    ({"customer_id": "C0000004", "channel": "email", "status": "maybe", "updated_at": "2026-01-01"}, "unknown_code"),
    ({"customer_id": "C0000005", "channel": "email", "status": "opted_out", "updated_at": "2026-07-15"}, "after_as_of_date"),
    ({"customer_id": "NOBODY", "channel": "email", "status": "opted_out", "updated_at": "2026-01-01"}, "unknown_customer"),
]
# an updated_at that does not parse is an optional value: nulled and listed in
# stg_rejected_values, the opt-out itself kept (and honoured)
UNDATED_OPT_OUT = {"customer_id": "C0000003", "channel": "email", "status": "opted_out", "updated_at": "yesterday"}


@pytest.fixture(scope="module")
def consent_case(demo_build, demo_data, tmp_path_factory):
    work = tmp_path_factory.mktemp("consent")
    shutil.copy(demo_build.db_path, work / "build.duckdb")
    data = work / "data"
    shutil.copytree(demo_data, data, ignore=shutil.ignore_patterns("_truth"))
    audience = [r[0] for r in demo_build.query("""
        select customer_id from campaign_prep.campaign_audience_eligibility
        where campaign_id = 'CMP07' order by customer_id""")]
    opted_out = set(audience[::5])
    # superseded: an old opt-out replaced by a later opt-in (eligible), and the other way round
    back_in = [c for c in audience[1::5]][:20]
    later_out = [c for c in audience[2::5]][:20]
    opted_out |= set(later_out)
    rows = [{"customer_id": c, "channel": "EMAIL ", "status": "Opted_Out", "updated_at": "2026-03-01"}
            for c in sorted(set(audience[::5]))]
    rows += [{"customer_id": c, "channel": "email", "status": "opted_out", "updated_at": "2025-01-01"} for c in back_in]
    rows += [{"customer_id": c, "channel": "email", "status": "opted_in", "updated_at": "2026-05-01"} for c in back_in]
    rows += [{"customer_id": c, "channel": "email", "status": "opted_in", "updated_at": "2025-01-01"} for c in later_out]
    rows += [{"customer_id": c, "channel": "email", "status": "opted_out", "updated_at": "2026-05-01"} for c in later_out]
    rows += [{"customer_id": c, "channel": "sms", "status": "opted_out", "updated_at": "2026-05-01"} for c in audience[3::5]]
    rows += [row for row, _ in BAD_ROWS] + [UNDATED_OPT_OUT]
    opted_out.add(UNDATED_OPT_OUT["customer_id"])
    with open(data / "consents.csv", "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=["customer_id", "channel", "status", "updated_at"], lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    build = run_dbt(["build", "--select", "stg_raw_records", "stg_consents_checked+", "campaign_audience_eligibility+",
                     "stg_row_counts", "stg_rejected_rows", "stg_rejected_values"],
                    work, {"raw_data_path": str(data), "as_of_date": AS_OF, **CAP_VARS})
    return {"build": build, "opted_out": opted_out, "back_in": set(back_in), "rows": rows,
            "audience": set(audience)}


def test_consents_reconcile_and_bad_rows_are_rejected_with_reasons(consent_case):
    build = consent_case["build"]
    (input_rows, kept, rejected, ok), = build.query(
        "select input_rows, kept_rows, rejected_rows, is_reconciled from staging.stg_row_counts where source_table = 'consents'")
    assert input_rows == len(consent_case["rows"]) and ok and input_rows == kept + rejected
    reasons = dict(build.query("""select reason_code, count(*) from staging.stg_rejected_rows
                                  where source_table = 'consents' group by 1"""))
    expected = {}
    for _, reason in BAD_ROWS:
        expected[reason] = expected.get(reason, 0) + 1
    expected["duplicate_key"] = 40  # the superseded rows
    assert reasons == expected
    assert build.query("""select row_key, column_name, reason_code from staging.stg_rejected_values
        where source_table = 'consents'""") == [("C0000003:email", "updated_at", "unparseable_date")]
    latest = dict(build.query("select customer_id, status from staging.stg_consents where channel = 'email'"))
    assert all(latest[c] == "opted_in" for c in consent_case["back_in"])
    assert {c for c, s in latest.items() if s == "opted_out"} == consent_case["opted_out"]


def test_opted_out_customers_are_never_assigned(consent_case):
    build = consent_case["build"]
    assigned = {r[0] for r in build.query("select customer_id from campaigns.campaign_assignments where campaign_id = 'CMP07'")}
    assert assigned and not assigned & consent_case["opted_out"]
    suppressed = {r[0] for r in build.query("""select customer_id from campaigns.campaign_suppressed_customers
                                               where campaign_id = 'CMP07' and reason = 'opted_out'""")}
    assert suppressed == consent_case["opted_out"] & consent_case["audience"]


def test_frequency_cap_is_respected(consent_case):
    build = consent_case["build"]
    over = build.query("""
        with recent as (
            select contacts.customer_id, campaigns.channel, contacts.campaign_id
            from staging.stg_campaign_contacts as contacts
            join staging.stg_campaigns as campaigns using (campaign_id)
            where contacts.contacted_at >= date '2026-06-30' - interval 179 day
            union
            select a.customer_id, d.channel, a.campaign_id
            from campaigns.campaign_assignments as a
            join campaign_prep.campaign_definitions as d using (campaign_id)
        )
        select customer_id, channel, count(distinct campaign_id) from recent
        where customer_id in (select customer_id from campaigns.campaign_assignments)
        group by 1, 2 having count(distinct campaign_id) > 1""")
    assert over == []
    capped = build.query("""select count(*) from campaigns.campaign_suppressions
                            where campaign_id = 'CMP07' and reason = 'frequency_cap'""")[0][0]
    assert capped > 0  # CMP06's email contacts are within the 180 days


def test_holdout_share_is_unchanged_by_suppression(consent_case, demo_build):
    """Arms come from the hash alone: every customer in both lists has the same arm and phase,
    and the control share of the suppressed list is the plan's (0.2) within sampling error."""
    build = consent_case["build"]
    sql = "select customer_id, arm, phase from campaigns.campaign_assignments where campaign_id = 'CMP07'"
    before = {c: (arm, phase) for c, arm, phase in demo_build.query(sql)}
    after = {c: (arm, phase) for c, arm, phase in build.query(sql)}
    common = before.keys() & after.keys()
    assert common and all(before[c] == after[c] for c in common)
    n = len(after)
    control = sum(arm == "control" for arm, _ in after.values()) / n
    assert abs(control - 0.2) < 4 * (0.2 * 0.8 / n) ** 0.5
    (planned,), = build.query("select planned_control_share from campaign_prep.campaign_definitions where campaign_id = 'CMP07'")
    assert planned == pytest.approx(0.2)


def test_suppression_counts_reconcile(consent_case):
    build = consent_case["build"]
    rows = build.query("""select campaign_id, max(audience_customers), max(assigned_customers), sum(n_customers),
                                 count(*)
                          from campaigns.campaign_suppressions group by 1""")
    assert rows
    for campaign_id, audience, assigned, suppressed, n_reasons in rows:
        assert n_reasons == 3
        assert audience == assigned + suppressed, campaign_id
        (n_members,), = build.query(f"""select count(*) from campaign_prep.campaign_audience_eligibility
                                        where campaign_id = '{campaign_id}'""")
        assert n_members == audience
    per_customer = dict(build.query("select reason, count(*) from campaigns.campaign_suppressed_customers group by 1"))
    per_reason = dict(build.query("select reason, n_customers from campaigns.campaign_suppressions where n_customers > 0"))
    assert per_customer == per_reason


def test_the_export_holds_no_opted_out_capped_or_control_customer(consent_case, tmp_path):
    """The activation export of CMP07 on the consent build: the treatment arm of the pilot only,
    no opted-out or frequency-capped customer, no control; the manifest's suppression counts are
    the table's and reconcile."""
    from customer_activation.activation.export import ExportOptions, export
    build = consent_case["build"]
    [manifest] = export(build.db_path, ["CMP07"], ExportOptions(tmp_path, default_country_code="1"))
    contacts = {row["customer_id"] for row in csv.DictReader(open(tmp_path / "CMP07" / "pilot" / "contacts.csv"))}
    treatment = {r[0] for r in build.query("""select customer_id from campaigns.campaign_assignments
                                              where campaign_id = 'CMP07' and phase = 'pilot' and arm = 'treatment'""")}
    control = {r[0] for r in build.query("""select customer_id from campaigns.campaign_assignments
                                            where campaign_id = 'CMP07' and arm = 'control'""")}
    suppressed = {r[0] for r in build.query("""select customer_id from campaigns.campaign_suppressed_customers
                                               where campaign_id = 'CMP07'""")}
    assert contacts and contacts == treatment
    assert not contacts & control and not contacts & consent_case["opted_out"] and not contacts & suppressed
    counts = manifest["counts"]
    per_reason = dict(build.query("select reason, n_customers from campaigns.campaign_suppressions where campaign_id = 'CMP07'"))
    assert counts["suppressed"] == per_reason and counts["suppressed"]["frequency_cap"] > 0
    assert counts["suppressed"]["opted_out"] == len(consent_case["opted_out"] & consent_case["audience"])
    assert counts["reconciles"] and counts["not_exported"]["control_arm"] == len(control)
    assert manifest["identifiers"]["email"]["available"] and manifest["files"][0]["rows"] == len(contacts)
