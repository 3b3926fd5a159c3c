"""Qini curve, AUUC and uplift at top k%: how well a ranking finds the customers a campaign moves."""

from __future__ import annotations

from typing import Any

import numpy as np

from customer_activation.campaigns.stats.common import NAN

__all__ = [
    "qini_curve",
    "uplift_ranking_metrics",
]


def qini_curve(outcome: Any, treated: Any, score: Any) -> tuple[np.ndarray, np.ndarray]:
    """Qini curve (Radcliffe, 2007) of a ranking: contacts sorted by ``score`` (highest first);
    at each cut-off the incremental converters Q = Y_t - Y_c * N_t / N_c (Y: converters, N:
    contacts of each arm above the cut-off; 0 while an arm is empty). Returns the fractions
    targeted (0 .. 1) and Q / N (per contact of the whole population), both starting at 0.
    Ties in ``score`` are broken by the order given (pass a shuffled frame for random ties).
    """
    y = np.asarray(outcome, dtype=float)
    t = np.asarray(treated, dtype=bool)
    s = np.asarray(score, dtype=float)
    if not (y.size == t.size == s.size):
        raise ValueError("outcome, treated and score must have the same length")
    order = np.argsort(-np.nan_to_num(s, nan=-np.inf), kind="stable")
    y, t = y[order], t[order]
    n_t = np.cumsum(t)
    n_c = np.cumsum(~t)
    y_t = np.cumsum(y * t)
    y_c = np.cumsum(y * ~t)
    with np.errstate(divide="ignore", invalid="ignore"):
        q = np.where(n_c > 0, y_t - y_c * n_t / np.maximum(n_c, 1), y_t)
    frac = np.arange(1, y.size + 1) / max(y.size, 1)
    return np.concatenate([[0.0], frac]), np.concatenate([[0.0], q / max(y.size, 1)])


def uplift_ranking_metrics(outcome: Any, treated: Any, score: Any, top_k: float) -> dict:
    """AUUC, Qini coefficient and uplift among the top ``top_k`` share of a ranking.

    * ``auuc``: area under the Qini curve (trapezoids over the fraction targeted), in
      incremental converters per contact;
    * ``auuc_random``: the same for random targeting, the straight line to the curve's end
      (Q(1) / 2);
    * ``qini_coefficient`` = ``auuc`` - ``auuc_random``: > 0 when the ranking beats random;
    * ``uplift_top_k``: outcome rate treated - control among the top ``top_k`` of the ranking.
    """
    y = np.asarray(outcome, dtype=float)
    t = np.asarray(treated, dtype=bool)
    out: dict[str, Any] = {"n": int(y.size), "n_treatment": int(t.sum()), "n_control": int((~t).sum()),
                           "auuc": NAN, "auuc_random": NAN, "qini_coefficient": NAN,
                           "uplift_top_k": NAN, "top_k": float(top_k), "reason": None}
    if t.sum() == 0 or (~t).sum() == 0:
        out["reason"] = "an arm has no contacts"
        return out
    frac, q = qini_curve(y, t, score)
    auuc = float(np.trapezoid(q, frac)) if hasattr(np, "trapezoid") else float(np.trapz(q, frac))
    rand = float(q[-1] / 2)
    s = np.asarray(score, dtype=float)
    top = np.argsort(-np.nan_to_num(s, nan=-np.inf), kind="stable")[: max(1, int(round(top_k * y.size)))]
    tt, yt = t[top], y[top]
    if tt.sum() and (~tt).sum():
        out["uplift_top_k"] = float(yt[tt].mean() - yt[~tt].mean())
    else:
        out["reason"] = f"the top {top_k:.0%} has no contact of one arm"
    out.update(auuc=auuc, auuc_random=rand, qini_coefficient=auuc - rand)
    return out
