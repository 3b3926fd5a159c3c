"""Before/after metric effects: quartiles, every estimator of a metric's effect, segment effects."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from customer_activation.campaigns import stats as cs
from customer_activation.campaigns.stats.common import _join_reasons
from customer_activation.campaigns.stats.pilot import _newcombe_difference
from customer_activation.campaigns.steps.frames import NAN, OUTCOME, _typed
from customer_activation.campaigns.steps.results import _fisher_p
from customer_activation.threads import single_threaded

__all__ = [
    "metric_quartiles",
    "campaign_effects",
    "segment_effects",
]


# --------------------------------------------------------------------------------------
# before / after: quartiles and effects
# --------------------------------------------------------------------------------------

#: Before/after metrics of campaign_customer_metrics: name -> has a pre-period value.
METRICS = {"orders": True, "revenue": True, "active": True, "days_to_first_order": False}
#: Metrics that are 0/1: their effect is the difference of means (quantile shifts say nothing).
BINARY_METRICS = ("active",)


def _covs(frame: pd.DataFrame, cols: list[str]) -> np.ndarray:
    if not cols:
        return np.zeros((len(frame), 0))
    return np.column_stack([pd.to_numeric(frame[col], errors="coerce").to_numpy(float) for col in cols])


def _long_metrics(metrics: pd.DataFrame) -> pd.DataFrame:
    """campaign_customer_metrics (wide: pre_<m>, post_<m>) as one row per customer, metric and
    period, over contacts with a closed window."""
    done = metrics.loc[metrics["is_window_complete"].astype(bool)]
    parts = []
    for name, has_pre in METRICS.items():
        for period in (("pre", "post") if has_pre else ("post",)):
            col = f"{period}_{name}"
            parts.append(pd.DataFrame({"campaign_id": done["campaign_id"].to_numpy(),
                                       "arm": done["arm"].to_numpy(), "metric": name,
                                       "period": period,
                                       "value": pd.to_numeric(done[col], errors="coerce").to_numpy(float)}))
    if not parts:
        return pd.DataFrame(columns=["campaign_id", "arm", "metric", "period", "value"])
    return pd.concat(parts, ignore_index=True)


@single_threaded
def metric_quartiles(metrics: pd.DataFrame) -> pd.DataFrame:
    """n, mean, Q1, median, Q3 and the same quartiles among non-zero values, per campaign x
    arm x metric x period (``campaign_stats.compare_arms``)."""
    return cs.compare_arms(_long_metrics(metrics), metric_cols=None)


EFFECT_COLUMNS = (
    "campaign_id", "metric", "estimator", "estimate", "ci_low", "ci_high", "p_value", "n_treatment",
    "n_control", "treatment_value", "control_value", "variance_reduction", "confidence", "ci_method",
    "reason",
)

#: Estimators of campaign_effects, in display order.
ESTIMATORS = ("post_mean_difference", "diff_in_diff", "cuped", "regression_adjusted",
              "median_shift", "q3_shift", "nonzero_median_shift")
#: Pre-campaign covariates of the regression adjustment (campaign_customer_metrics).
COVARIATES = ("covariate_monetary", "covariate_frequency", "covariate_recency_days",
              "covariate_tenure_days", "covariate_has_completed_order")


@single_threaded
def campaign_effects(metrics: pd.DataFrame, confidence: float, n_boot: int,
                     random_state: int, bootstrap_max_n: int) -> pd.DataFrame:
    """Treatment - control effects per campaign x metric, each with a confidence interval.

    * ``post_mean_difference``: difference of post-window means, Welch;
    * ``diff_in_diff``: mean (post - pre) change, treatment minus control, Welch;
    * ``cuped``: post-window difference adjusted with the pre-window metric (CUPED);
    * ``regression_adjusted``: the same adjusted by pre-campaign covariates (``COVARIATES``:
      spend, frequency, recency, tenure before the start), which helps when nobody was active
      in the pre-window; ``variance_reduction`` reported;
    * ``median_shift`` / ``q3_shift``: difference of post-window quantiles, percentile bootstrap;
    * ``nonzero_median_shift``: the same among customers with a non-zero post value
      (descriptive: who buys is itself affected by the treatment).

    ``days_to_first_order`` exists only after the start and only for customers who ordered,
    so it gets the quantile shifts only (descriptive, like ``nonzero_median_shift``);
    quantile shifts use the percentile bootstrap, or, when an arm has more than
    ``bootstrap_max_n`` values, the order-statistic interval
    (``campaign_stats.quantile_shift_ci_order_stat``: n_boot sorts of a large arm take
    minutes); ``ci_method`` says which;
    ``active`` is 0/1, so it gets the mean estimators only. Contacts with an open window are
    left out.
    """
    done = metrics.loc[metrics["is_window_complete"].astype(bool)]
    rows = []
    for campaign_id in sorted(metrics["campaign_id"].unique()):
        mine = done.loc[done["campaign_id"] == campaign_id]
        t = mine.loc[mine["arm"] == "treatment"]
        c = mine.loc[mine["arm"] == "control"]
        for name, has_pre in METRICS.items():
            post_t, post_c = _num(t, f"post_{name}"), _num(c, f"post_{name}")
            base = {"campaign_id": campaign_id, "metric": name, "confidence": float(confidence)}
            ests: list[tuple[str, dict]] = []
            if has_pre:
                pre_t, pre_c = _num(t, f"pre_{name}"), _num(c, f"pre_{name}")
                w = cs.welch_ttest(post_t, post_c, confidence)
                ests.append(("post_mean_difference", dict(
                    estimate=w["estimate"], ci_low=w["ci_low"], ci_high=w["ci_high"],
                    p_value=w["p_value"], n_treatment=w["n_a"], n_control=w["n_b"],
                    treatment_value=w["mean_a"], control_value=w["mean_b"], ci_method="welch",
                    reason=w["reason"])))
                d = cs.diff_in_diff(pre_t, post_t, pre_c, post_c, confidence)
                ests.append(("diff_in_diff", dict(
                    estimate=d["estimate"], ci_low=d["ci_low"], ci_high=d["ci_high"],
                    p_value=d["p_value"], n_treatment=d["n_t"], n_control=d["n_c"],
                    treatment_value=d["mean_change_t"], control_value=d["mean_change_c"],
                    ci_method="welch", reason=d["reason"])))
                u = cs.cuped_effect(pre_t, post_t, pre_c, post_c, confidence)
                ests.append(("cuped", dict(
                    estimate=u["estimate"], ci_low=u["ci_low"], ci_high=u["ci_high"],
                    p_value=u["p_value"], n_treatment=u["n_t"], n_control=u["n_c"],
                    variance_reduction=u["variance_reduction"], ci_method="welch",
                    reason=u["reason"])))
                cols = [col for col in COVARIATES if col in mine]
                r = cs.regression_adjusted_effect(post_t, _covs(t, cols), post_c, _covs(c, cols), confidence)
                ests.append(("regression_adjusted", dict(
                    estimate=r["estimate"], ci_low=r["ci_low"], ci_high=r["ci_high"],
                    p_value=r["p_value"], n_treatment=r["n_t"], n_control=r["n_c"],
                    variance_reduction=r["variance_reduction"], ci_method="welch",
                    reason=_join_reasons(f"{r['n_covariates']} pre-campaign covariates", r["reason"]))))
            for label, q, values_t, values_c in (
                ("median_shift", 0.5, post_t, post_c),
                ("q3_shift", 0.75, post_t, post_c),
                ("nonzero_median_shift", 0.5, _nonzero(post_t), _nonzero(post_c)),
            ):
                if name in BINARY_METRICS or (not has_pre and label == "nonzero_median_shift"):
                    continue
                if max(_count(values_t), _count(values_c)) > bootstrap_max_n:
                    s = cs.quantile_shift_ci_order_stat(values_t, values_c, q, confidence=confidence)
                    ci_method = "order_statistic"
                else:
                    s = cs.quantile_shift_ci(values_t, values_c, q, n_boot=n_boot,
                                             confidence=confidence, random_state=random_state)
                    ci_method = "percentile_bootstrap"
                note = ("among customers who ordered: descriptive"
                        if not has_pre or label == "nonzero_median_shift" else None)
                ests.append((label, dict(
                    estimate=s["estimate"], ci_low=s["ci_low"], ci_high=s["ci_high"],
                    n_treatment=s["n_t"], n_control=s["n_c"],
                    treatment_value=s["treatment_quantile"], control_value=s["control_quantile"],
                    ci_method=ci_method, reason=_join_reasons(note, s["reason"]))))
            for estimator, values in ests:
                rows.append({**base, "estimator": estimator, **values})
    out = pd.DataFrame(rows, columns=list(EFFECT_COLUMNS))
    return _typed(out, floats=["estimate", "ci_low", "ci_high", "p_value", "treatment_value",
                               "control_value", "variance_reduction", "confidence"],
                  ints=["n_treatment", "n_control"])


def _num(frame: pd.DataFrame, col: str) -> np.ndarray:
    return pd.to_numeric(frame[col], errors="coerce").to_numpy(float)


def _count(values: np.ndarray) -> int:
    return int(np.count_nonzero(~np.isnan(values)))


def _nonzero(values: np.ndarray) -> np.ndarray:
    values = values[~np.isnan(values)]
    return values[values != 0]


# --------------------------------------------------------------------------------------
# per-segment breakdown
# --------------------------------------------------------------------------------------

SEGMENT_COLUMNS = (
    "campaign_id", "dimension", "segment", "n_treatment", "n_control", "responders_treatment",
    "responders_control", "response_rate_treatment", "response_rate_control", "uplift",
    "uplift_ci_low", "uplift_ci_high", "p_value", "p_value_bh", "p_value_holm", "n_tests",
    "is_significant_bh", "confidence", "reason",
)


@single_threaded
def segment_effects(outcomes: pd.DataFrame, segments: pd.DataFrame,
                    dimensions: Sequence[str] = ("rfm_segment", "lifecycle_stage"),
                    *, confidence: float, min_n: int) -> pd.DataFrame:
    """Uplift per campaign x segment, with multiple-testing corrections.

    ``segments`` gives each contact's segment at the campaign start (columns
    ``campaign_id``, ``customer_id`` and one per dimension; computed strictly before the
    start, so the treatment cannot move a customer between segments). Per segment: response
    rates, uplift with Newcombe's interval, Fisher's exact p-value; within each campaign x
    dimension (one family of tests) the p-values are adjusted by Benjamini-Hochberg (false
    discovery rate) and Holm (family-wise error). Segments where an arm has fewer than
    ``min_n`` customers are reported without a test (reason says so) and are not counted in
    the family. Contacts with an open window are left out.
    """
    done = outcomes.loc[outcomes["is_window_complete"].astype(bool)]
    data = done.merge(segments, on=["campaign_id", "customer_id"], how="left")
    rows = []
    for campaign_id in sorted(data["campaign_id"].unique()):
        mine = data.loc[data["campaign_id"] == campaign_id]
        for dim in dimensions:
            family = []
            keys = mine[dim].astype("string").fillna("(unknown)")
            for segment in sorted(keys.unique()):
                part = mine.loc[keys == segment]
                t = part.loc[part["arm"] == "treatment"]
                c = part.loc[part["arm"] == "control"]
                k_t, k_c = int(t[OUTCOME].sum()), int(c[OUTCOME].sum())
                row = {"campaign_id": campaign_id, "dimension": dim, "segment": segment,
                       "n_treatment": len(t), "n_control": len(c), "responders_treatment": k_t,
                       "responders_control": k_c,
                       "response_rate_treatment": k_t / len(t) if len(t) else NAN,
                       "response_rate_control": k_c / len(c) if len(c) else NAN,
                       "confidence": float(confidence)}
                if len(t) < min_n or len(c) < min_n:
                    row["reason"] = f"an arm has fewer than {min_n} customers: no test"
                else:
                    d, lo, hi, _ = _newcombe_difference(k_t, len(t), k_c, len(c), confidence)
                    row.update(uplift=d, uplift_ci_low=lo, uplift_ci_high=hi,
                               p_value=_fisher_p(k_t, len(t), k_c, len(c)))
                family.append(row)
            p = pd.Series([r.get("p_value", NAN) for r in family], dtype=float)
            bh, holm = cs.benjamini_hochberg(p), cs.holm(p)
            n_tests = int(p.notna().sum())
            for row, p_bh, p_holm in zip(family, bh, holm):
                row.update(p_value_bh=p_bh, p_value_holm=p_holm, n_tests=n_tests,
                           is_significant_bh=(bool(p_bh < 1 - confidence)
                                              if math.isfinite(p_bh) else None))
                rows.append(row)
    out = pd.DataFrame(rows, columns=list(SEGMENT_COLUMNS))
    out["is_significant_bh"] = out["is_significant_bh"].astype("boolean")
    return _typed(out, floats=["response_rate_treatment", "response_rate_control", "uplift",
                               "uplift_ci_low", "uplift_ci_high", "p_value", "p_value_bh",
                               "p_value_holm", "confidence"],
                  ints=["n_treatment", "n_control", "responders_treatment", "responders_control",
                        "n_tests"])
