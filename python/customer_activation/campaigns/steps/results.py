"""Campaign results: the primary outcome per arm, incremental order revenue, ROI and a verdict per campaign."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd
from scipy import stats

from customer_activation.campaigns import stats as cs
from customer_activation.campaigns.stats.common import _join_reasons
from customer_activation.campaigns.steps.frames import NAN, OUTCOME, REVENUE, _float, _typed
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
    "outcome_source", "experiment_id", "measurement_status", "response_records_treatment",
    "response_records_control", "response_record_rate_treatment", "response_record_rate_control",
    "response_revenue_per_contact_treatment", "response_revenue_per_contact_control",
    "verdict", "verdict_reason", "n_per_arm_to_decide",
)


@single_threaded
def campaign_results(outcomes: pd.DataFrame, campaigns: pd.DataFrame, confidence: float,
                     n_boot: int, random_state: int, power: float) -> pd.DataFrame:
    """Outcome rate per arm, uplift, incremental converters and revenue, cost, ROI, verdict.

    The outcome is ``converted`` (the campaign's primary outcome, measured the same way in
    both arms: seed campaign_outcome_definitions) and the revenue ``order_revenue`` (completed
    orders inside the window, both arms). The response records (``responded``,
    ``response_revenue``) are secondary columns; :func:`campaign_stats.measurement_check`
    flags them when one arm has some and the other none, or when they are out of proportion
    to the outcome (``measurement_status``, ``result_reason``). When the outcome itself is
    response records and the measurement is asymmetric, ``result_status`` is
    ``asymmetric_measurement`` and there is no uplift: a response-based comparison is never
    the result. ``verdict``: :func:`campaign_stats.campaign_verdict`. The columns named
    ``responders_*`` / ``response_rate_*`` / ``incremental_responders*`` hold the outcome.

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
        cost_pc = cost_pc if math.isfinite(cost_pc) else 0.0
        fixed = fixed if math.isfinite(fixed) else 0.0
        res = cs.incremental_summary(
            len(t), int(t[OUTCOME].sum()), float(t[REVENUE].sum()),
            len(c), int(c[OUTCOME].sum()), float(c[REVENUE].sum()),
            cost_pc, fixed, t[REVENUE].to_numpy(float), c[REVENUE].to_numpy(float),
            n_boot=n_boot, random_state=random_state, confidence=confidence)
        source = mine["outcome_source"].dropna() if "outcome_source" in mine else pd.Series([], dtype=object)
        exp_id = getattr(camp, "experiment_id", None)
        rec_t, rec_c = int(t["responded"].sum()), int(c["responded"].sum())
        buy_t = int((t["n_orders"] > 0).sum()) if "n_orders" in t else 0
        buy_c = int((c["n_orders"] > 0).sum()) if "n_orders" in c else 0
        check = cs.measurement_check(len(t), rec_t, buy_t, len(c), rec_c, buy_c,
                                     res["uplift_ci_low"], res["uplift_ci_high"])
        row.update(
            outcome_source=str(source.iloc[0]) if len(source) else "orders",
            experiment_id=exp_id if isinstance(exp_id, str) else None,
            measurement_status=check["measurement_status"],
            response_records_treatment=rec_t, response_records_control=rec_c,
            response_record_rate_treatment=rec_t / len(t) if len(t) else NAN,
            response_record_rate_control=rec_c / len(c) if len(c) else NAN,
            response_revenue_per_contact_treatment=float(t["response_revenue"].mean()) if len(t) else NAN,
            response_revenue_per_contact_control=float(c["response_revenue"].mean()) if len(c) else NAN)
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
            if check["is_asymmetric"] and row["outcome_source"] == "responses":
                row.update(result_status="asymmetric_measurement", uplift=NAN, uplift_ci_low=NAN,
                           uplift_ci_high=NAN, uplift_p_value=NAN, incremental_responders=NAN,
                           incremental_responders_ci_low=NAN, incremental_responders_ci_high=NAN)
                check["reason"] = check["reason"].replace(
                    "results use the outcome measured in both arms, never the response records",
                    "this campaign's outcome is a response record, so there is no uplift: map its "
                    "objective to orders or events in seed campaign_outcome_definitions")
            row["result_reason"] = _join_reasons(check["reason"], row["result_reason"])
            verdict = cs.campaign_verdict(
                t[REVENUE].to_numpy(float), c[REVENUE].to_numpy(float), cost_pc, fixed,
                res["incremental_revenue_ci_low"], res["incremental_revenue_ci_high"],
                confidence=confidence, power=power)
            row.update(verdict=verdict["verdict"], verdict_reason=verdict["reason"],
                       n_per_arm_to_decide=verdict["n_per_arm_to_decide"])
        else:
            row.update(verdict="inconclusive", verdict_reason=row["result_reason"])
        if row["n_window_open"] and row["result_status"] == "ok":
            row["result_reason"] = _join_reasons(
                row["result_reason"], f"{row['n_window_open']} contacts with an open window left out")
        rows.append(row)
    out = pd.DataFrame(rows, columns=list(RESULT_COLUMNS))
    ints = ["n_contacts", "n_window_open", "n_treatment", "n_control", "responders_treatment",
            "responders_control", "n_boot", "response_records_treatment", "response_records_control"]
    texts = ("campaign_id", "result_status", "result_reason", "outcome_source", "experiment_id",
             "measurement_status", "verdict", "verdict_reason")
    floats = [c for c in RESULT_COLUMNS if c not in ints and c not in texts]
    return _typed(out, floats=floats, ints=ints)


def _fisher_p(k_t: int, n_t: int, k_c: int, n_c: int) -> float:
    table = [[k_t, n_t - k_t], [k_c, n_c - k_c]]
    return float(stats.fisher_exact(table).pvalue)
