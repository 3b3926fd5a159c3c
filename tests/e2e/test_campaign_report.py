"""The campaign report on the demo build: one command writes self-contained HTML, and a real
headless browser (Debian's Chromium, driven by Playwright) loads it without errors or
network requests and shows the gate, the effect table and the box plots.

The browser test installs Chromium with apt-get when it is missing (it needs root and
Debian's package index) and skips, saying why, when that is impossible."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

CHROMIUM = "/usr/bin/chromium"
RAW_COLUMNS = ("response_rate", "incremental_revenue", "roi_ci", "gate_status", "n_first", "n_second",
               "check_name", "planned_share", "nz_median", "n_nonzero", "predicted_response",
               "verdict_reason", "measurement_status", "result_status", "scale_up", "baseline_source",
               "pilot_control_rate", "insufficient_sample", "too_few_rows")


@pytest.fixture(scope="module")
def report_dir(demo_build, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("report")
    proc = subprocess.run([sys.executable, "-m", "customer_activation.campaigns.report",
                           "--db", str(demo_build.db_path), "--out", str(out), "--per-campaign"],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert str(out / "campaign_report.html") in proc.stdout
    return out


def test_report_is_self_contained_and_complete(report_dir, demo_build):
    text = (report_dir / "campaign_report.html").read_text(encoding="utf-8")
    assert "<script" not in text and "<link" not in text and "<img" not in text
    # the only URL is the SVG namespace: nothing is fetched
    assert set(re.findall(r"https?://[^\s\"'<>]+", text)) <= {"http://www.w3.org/2000/svg"}
    ids = [r[0] for r in demo_build.query("select campaign_id from campaigns.campaign_summary")]
    for cid in ids:
        assert f'id="{cid}"' in text
        assert (report_dir / f"campaign_{cid}.html").exists()
    assert text.count('class="boxplot"') == 4 * 6  # 4 plots for each analysed campaign
    # statuses in words: "pass" reads as the pilot did not contradict the prediction
    assert 'data-status="fail">pilot contradicted the prediction</span>' in text
    assert 'data-status="pass">pilot did not contradict the prediction</span>' in text
    assert ">planned</span>" in text and ">pass</span>" not in text
    assert "Recorded override" in text  # CMP04 rolled out despite its gate


def test_report_refuses_a_database_without_the_campaign_tables(tmp_path):
    import duckdb
    empty = tmp_path / "empty.duckdb"
    duckdb.connect(str(empty)).close()
    proc = subprocess.run([sys.executable, "-m", "customer_activation.campaigns.report",
                           "--db", str(empty), "--out", str(tmp_path / "out")], capture_output=True, text=True)
    assert proc.returncode != 0 and "run the dbt build first" in proc.stderr + proc.stdout


def _chromium() -> str:
    if Path(CHROMIUM).exists():
        return CHROMIUM
    if shutil.which("apt-get") and hasattr(os, "geteuid") and os.geteuid() == 0:
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        for cmd in (["apt-get", "install", "-y", "chromium"], ["apt-get", "update"],
                    ["apt-get", "install", "-y", "chromium"]):
            try:
                subprocess.run(cmd, capture_output=True, timeout=900, env=env)
            except (OSError, subprocess.TimeoutExpired):
                break
            if Path(CHROMIUM).exists():
                return CHROMIUM
    pytest.skip(f"Chromium is not at {CHROMIUM} and could not be installed "
                "(`apt-get install -y chromium` needs root and Debian's package index): browser test skipped")


def test_report_renders_in_headless_chromium(report_dir, tmp_path):
    sync_api = pytest.importorskip("playwright.sync_api",
                                   reason="playwright is not installed (pip install -e '.[test]')")
    executable = _chromium()
    errors: list[str] = []
    requests: list[str] = []
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
            page.on("request", lambda req: requests.append(req.url))
            page.goto((report_dir / "campaign_report.html").as_uri(), wait_until="load")
            assert page.title().startswith("Campaign report")
            assert page.locator("h1").inner_text() == "Campaign report"
            # the verdicts come first, one per observed campaign, in words
            verdicts = page.locator("#verdicts ~ div.verdict")
            assert verdicts.count() == 6
            assert page.locator("#verdicts").bounding_box()["y"] < page.locator("#summary").bounding_box()["y"]
            for i in range(verdicts.count()):
                assert verdicts.nth(i).locator(".badge").inner_text() in ("scale up", "stop", "inconclusive")
                assert "ROI" in verdicts.nth(i).inner_text() and "%" in verdicts.nth(i).inner_text()
            # the analyst tables are collapsed until opened
            plots = page.locator("svg.boxplot")
            assert plots.count() == 24
            assert not plots.first.is_visible()
            page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
            assert plots.first.is_visible()
            # no raw column name of the campaign tables reaches the page
            visible = page.locator("body").inner_text()
            for name in RAW_COLUMNS:
                assert name not in visible, name
            for i in (0, plots.count() - 1):
                box = plots.nth(i).bounding_box()
                assert box and box["width"] > 300 and box["height"] > 200
                assert plots.nth(i).locator("rect").count() >= 1  # a box is drawn
            cmp04 = page.locator("#CMP04")
            cmp04.scroll_into_view_if_needed()
            gate_text = page.locator("h2#CMP04 + p + div.card").inner_text()
            assert "Pilot gate" in gate_text and "contradicted the prediction" in gate_text
            shot = tmp_path / "campaign_report.png"
            page.screenshot(path=str(shot), full_page=False)
            assert shot.stat().st_size > 20_000
        finally:
            browser.close()
    assert errors == []
    assert all(url.startswith("file://") for url in requests), requests
