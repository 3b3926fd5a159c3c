"""Is the measurement symmetric, and what should the marketer do: the verdict of a campaign."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from scipy import stats

from customer_activation.campaigns.stats.common import NAN, _check_confidence

__all__ = [
    "measurement_check",
    "campaign_verdict",
]


# --------------------------------------------------------------------------------------
# asymmetric measurement
# --------------------------------------------------------------------------------------


def measurement_check(n_t: int, records_t: int, buyers_t: int, n_c: int, records_c: int,
                      buyers_c: int, uplift_ci_low: float, uplift_ci_high: float) -> dict:
    """Can the response records be compared between the arms?

    ``records_*``: contacts of each arm with at least one response record inside their
    window; ``buyers_*``: contacts with a completed order inside their window (the data
    measured in both arms); ``uplift_ci_*``: the interval of the uplift on the primary outcome measured the
    same way in both arms (orders or events). Returns ``measurement_status``:

    * ``no_response_records``: neither arm has any;
    * ``one_sided_responses``: one arm has records and the other none although its customers
      bought inside their windows (an arm without records and without orders is
      consistent: nobody responded). An ESP export holds opens, visits and purchases of the mailed customers only, so the control
      cannot have any: a response-based comparison measures the export, not the campaign;
    * ``responses_disagree``: both arms have records, but their difference in rates lies
      outside the outcome's interval widened to twice its width: the records are out of
      proportion to the data measured in both arms;
    * ``symmetric``: otherwise.

    ``is_asymmetric`` is true for the two middle cases; ``reason`` says what was seen.
    """
    out: dict[str, Any] = {"measurement_status": "symmetric", "is_asymmetric": False,
                           "reason": None}
    if records_t == 0 and records_c == 0:
        out.update(measurement_status="no_response_records")
        return out
    silent_buyers = buyers_c if records_c == 0 else buyers_t
    if n_t > 0 and n_c > 0 and (records_t == 0) != (records_c == 0) and silent_buyers > 0:
        has, hasnt = ("treatment", "control") if records_c == 0 else ("control", "treatment")
        k, n = (records_t, n_t) if records_c == 0 else (records_c, n_c)
        out.update(measurement_status="one_sided_responses", is_asymmetric=True, reason=(
            f"asymmetric measurement: response records exist for the {has} arm only ({k} of "
            f"{n} contacts) and for no {hasnt} customer, though {silent_buyers} {hasnt} "
            "customers ordered inside their window: the arms were not measured the same "
            "way (an ESP export lists the mailed customers' responses only); results use the "
            "outcome measured in both arms, never the response records"))
        return out
    if n_t and n_c and math.isfinite(uplift_ci_low) and math.isfinite(uplift_ci_high):
        diff = records_t / n_t - records_c / n_c
        mid = 0.5 * (uplift_ci_low + uplift_ci_high)
        half = max(uplift_ci_high - uplift_ci_low, 1e-9)
        if abs(diff - mid) > half:
            out.update(measurement_status="responses_disagree", is_asymmetric=True, reason=(
                f"response records out of proportion to the outcome measured in both arms: "
                f"their difference in rates is {diff:.4f}, the outcome's interval "
                f"[{uplift_ci_low:.4f}, {uplift_ci_high:.4f}]; results use the outcome"))
    return out


# --------------------------------------------------------------------------------------
# verdict
# --------------------------------------------------------------------------------------


def campaign_verdict(revenue_t: Any, revenue_c: Any, cost_per_contact: float, fixed_cost: float,
                     incremental_revenue_ci_low: float, incremental_revenue_ci_high: float,
                     confidence: float, power: float) -> dict:
    """Scale up, stop or inconclusive, from the incremental order revenue against the cost.

    With ``cost`` = ``cost_per_contact`` x treated + ``fixed_cost``:

    * ``scale_up``: the interval of the incremental revenue lies above the cost (ROI > 0 with
      the interval's confidence);
    * ``stop``: it lies below the cost (the campaign loses money);
    * ``inconclusive``: the interval contains the break-even point. ``n_per_arm_to_decide``
      is then the number of contacts per arm for which a difference of the size observed
      would put the interval clear of break-even with probability ``power`` (normal
      approximation: n = (z_{1-a/2} + z_power)^2 (s_t^2 + s_c^2) / (d - b)^2, d the observed
      revenue difference per contact, b the cost per treated contact); NaN when the
      observed difference is exactly at break-even or there is no variance.
    """
    confidence = _check_confidence(confidence)
    rt = np.asarray(revenue_t, dtype=float)
    rc = np.asarray(revenue_c, dtype=float)
    out: dict[str, Any] = {"verdict": "inconclusive", "n_per_arm_to_decide": NAN, "reason": None}
    if rt.size < 2 or rc.size < 2:
        out["reason"] = "an arm has fewer than 2 contacts with a closed window"
        return out
    cost = float(cost_per_contact) * rt.size + float(fixed_cost)
    low, high = float(incremental_revenue_ci_low), float(incremental_revenue_ci_high)
    if not (math.isfinite(low) and math.isfinite(high)):
        out["reason"] = "no interval for the incremental revenue"
        return out
    if low > cost:
        out.update(verdict="scale_up", reason=(
            "the incremental order revenue exceeds the cost even at the low end of its interval"))
        return out
    if high < cost:
        out.update(verdict="stop", reason=(
            "the incremental order revenue stays below the cost even at the high end of its interval"))
        return out
    d = float(rt.mean() - rc.mean())
    b = cost / rt.size
    var = float(rt.var(ddof=1) + rc.var(ddof=1))
    z = stats.norm.ppf(0.5 + confidence / 2) + stats.norm.ppf(float(power))
    if abs(d - b) > 1e-12 and var > 0:
        out["n_per_arm_to_decide"] = float(math.ceil(z * z * var / (d - b) ** 2))
    out["reason"] = (
        "the interval of the incremental order revenue contains the cost (break-even)"
        + (f"; about {int(out['n_per_arm_to_decide']):,} contacts per arm would decide it if "
           "the effect is as observed" if math.isfinite(out["n_per_arm_to_decide"]) else ""))
    return out
