"""Proportions and the pilot gate: response-rate intervals, predicted-versus-observed check, pilot size."""

from __future__ import annotations

import math

from scipy import stats

from customer_activation.campaigns.stats.common import NAN, _as_count, _check_confidence, _join_reasons

__all__ = [
    "proportion_ci",
    "pilot_gate",
    "recommended_pilot_size",
]


# --------------------------------------------------------------------------------------
# proportions and the pilot gate
# --------------------------------------------------------------------------------------

_PROPORTION_METHODS = ("wilson", "wilsoncc", "exact")


def proportion_ci(
    successes: int, n: int, confidence: float = 0.95, method: str = "wilson"
) -> dict:
    """Confidence interval for a binomial proportion.

    ``method`` is passed to ``scipy.stats.binomtest(...).proportion_ci``: ``"wilson"`` (score
    interval, the default: good coverage at small n and rates near 0), ``"wilsoncc"`` (with
    continuity correction) or ``"exact"`` (Clopper-Pearson, conservative).

    Returns ``estimate``, ``ci_low``, ``ci_high``, ``successes``, ``n``, ``confidence``,
    ``method`` and ``reason``; NaN with a reason when ``n == 0``.
    """
    confidence = _check_confidence(confidence)
    if method not in _PROPORTION_METHODS:
        raise ValueError(f"method must be one of {_PROPORTION_METHODS}, got {method!r}")
    k = _as_count(successes, "successes")
    n = _as_count(n, "n")
    if k > n:
        raise ValueError(f"successes ({k}) > n ({n})")
    out = {
        "estimate": NAN,
        "ci_low": NAN,
        "ci_high": NAN,
        "successes": k,
        "n": n,
        "confidence": confidence,
        "method": method,
        "reason": None,
    }
    if n == 0:
        out["reason"] = "n = 0"
        return out
    ci = stats.binomtest(k, n).proportion_ci(confidence_level=confidence, method=method)
    out.update(estimate=k / n, ci_low=float(ci.low), ci_high=float(ci.high))
    return out


def _newcombe_difference(
    k1: int, n1: int, k0: int, n0: int, confidence: float
) -> tuple[float, float, float, str | None]:
    """Difference of proportions p1 - p0 with Newcombe's hybrid score interval.

    Newcombe (1998), method 10: combine the two Wilson intervals (l1, u1), (l0, u0)::

        low  = d - sqrt((p1 - l1)**2 + (u0 - p0)**2)
        high = d + sqrt((u1 - p1)**2 + (p0 - l0)**2)

    Written by hand because scipy has no interval for a difference of independent
    proportions; the Wilson bounds themselves come from ``scipy.stats.binomtest``. Chosen
    over the Wald interval because it stays inside [-1, 1] and keeps its coverage when a
    rate is near 0, which is the usual case for campaign responses.
    """
    if n1 == 0 or n0 == 0:
        return NAN, NAN, NAN, "an arm has n = 0"
    p1, p0 = k1 / n1, k0 / n0
    c1 = stats.binomtest(k1, n1).proportion_ci(confidence_level=confidence, method="wilson")
    c0 = stats.binomtest(k0, n0).proportion_ci(confidence_level=confidence, method="wilson")
    d = p1 - p0
    low = d - math.sqrt((p1 - c1.low) ** 2 + (c0.high - p0) ** 2)
    high = d + math.sqrt((c1.high - p1) ** 2 + (p0 - c0.low) ** 2)
    return d, low, high, None


def pilot_gate(
    observed_responses: int,
    n_treatment: int,
    predicted_mean: float,
    control_responses: int,
    n_control: int,
    min_n: int = 100,
    tolerance: float = 0.0,
    confidence: float = 0.95,
    method: str = "wilson",
) -> dict:
    """Does the pilot's observed response agree with the model's predicted response?

    The observed treatment response rate gets a confidence interval (``proportion_ci`` with
    ``method``), widened on both sides by the absolute ``tolerance`` (e.g. 0.01 = one
    percentage point; it allows for a model that is "close enough"). The gate:

    * ``"insufficient_sample"`` if ``n_treatment < min_n`` (numbers are still reported);
    * ``"pass"`` if ``predicted_mean`` lies inside the widened interval;
    * ``"fail"`` otherwise.

    ``predicted_mean`` is the mean predicted response probability over the *treated* pilot
    customers. It must be in [0, 1]; a missing prediction raises ``ValueError``.

    The observed incremental effect (treatment rate - control rate) is also reported, with
    Newcombe's hybrid score interval (see ``_newcombe_difference``); it is NaN with a reason
    when the control arm is empty, which does not affect the gate.

    Returns ``status``, ``reason``, ``n_treatment``, ``n_control``, ``observed_rate``,
    ``ci_low``, ``ci_high``, ``accept_low``, ``accept_high`` (the widened interval, clipped
    to [0, 1]), ``predicted_mean``, ``prediction_error`` (observed - predicted),
    ``control_rate``, ``effect``, ``effect_ci_low``, ``effect_ci_high``, ``effect_ci_method``,
    ``min_n``, ``tolerance``, ``confidence``.
    """
    confidence = _check_confidence(confidence)
    predicted_mean = float(predicted_mean)
    if not 0.0 <= predicted_mean <= 1.0:  # also rejects NaN
        raise ValueError(f"predicted_mean must be in [0, 1], got {predicted_mean}")
    tolerance = float(tolerance)
    if not tolerance >= 0.0:
        raise ValueError(f"tolerance must be >= 0, got {tolerance}")
    min_n = max(1, _as_count(min_n, "min_n"))

    treat = proportion_ci(observed_responses, n_treatment, confidence, method)
    ctrl_k = _as_count(control_responses, "control_responses")
    ctrl_n = _as_count(n_control, "n_control")
    if ctrl_k > ctrl_n:
        raise ValueError(f"control_responses ({ctrl_k}) > n_control ({ctrl_n})")
    effect, eff_low, eff_high, eff_reason = _newcombe_difference(
        treat["successes"], treat["n"], ctrl_k, ctrl_n, confidence
    )

    accept_low = max(0.0, treat["ci_low"] - tolerance)
    accept_high = min(1.0, treat["ci_high"] + tolerance)
    if treat["n"] < min_n:
        status = "insufficient_sample"
        gate_reason = f"n_treatment = {treat['n']} < min_n = {min_n}"
    elif accept_low <= predicted_mean <= accept_high:
        status, gate_reason = "pass", None
    else:
        status = "fail"
        gate_reason = (
            f"predicted mean {predicted_mean:.4g} outside "
            f"[{accept_low:.4g}, {accept_high:.4g}]"
        )

    return {
        "status": status,
        "reason": _join_reasons(
            gate_reason, f"effect: {eff_reason}" if eff_reason else None
        ),
        "n_treatment": treat["n"],
        "n_control": ctrl_n,
        "observed_rate": treat["estimate"],
        "ci_low": treat["ci_low"],
        "ci_high": treat["ci_high"],
        "accept_low": accept_low if treat["n"] else NAN,
        "accept_high": accept_high if treat["n"] else NAN,
        "predicted_mean": predicted_mean,
        "prediction_error": treat["estimate"] - predicted_mean,
        "control_rate": ctrl_k / ctrl_n if ctrl_n else NAN,
        "effect": effect,
        "effect_ci_low": eff_low,
        "effect_ci_high": eff_high,
        "effect_ci_method": "newcombe_hybrid_score",
        "min_n": min_n,
        "tolerance": tolerance,
        "confidence": confidence,
    }


def recommended_pilot_size(
    baseline_rate: float,
    mde: float,
    alpha: float = 0.05,
    power: float = 0.8,
    treatment_share: float = 0.5,
    two_sided: bool = True,
) -> dict:
    """Customers needed to detect an absolute uplift ``mde`` over ``baseline_rate``.

    Standard two-proportion formula (normal approximation, pooled variance under H0,
    unpooled under H1, no continuity correction), for a total sample N split
    ``treatment_share`` (w) / ``1 - w``; with p0 = baseline, p1 = baseline + mde and
    pbar = w p1 + (1 - w) p0::

        N = ( z_{1-a} sqrt(pbar (1 - pbar) (1/w + 1/(1-w)))
              + z_{1-b} sqrt(p1 (1 - p1)/w + p0 (1 - p0)/(1-w)) )**2 / mde**2

    where z_{1-a} uses a/2 when ``two_sided``. Quantiles come from ``scipy.stats.norm``; the
    formula itself is written by hand because scipy has no power/sample-size routine. With
    w = 0.5 it reduces to the textbook per-arm formula (e.g. 10% -> 15%, alpha 0.05, power
    0.8: 686 per arm).

    Returns ``n_treatment``, ``n_control`` (each rounded up), ``n_total`` (their sum),
    ``n_total_exact`` (unrounded N) and the inputs.
    """
    p0 = float(baseline_rate)
    mde = float(mde)
    w = float(treatment_share)
    if not 0.0 < p0 < 1.0:
        raise ValueError(f"baseline_rate must be in (0, 1), got {baseline_rate}")
    if mde == 0.0 or not math.isfinite(mde):
        raise ValueError(f"mde must be a non-zero absolute difference, got {mde}")
    p1 = p0 + mde
    if not 0.0 < p1 < 1.0:
        raise ValueError(f"baseline_rate + mde must be in (0, 1), got {p1}")
    if not 0.0 < w < 1.0:
        raise ValueError(f"treatment_share must be in (0, 1), got {treatment_share}")
    if not 0.0 < alpha < 1.0 or not 0.0 < power < 1.0:
        raise ValueError("alpha and power must be in (0, 1)")

    z_a = stats.norm.ppf(1.0 - alpha / 2.0 if two_sided else 1.0 - alpha)
    z_b = stats.norm.ppf(power)
    pbar = w * p1 + (1.0 - w) * p0
    sd0 = math.sqrt(pbar * (1.0 - pbar) * (1.0 / w + 1.0 / (1.0 - w)))
    sd1 = math.sqrt(p1 * (1.0 - p1) / w + p0 * (1.0 - p0) / (1.0 - w))
    n_total_exact = float((z_a * sd0 + z_b * sd1) ** 2 / mde**2)
    n_t = math.ceil(n_total_exact * w - 1e-9)
    n_c = math.ceil(n_total_exact * (1.0 - w) - 1e-9)
    return {
        "n_treatment": n_t,
        "n_control": n_c,
        "n_total": n_t + n_c,
        "n_total_exact": n_total_exact,
        "baseline_rate": p0,
        "mde": mde,
        "alpha": float(alpha),
        "power": float(power),
        "treatment_share": w,
        "two_sided": bool(two_sided),
    }
