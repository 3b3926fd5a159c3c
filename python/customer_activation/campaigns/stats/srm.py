"""Sample ratio mismatch: does the observed split of an assignment match the planned one?"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
from scipy import stats

from customer_activation.campaigns.stats.common import NAN, _as_count

__all__ = [
    "srm_check",
]


# --------------------------------------------------------------------------------------
# sample ratio mismatch
# --------------------------------------------------------------------------------------


def srm_check(
    observed_counts: Mapping[str, int],
    planned_shares: Mapping[str, float],
    alpha: float = 0.001,
) -> dict:
    """Sample ratio mismatch check: chi-square goodness of fit of arm sizes to the plan.

    Parameters
    ----------
    observed_counts
        Customers actually assigned per arm, e.g. ``{"treatment": 9_012, "control": 988}``.
        An arm present in the plan but absent here counts as 0.
    planned_shares
        Planned share per arm, e.g. ``{"treatment": 0.9, "control": 0.1}``. Shares are
        normalised to sum to 1, so weights such as ``{"treatment": 9, "control": 1}`` work.
    alpha
        Significance level; small by default (0.001) because an SRM test runs on every
        campaign and a false alarm stops the analysis.

    Returns
    -------
    dict with ``statistic``, ``p_value``, ``dof``, ``is_mismatch`` (``p_value < alpha``),
    ``n``, ``expected`` (dict of expected counts), ``alpha`` and ``reason``.
    ``is_mismatch`` is ``None`` when the test cannot be run (no customers, fewer than two
    arms). Customers in an arm with a planned share of 0 make the mismatch certain:
    ``statistic`` is inf and ``p_value`` 0.

    Uses ``scipy.stats.chisquare``.
    """
    if not 0.0 < float(alpha) < 1.0:
        raise ValueError(f"alpha must be in (0, 1), got {alpha}")
    unknown = sorted(set(observed_counts) - set(planned_shares))
    if unknown:
        raise ValueError(f"arms without a planned share: {unknown}")
    shares = {arm: float(share) for arm, share in planned_shares.items()}
    if any(not math.isfinite(s) or s < 0 for s in shares.values()):
        raise ValueError(f"planned shares must be finite and >= 0, got {shares}")
    counts = {arm: _as_count(observed_counts.get(arm, 0), f"count[{arm}]") for arm in shares}
    n = sum(counts.values())
    total_share = sum(shares.values())

    out: dict[str, Any] = {
        "statistic": NAN,
        "p_value": NAN,
        "dof": None,
        "is_mismatch": None,
        "n": n,
        "observed": counts,
        "expected": {arm: NAN for arm in shares},
        "alpha": float(alpha),
        "reason": None,
    }
    if total_share <= 0:
        out["reason"] = "planned shares sum to 0"
        return out
    out["expected"] = {arm: n * s / total_share for arm, s in shares.items()}
    if n == 0:
        out["reason"] = "no customers assigned"
        return out

    impossible = [arm for arm, s in shares.items() if s == 0 and counts[arm] > 0]
    if impossible:
        out.update(
            statistic=math.inf,
            p_value=0.0,
            is_mismatch=True,
            reason=f"customers in arms planned at share 0: {impossible}",
        )
        return out

    arms = [arm for arm, s in shares.items() if s > 0]
    if len(arms) < 2:
        out["reason"] = "fewer than two arms with a positive planned share"
        return out
    f_obs = np.array([counts[a] for a in arms], dtype=float)
    f_exp = np.array([out["expected"][a] for a in arms], dtype=float)
    res = stats.chisquare(f_obs, f_exp)
    out.update(
        statistic=float(res.statistic),
        p_value=float(res.pvalue),
        dof=len(arms) - 1,
        is_mismatch=bool(res.pvalue < alpha),
    )
    return out
