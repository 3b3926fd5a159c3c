"""The campaign report: one self-contained HTML file a marketer opens in a browser.

    python -m customer_activation.campaigns.report --db customer_activation.duckdb --out reports/

writes ``reports/campaign_report.html`` (every campaign: a verdict per campaign, the summary table, then per campaign
the pilot gate, the effect table, box plots of the before/after metrics by arm, quartiles,
the per-segment breakdown and the SRM checks; then the response model's out-of-time checks
and the planned campaigns) and, with ``--per-campaign``, one ``campaign_<id>.html`` each.

Self-contained: inline CSS and inline SVG (drawn here; no plotting library, no JavaScript,
no network). Everything comes from the ``campaigns`` schema the dbt build writes; the
report computes nothing but box-plot positions and a ranking AUC.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

import duckdb
import pandas as pd

from customer_activation.campaigns.report.cards import campaign_section, response_model_section, summary_section, uplift_section
from customer_activation.campaigns.report.html import CSS, esc
from customer_activation.campaigns.report.verdicts import verdict_section

SCHEMA = "campaigns"


# --------------------------------------------------------------------------------------
# reading
# --------------------------------------------------------------------------------------


def load(con: duckdb.DuckDBPyConnection) -> dict[str, pd.DataFrame]:
    """Every table the report needs, from the campaigns schema."""
    tables = ["campaign_summary", "campaign_pilot_gate", "campaign_results", "campaign_effects",
              "campaign_metric_quartiles", "campaign_customer_metrics", "campaign_segment_effects",
              "campaign_srm_checks", "campaign_response_predictions", "campaign_contact_outcomes",
              "campaign_assignments"]
    present = {r[0] for r in con.execute(
        "select table_name from information_schema.tables where table_schema = ?", [SCHEMA]).fetchall()}
    missing = [t for t in tables if t not in present]
    if missing:
        raise SystemExit(f"the database has no {SCHEMA}.{missing[0]} (and {len(missing) - 1} more): "
                         "run the dbt build first")
    data = {t: con.execute(f"select * from {SCHEMA}.{t}").df() for t in tables}
    if "campaign_uplift_metrics" in present:
        data["campaign_uplift_metrics"] = con.execute(f"select * from {SCHEMA}.campaign_uplift_metrics").df()
    return data


def render(data: dict[str, pd.DataFrame], campaign_ids: Sequence[str] | None = None) -> str:
    summary = data["campaign_summary"].sort_values(["is_planned_only", "start_date", "campaign_id"])
    ids = list(campaign_ids) if campaign_ids is not None else summary["campaign_id"].tolist()
    as_of = summary["as_of_date"].dropna()
    as_of = str(pd.Timestamp(as_of.iloc[0]).date()) if len(as_of) else "unknown"
    nav = "".join(f'<a href="#{esc(c)}">{esc(c)}</a>' for c in ids)
    body = [f"<h1>Campaign report</h1><p class='muted'>Data as of {esc(as_of)} · {len(ids)} campaign(s) · "
            "every interval is 95% · built from the dbt campaigns schema</p>",
            f"<nav>{nav}</nav>"]
    body.append(verdict_section(summary.loc[summary["campaign_id"].isin(ids)]))
    if campaign_ids is None:
        body.append(summary_section(data))
    body.extend(campaign_section(c, data) for c in ids)
    if campaign_ids is None:
        body.append(response_model_section(data))
        body.append(uplift_section(data))
    return ("<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
            "<meta name='viewport' content='width=device-width, initial-scale=1'>"
            f"<title>Campaign report {esc(as_of)}</title><style>{CSS}</style></head><body>"
            + "".join(body) + "</body></html>")


def write_reports(db: Path, out: Path, per_campaign: bool = False) -> list[Path]:
    """Write campaign_report.html (and campaign_<id>.html with per_campaign) into out."""
    with duckdb.connect(str(db), read_only=True) as con:
        data = load(con)
    out.mkdir(parents=True, exist_ok=True)
    paths = [out / "campaign_report.html"]
    paths[0].write_text(render(data), encoding="utf-8")
    if per_campaign:
        for cid in data["campaign_summary"]["campaign_id"]:
            path = out / f"campaign_{cid}.html"
            path.write_text(render(data, [cid]), encoding="utf-8")
            paths.append(path)
    return paths


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default="customer_activation.duckdb", type=Path, help="the built DuckDB file")
    parser.add_argument("--out", default=Path("reports"), type=Path, help="folder to write the HTML into")
    parser.add_argument("--per-campaign", action="store_true", help="also one file per campaign")
    args = parser.parse_args(argv)
    if not args.db.exists():
        parser.error(f"{args.db} does not exist: run make build (or the dbt build) first")
    for path in write_reports(args.db, args.out, args.per_campaign):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
