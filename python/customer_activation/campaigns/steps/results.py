"""Campaign results: response rates, incremental revenue and ROI of every campaign with intervals."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd
from scipy import stats

from customer_activation.campaigns import stats as cs
from customer_activation.campaigns.stats.common import _join_reasons
from customer_activation.campaigns.steps.frames import NAN, _float, _typed
from customer_activation.threads import single_threaded

__all__ = [
    "campaign_results",
]


# --------------------------------------------------------------------------------------
# response, incremental revenue, cost and ROI per campaign
# --------------------------------------------------------------------------------------

RESULT_COLUMNS = (
    "campaign_id", "result_status", "result_reason", "n_contacts", "n_window_open",
    "n_treatment", "n_control", "responders_treatment", "responders_control",
    "response_rate_treatment", "response_rate_control", "uplift", "uplift_ci_low",
    "uplift_ci_high", "uplift_p_value", "incremental_responders", "incremental_responders_ci_low",
    "incremental_responders_ci_high", "revenue_per_contact_treatment",
    "revenue_per_contact_control", "incremental_revenue_per_contact",
    "incremental_revenue_per_contact_ci_low", "incremental_revenue_per_contact_ci_high",
    "incremental_revenue", "incremental_revenue_ci_low", "incremental_revenue_ci_high",
    "cost", "roi", "roi_ci_low", "roi_ci_high", "confidence", "n_boot",
)


@single_threaded
def campaign_results(outcomes: pd.DataFrame, campaigns: pd.DataFrame, confidence: float,
                     n_boot: int, random_state: int) -> pd.DataFrame:
    """Response rate per arm, uplift, incremental responders and revenue, cost and ROI.

    Over every contact (pilot and rollout) whose response window has closed; contacts with
    an open window are counted in ``n_window_open`` and left out. Cost is ``cost_per_contact``
    per treated contact plus ``fixed_cost`` (the control arm is not contacted). The uplift
    p-value is Fisher's exact test on the 2x2 table; the revenue and ROI intervals are the
    percentile bootstrap of :func:`campaign_stats.incremental_summary`. Per-contact numbers
    divide by the treated contacts.
    """
    rows = []
    for camp in campaigns.itertuples(index=False):
        if getattr(camp, "is_planned_only", False):
            continue
        mine = outcomes.loc[outcomes["campaign_id"] == camp.campaign_id]
        done = mine.loc[mine["is_window_complete"].astype(bool)]
        t = done.loc[done["arm"] == "treatment"]
        c = done.loc[done["arm"] == "control"]
        row: dict[str, Any] = {"campaign_id": camp.campaign_id, "n_contacts": len(mine),
                               "n_window_open": len(mine) - len(done), "n_treatment": len(t),
                               "n_control": len(c), "confidence": float(confidence),
                               "n_boot": int(n_boot)}
        if len(mine) == 0:
            row.update(result_status="no_contacts", result_reason="campaign has no contacts")
        elif len(done) == 0:
            row.update(result_status="window_open",
                       result_reason="no contact's response window has closed yet")
        elif len(t) == 0 or len(c) == 0:
            row.update(result_status="missing_arm", result_reason=(
                f"{'treatment' if len(t) == 0 else 'control'} arm has no customers with a closed "
                "window: no comparison"))
        cost_pc = _float(camp.cost_per_contact, 0.0)
        fixed = _float(camp.fixed_cost, 0.0)
        res = cs.incremental_summary(
            len(t), int(t["responded"].sum()), float(t["response_revenue"].sum()),
            len(c), int(c["responded"].sum()), float(c["response_revenue"].sum()),
            cost_pc if math.isfinite(cost_pc) else 0.0, fixed if math.isfinite(fixed) else 0.0,
            t["response_revenue"].to_numpy(float), c["response_revenue"].to_numpy(float),
            n_boot=n_boot, random_state=random_state, confidence=confidence)
        per = 1.0 / len(t) if len(t) else NAN
        row.update(
            responders_treatment=res["responders_t"], responders_control=res["responders_c"],
            response_rate_treatment=res["response_rate_t"], response_rate_control=res["response_rate_c"],
            uplift=res["uplift"], uplift_ci_low=res["uplift_ci_low"], uplift_ci_high=res["uplift_ci_high"],
            incremental_responders=res["incremental_responders"],
            incremental_responders_ci_low=res["incremental_responders_ci_low"],
            incremental_responders_ci_high=res["incremental_responders_ci_high"],
            revenue_per_contact_treatment=res["revenue_per_contact_t"],
            revenue_per_contact_control=res["revenue_per_contact_c"],
            incremental_revenue=res["incremental_revenue"],
            incremental_revenue_ci_low=res["incremental_revenue_ci_low"],
            incremental_revenue_ci_high=res["incremental_revenue_ci_high"],
            incremental_revenue_per_contact=res["incremental_revenue"] * per,
            incremental_revenue_per_contact_ci_low=res["incremental_revenue_ci_low"] * per,
            incremental_revenue_per_contact_ci_high=res["incremental_revenue_ci_high"] * per,
            cost=res["cost"], roi=res["roi"], roi_ci_low=res["roi_ci_low"], roi_ci_high=res["roi_ci_high"],
        )
        if len(t) and len(c):
            row["uplift_p_value"] = _fisher_p(res["responders_t"], len(t), res["responders_c"], len(c))
        if "result_status" not in row:
            row.update(result_status="ok", result_reason=res["reason"])
        if row["n_window_open"] and row["result_status"] == "ok":
            row["result_reason"] = _join_reasons(
                row["result_reason"], f"{row['n_window_open']} contacts with an open window left out")
        rows.append(row)
    out = pd.DataFrame(rows, columns=list(RESULT_COLUMNS))
    ints = ["n_contacts", "n_window_open", "n_treatment", "n_control", "responders_treatment",
            "responders_control", "n_boot"]
    floats = [c for c in RESULT_COLUMNS if c not in ints and c not in
              ("campaign_id", "result_status", "result_reason")]
    return _typed(out, floats=floats, ints=ints)


def _fisher_p(k_t: int, n_t: int, k_c: int, n_c: int) -> float:
    table = [[k_t, n_t - k_t], [k_c, n_c - k_c]]
    return float(stats.fisher_exact(table).pvalue)
