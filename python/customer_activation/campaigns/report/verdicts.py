"""The top of the campaign report: one verdict per campaign (scale up, stop, inconclusive)."""

from __future__ import annotations

import pandas as pd

from customer_activation.campaigns.report.html import _isnum, badge, ci, esc, money, num, pct, signed_pct

__all__ = ["verdict_section", "measurement_warning"]

OUTCOME_WORDS = {"orders": "a completed order", "events": "a matching visit or event",
                 "responses": "a response record"}


def measurement_warning(row: pd.Series) -> str:
    """A warning when the response records were not measured the same way in both arms."""
    status = row.get("measurement_status")
    if status not in ("one_sided_responses", "responses_disagree"):
        return ""
    what = ("response records (opens, visits, purchases reported by the sender) exist for one arm only"
            if status == "one_sided_responses" else
            "the response records are out of proportion to the orders measured in both arms")
    return (f"<p class='warn'>Asymmetric measurement: {what}. They are not used for the result; "
            "the numbers below compare the same outcome in both arms.</p>")


def _pts(x) -> str:
    return f"{100 * float(x):+.2f} points" if _isnum(x) else "–"


def _sentence(row: pd.Series) -> str:
    cur = row.get("currency")
    outcome = OUTCOME_WORDS.get(row.get("outcome_source"), "the outcome")
    parts = []
    if _isnum(row.get("uplift")):
        parts.append(f"Customers with {outcome} in the window: {pct(row['response_rate_treatment'])} treated vs "
                     f"{pct(row['response_rate_control'])} control, uplift {_pts(row['uplift'])} "
                     f"{ci(row['uplift_ci_low'], row['uplift_ci_high'], _pts)}.")
    if _isnum(row.get("incremental_revenue")):
        parts.append(f"Incremental order revenue {money(row['incremental_revenue'], cur)} "
                     f"{ci(row['incremental_revenue_ci_low'], row['incremental_revenue_ci_high'], lambda v: money(v, cur))} "
                     f"for a cost of {money(row['cost'], cur)}: ROI {signed_pct(row['roi'])} "
                     f"{ci(row['roi_ci_low'], row['roi_ci_high'], signed_pct)}.")
    if row.get("verdict") == "inconclusive" and _isnum(row.get("n_per_arm_to_decide")):
        parts.append(f"About <b>{num(row['n_per_arm_to_decide'], 0)}</b> contacts per arm would decide it "
                     "if the effect is as observed.")
    elif row.get("verdict") == "inconclusive" and isinstance(row.get("verdict_reason"), str):
        parts.append(esc(row["verdict_reason"]) + ".")
    return " ".join(parts)


def verdict_section(summary: pd.DataFrame) -> str:
    """One line per observed campaign: the verdict, why, and what would decide it."""
    rows = summary.loc[~summary["is_planned_only"].astype(bool)]
    if rows.empty:
        return ""
    items = []
    for _, row in rows.iterrows():
        verdict = row.get("verdict") if isinstance(row.get("verdict"), str) else "inconclusive"
        items.append(
            f'<div class="verdict {esc(verdict)}" data-campaign="{esc(row["campaign_id"])}">'
            f'<b class="v">{badge(verdict)}</b><div><b><a href="#{esc(row["campaign_id"])}">{esc(row["campaign_id"])}</a> · '
            f'{esc(row["campaign_name"])}</b><br>{_sentence(row)}{measurement_warning(row)}</div></div>')
    return ('<h2 id="verdicts">What to do</h2><p class="muted">Scale up: the incremental order revenue '
            'exceeds the cost across its 95% interval. Stop: it stays below the cost. Inconclusive: the '
            'interval contains break-even; the sample size says how many contacts per arm would decide it.</p>'
            + "".join(items))
