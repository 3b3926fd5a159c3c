"""The dbt semantic layer on DuckDB: real `mf query` runs (dbt-metricflow, extra `semantic`)
against a copy of the session's demo build, and each number equals a direct SQL query over
the marts. Skipped when dbt-metricflow is not installed in the running venv."""
from __future__ import annotations

import csv
import importlib.util
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from dbt_helpers import PROJECT_DIR, DbtResult, copy_build

pytestmark = pytest.mark.e2e

MF = Path(sys.executable).with_name("mf")
if importlib.util.find_spec("dbt_metricflow") is None or not MF.exists():
    pytest.skip("dbt-metricflow is not installed in this venv: pip install -e '.[semantic]' "
                "(make install does)", allow_module_level=True)

AS_OF = "2026-06-30"


@pytest.fixture(scope="module")
def mf_project(demo_build, tmp_path_factory):
    """A directory mf can run in: the project's dbt_project.yml and profiles.yml, the demo
    build's semantic manifest in target/ (mf reads <project>/target/semantic_manifest.json),
    and a copy of the demo database under the same file name, so the relation names the
    manifest holds ("build"."marts"....) resolve. Nothing is written to the checkout."""
    work = tmp_path_factory.mktemp("semantic")
    for name in ("dbt_project.yml", "profiles.yml"):
        shutil.copy(PROJECT_DIR / name, work / name)
    (work / "target").mkdir()
    shutil.copy(demo_build.target_path / "semantic_manifest.json", work / "target" / "semantic_manifest.json")
    shutil.copy(demo_build.db_path, work / demo_build.db_path.name)
    return work


def _mf(work: Path, *args: str) -> str:
    env = {**os.environ, "DBT_PROJECT_DIR": str(work), "DBT_PROFILES_DIR": str(work),
           "CUSTOMER_ACTIVATION_DB": str(work / "build.duckdb"),
           "CUSTOMER_ACTIVATION_TEMP_DIR": str(work / "duckdb_tmp"),
           "DBT_LOG_PATH": str(work / "logs"), "DBT_SEND_ANONYMOUS_USAGE_STATS": "False"}
    proc = subprocess.run([str(MF), *args], cwd=work, env=env, capture_output=True, text=True)
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, f"mf {' '.join(args)} failed:\n{output[-3000:]}"
    return output


def _query(work: Path, metrics: list[str], group_by: list[str]) -> list[dict]:
    out = work / "mf_out.csv"
    _mf(work, "query", "--metrics", ",".join(metrics), "--group-by", ",".join(group_by), "--csv", str(out))
    with out.open() as f:
        return list(csv.DictReader(f))


def _sql(demo_build, sql: str) -> dict:
    """{first column: rest of the row} of a direct query over the demo build."""
    return {row[0]: row[1:] for row in demo_build.query(sql)}


def test_profile_metrics_by_segment_match_sql(mf_project, demo_build):
    rows = _query(mf_project, ["customers", "revenue", "high_churn_risk_customers", "churn_rate",
                               "mean_churn_probability"], ["metric_time", "customer__rfm_segment"])
    expected = _sql(demo_build, """
        select rfm_segment, count(*), sum(monetary),
               sum(case when churn_risk_class = 'high' then 1 else 0 end),
               avg(case when churn_risk_class = 'high' then 1.0 else 0.0 end),
               avg(churn_probability)
        from marts.dim_customer_profile group by rfm_segment""")
    assert {r["customer__rfm_segment"] for r in rows} == set(expected)
    for r in rows:
        n, revenue, n_high, churn_rate, mean_p = expected[r["customer__rfm_segment"]]
        assert r["metric_time__day"].startswith(AS_OF)
        assert int(float(r["customers"])) == n
        assert float(r["revenue"]) == pytest.approx(float(revenue), abs=0.005)
        assert int(float(r["high_churn_risk_customers"])) == n_high
        assert float(r["churn_rate"]) == pytest.approx(float(churn_rate), rel=1e-9)
        assert float(r["mean_churn_probability"]) == pytest.approx(mean_p, rel=1e-9)
    assert sum(int(float(r["customers"])) for r in rows) == demo_build.query(
        "select count(*) from marts.dim_customer_profile")[0][0]


def test_segment_share_matches_sql(mf_project, demo_build):
    rows = _query(mf_project, ["rfm_segment_share", "rfm_segment_revenue_share"], ["segment_summary__segment"])
    expected = _sql(demo_build, """
        select rfm_segment,
               count(*) / sum(count(*)) over (),
               sum(coalesce(monetary, 0)) / sum(sum(coalesce(monetary, 0))) over ()
        from marts.dim_customer_profile group by rfm_segment""")
    assert {r["segment_summary__segment"] for r in rows} == set(expected)
    for r in rows:
        share, revenue_share = expected[r["segment_summary__segment"]]
        assert float(r["rfm_segment_share"]) == pytest.approx(float(share), rel=1e-9)
        assert float(r["rfm_segment_revenue_share"]) == pytest.approx(float(revenue_share), rel=1e-9, abs=1e-12)
    assert sum(float(r["rfm_segment_share"]) for r in rows) == pytest.approx(1.0)


def test_semantic_layer_validates_against_duckdb(mf_project):
    """mf validate-configs: the semantic manifest, and every measure, dimension and metric
    queried on the database."""
    output = _mf(mf_project, "validate-configs")
    errors = re.findall(r"ERRORS: (\d+)", output)
    assert errors and all(e == "0" for e in errors), output[-3000:]


AS_OF_EARLIER = "2026-05-31"   # the first refresh of conftest's history_build


@pytest.fixture(scope="module")
def two_refreshes(history_build, tmp_path_factory):
    """The demo refreshed as of 2026-05-31 and then 2026-06-30 into one database, the snapshots
    recording both (conftest's history_build, copied: mf opens the database it queries).
    Returns the mf directory, the profile counts of each build and the build."""
    shared, facts = history_build
    work = tmp_path_factory.mktemp("two_refreshes")
    copy_build(shared.db_path, work)
    shutil.copytree(shared.target_path, work / "target")
    for name in ("dbt_project.yml", "profiles.yml"):
        shutil.copy(PROJECT_DIR / name, work / name)
    counts = {as_of: tuple(n) for as_of, n in facts["profile_counts"].items()}
    assert list(counts) == [AS_OF_EARLIER, AS_OF]
    return work, counts, DbtResult(0, shared.output, work / "build.duckdb", work / "target")


def test_metrics_have_a_trend_over_two_refreshes(two_refreshes):
    """metric_time comes from the snapshots' history: one point per as_of_date, each equal to
    the profile of the build at that date."""
    work, counts, build = two_refreshes
    rows = _query(work, ["base_customers", "base_high_churn_risk_customers", "churn_risk_share"],
                  ["metric_time__month"])
    by_month = {r["metric_time__month"][:7]: r for r in rows}
    assert set(by_month) == {AS_OF_EARLIER[:7], AS_OF[:7]}
    for as_of, (n, n_high) in counts.items():
        r = by_month[as_of[:7]]
        assert int(float(r["base_customers"])) == n
        assert int(float(r["base_high_churn_risk_customers"])) == n_high
        assert float(r["churn_risk_share"]) == pytest.approx(n_high / n, rel=1e-9)
    assert counts[AS_OF_EARLIER] != counts[AS_OF]


def test_segment_and_campaign_history_by_month(two_refreshes):
    work, counts, build = two_refreshes
    rows = _query(work, ["segment_customers", "segment_customer_share"],
                  ["metric_time__month", "segment_history__summary_level", "segment_history__segment"])
    expected = {(str(d)[:7], level, segment): (n, share) for d, level, segment, n, share in build.query(
        "select as_of_date, summary_level, segment, n_customers, customer_share from marts.mart_segment_history")}
    got = {(r["metric_time__month"][:7], r["segment_history__summary_level"], r["segment_history__segment"]):
           (int(float(r["segment_customers"])), float(r["segment_customer_share"])) for r in rows}
    assert set(got) == set(expected) and {k[0] for k in got} == {AS_OF_EARLIER[:7], AS_OF[:7]}
    for key, (n, share) in expected.items():
        assert got[key][0] == n and got[key][1] == pytest.approx(share, rel=1e-9)
    campaign_rows = _query(work, ["campaign_contacts", "campaign_incremental_revenue"], ["metric_time__month"])
    assert {r["metric_time__month"][:7] for r in campaign_rows} == {AS_OF_EARLIER[:7], AS_OF[:7]}
    expected_contacts = dict(build.query("""select strftime(as_of_date, '%Y-%m'), sum(n_contacts)
                                            from marts.mart_campaign_history group by 1"""))
    for r in campaign_rows:
        assert int(float(r["campaign_contacts"])) == expected_contacts[r["metric_time__month"][:7]]
