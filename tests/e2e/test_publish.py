"""BI access during a refresh: a reader process queries the published profile over and over
while another process refreshes the marts (dbt holds the build database's write lock) and
publishes them. The reader never sees an error or a partial table, every read is one complete
version (the old or the new), and once it has seen the new version it never sees the old one
again."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time

import duckdb
import pytest
from customer_activation.io.publish import PUBLISHED_NAME
from dbt_helpers import PROJECT_DIR, run_dbt

pytestmark = pytest.mark.e2e

AS_OF = "2026-06-30"
# The refresh changes the churn-risk thresholds (default [0.3, 0.6]): the profile's
# churn_risk_class changes, and with it the segment summary, so the two versions differ.
REFRESH_THRESHOLDS = [0.2, 0.5]

# One read = one connection: the profile's row count, a checksum of its churn_risk_class
# column, and the high-risk count of the segment summary (another table of the same version).
READ_SQL = """
select
    (select count(*) from marts.dim_customer_profile),
    (select md5(string_agg(customer_id || ':' || coalesce(churn_risk_class, '?'), ',' order by customer_id))
     from marts.dim_customer_profile),
    (select sum(n_high_churn_risk) from marts.mart_segment_summary where summary_level = 'rfm_segment')
"""

READER = r"""
import json, os, sys, time
import duckdb
path, stop_file, sql = sys.argv[1], sys.argv[2], sys.argv[3]
deadline = time.monotonic() + 900  # a safety net: the test stops it with stop_file
while not os.path.exists(stop_file) and time.monotonic() < deadline:
    started = time.time()
    try:
        con = duckdb.connect(path, read_only=True)
        try:
            row = con.execute(sql).fetchone()
        finally:
            con.close()
        print(json.dumps({"t": started, "read": [int(row[0]), row[1], int(row[2])]}), flush=True)
    except Exception as e:  # reported, never raised: the test counts them
        print(json.dumps({"t": started, "error": repr(e)}), flush=True)
    time.sleep(0.02)
"""


def _version(db_path) -> list:
    with duckdb.connect(str(db_path), read_only=True) as con:
        row = con.execute(READ_SQL).fetchone()
    return [int(row[0]), row[1], int(row[2])]


def _publish(db_path, out_dir) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "customer_activation.io.publish", "--db", str(db_path),
                           "--out", str(out_dir)], cwd=PROJECT_DIR, capture_output=True, text=True, check=True)


def test_reader_sees_old_or_new_complete_version_during_refresh(demo_build, demo_data, tmp_path):
    # The refresh works on a copy of the session's demo build (no extra full build).
    build_db = tmp_path / "build.duckdb"
    shutil.copy(demo_build.db_path, build_db)
    out_dir = tmp_path / "published"
    published = out_dir / PUBLISHED_NAME
    _publish(build_db, out_dir)
    old = _version(published)
    assert old[0] > 0

    stop_file = tmp_path / "stop"
    reads_file = tmp_path / "reads.jsonl"  # a file, not a pipe: a full pipe would stall the reader
    with reads_file.open("w") as reads_out:
        reader = subprocess.Popen([sys.executable, "-c", READER, str(published), str(stop_file), READ_SQL],
                                  stdout=reads_out, stderr=subprocess.PIPE, text=True)
    try:
        time.sleep(1.0)  # reads of the old version before the refresh starts
        refresh_started = time.time()
        run_dbt(["run", "--select", "marts"], tmp_path,
                {"raw_data_path": str(demo_data), "as_of_date": AS_OF,
                 "churn_risk_thresholds": REFRESH_THRESHOLDS})
        refresh_done = time.time()
        publish_run = _publish(build_db, out_dir)
        published_at = time.time()
        time.sleep(1.0)  # reads of the new version
    finally:
        stop_file.touch()
        _, err = reader.communicate(timeout=60)
    assert reader.returncode == 0, err
    out = reads_file.read_text()
    assert "dim_customer_profile" in publish_run.stdout

    new = _version(build_db)
    assert _version(published) == new
    assert new[0] == old[0] and new[1] != old[1] and new[2] != old[2], "the refresh should change the profile"

    reads = [json.loads(line) for line in out.splitlines()]
    errors = [r for r in reads if "error" in r]
    assert not errors, f"{len(errors)} of {len(reads)} reads failed, e.g. {errors[0]}"
    versions = [r["read"] for r in reads]
    partial = [v for v in versions if v not in (old, new)]
    assert not partial, f"reads matching neither complete version: {partial[:3]}"
    during_refresh = [r for r in reads if refresh_started <= r["t"] <= refresh_done]
    assert len(during_refresh) >= 10, "the reader should have been reading while dbt was writing"
    assert all(r["read"] == old for r in during_refresh)
    # old ... old new ... new: the swap happens once and never goes back
    first_new = versions.index(new)
    assert all(v == old for v in versions[:first_new]) and all(v == new for v in versions[first_new:])
    assert first_new > 0 and any(r["t"] > published_at for r in reads)
