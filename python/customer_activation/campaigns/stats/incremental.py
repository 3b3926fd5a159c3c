"""Incremental response, revenue and ROI of a campaign with confidence intervals."""

from __future__ import annotations

from typing import Any

import numpy as np

from customer_activation.campaigns.stats.common import (
    NAN,
    _as_count,
    _as_float_array,
    _check_confidence,
    _join_reasons,
    _percentile_bootstrap,
)
from customer_activation.campaigns.stats.pilot import _newcombe_difference

__all__ = [
    "incremental_summary",
]


# --------------------------------------------------------------------------------------
# incremental revenue and ROI
# --------------------------------------------------------------------------------------


def _per_contact_values(values: Any, n: int, total: float, name: str) -> np.ndarray:
    """Per-contacted-customer revenue, zero-padded to n; must agree with the given sum."""
    arr = _as_float_array(values, name)
    arr = np.where(np.isnan(arr), 0.0, arr)
    if arr.size > n:
        raise ValueError(f"{name} has {arr.size} values for {n} contacted customers")
    if not np.isclose(arr.sum(), total, rtol=1e-6, atol=1e-6):
        raise ValueError(f"{name} sums to {arr.sum()}, but the revenue sum given is {total}")
    return np.concatenate([arr, np.zeros(n - arr.size)])


def incremental_summary(
    n_t: int,
    responders_t: int,
    revenue_t_sum: float,
    n_c: int,
    responders_c: int,
    revenue_c_sum: float,
    cost_per_contact: float,
    fixed_cost: float,
    revenue_t_values: Any = None,
    revenue_c_values: Any = None,
    n_boot: int = 2000,
    random_state: Any = 0,
    confidence: float = 0.95,
) -> dict:
    """Response rates, uplift, incremental responders and revenue, cost and ROI.

    * response rates per arm; ``uplift`` = rate_t - rate_c with Newcombe's hybrid score CI;
    * ``incremental_responders`` = uplift * n_t (CI scaled the same way);
    * ``incremental_revenue`` = (revenue_t_sum / n_t - revenue_c_sum / n_c) * n_t, i.e. the
      revenue per *contacted* customer difference scaled to the treated population;
    * ``cost`` = cost_per_contact * n_t + fixed_cost. Only the treatment arm is contacted;
      the control arm is a hold-out and costs nothing;
    * ``roi`` = (incremental_revenue - cost) / cost (NaN if cost is 0).

    When ``revenue_t_values`` and ``revenue_c_values`` (revenue per contacted customer, 0
    for non-responders) are both given, incremental revenue gets a percentile bootstrap CI
    (``scipy.stats.bootstrap``, arms resampled independently, ``random_state`` seeded). A
    list shorter than n is padded with zeros (customers without a response row earned
    nothing); the values must sum to the ``revenue_*_sum`` given. The ROI CI is the same
    interval mapped through (x - cost) / cost: that map is increasing when cost > 0 and a
    percentile interval commutes with increasing maps, so no second bootstrap is needed.
    Without per-customer values the revenue and ROI CIs are NaN and ``reason`` says so.
    """
    confidence = _check_confidence(confidence)
    n_t = _as_count(n_t, "n_t")
    n_c = _as_count(n_c, "n_c")
    k_t = _as_count(responders_t, "responders_t")
    k_c = _as_count(responders_c, "responders_c")
    if k_t > n_t or k_c > n_c:
        raise ValueError("responders exceed contacts")
    revenue_t_sum, revenue_c_sum = float(revenue_t_sum), float(revenue_c_sum)
    cost = float(cost_per_contact) * n_t + float(fixed_cost)
    if cost < 0:
        raise ValueError(f"cost must be >= 0, got {cost}")

    out: dict[str, Any] = {
        "n_t": n_t,
        "n_c": n_c,
        "responders_t": k_t,
        "responders_c": k_c,
        "response_rate_t": k_t / n_t if n_t else NAN,
        "response_rate_c": k_c / n_c if n_c else NAN,
        "uplift": NAN,
        "uplift_ci_low": NAN,
        "uplift_ci_high": NAN,
        "incremental_responders": NAN,
        "incremental_responders_ci_low": NAN,
        "incremental_responders_ci_high": NAN,
        "revenue_per_contact_t": revenue_t_sum / n_t if n_t else NAN,
        "revenue_per_contact_c": revenue_c_sum / n_c if n_c else NAN,
        "incremental_revenue": NAN,
        "incremental_revenue_ci_low": NAN,
        "incremental_revenue_ci_high": NAN,
        "cost": cost,
        "roi": NAN,
        "roi_ci_low": NAN,
        "roi_ci_high": NAN,
        "confidence": confidence,
        "n_boot": int(n_boot),
        "reason": None,
    }
    if n_t == 0 or n_c == 0:
        out["reason"] = "an arm has n = 0"
        return out

    uplift, up_low, up_high, _ = _newcombe_difference(k_t, n_t, k_c, n_c, confidence)
    inc_rev = (out["revenue_per_contact_t"] - out["revenue_per_contact_c"]) * n_t
    out.update(
        uplift=uplift,
        uplift_ci_low=up_low,
        uplift_ci_high=up_high,
        incremental_responders=uplift * n_t,
        incremental_responders_ci_low=up_low * n_t,
        incremental_responders_ci_high=up_high * n_t,
        incremental_revenue=inc_rev,
    )
    reasons: list[str | None] = []
    if cost > 0:
        out["roi"] = (inc_rev - cost) / cost
    else:
        reasons.append("cost is 0: ROI undefined")

    if revenue_t_values is None or revenue_c_values is None:
        reasons.append("per-customer revenue not given: no revenue/ROI interval")
    elif n_t < 2 or n_c < 2:
        reasons.append("an arm has fewer than 2 customers: no bootstrap interval")
    else:
        rt = _per_contact_values(revenue_t_values, n_t, revenue_t_sum, "revenue_t_values")
        rc = _per_contact_values(revenue_c_values, n_c, revenue_c_sum, "revenue_c_values")

        def statistic(x, y, axis=-1):
            return (np.mean(x, axis=axis) - np.mean(y, axis=axis)) * n_t

        low, high, _ = _percentile_bootstrap((rt, rc), statistic, n_boot, confidence, random_state)
        out.update(incremental_revenue_ci_low=low, incremental_revenue_ci_high=high)
        if cost > 0:
            out.update(roi_ci_low=(low - cost) / cost, roi_ci_high=(high - cost) / cost)
    out["reason"] = _join_reasons(*reasons)
    return out
