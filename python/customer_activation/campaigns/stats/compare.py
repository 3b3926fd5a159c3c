"""Every arm comparison of one metric at once: the effects table of a campaign metric."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from customer_activation.campaigns.stats.quartiles import QUARTILE_KEYS, quartile_summary

__all__ = [
    "compare_arms",
    "COMPARE_ARMS_COLUMNS",
]


# --------------------------------------------------------------------------------------
# tidy comparison for dbt
# --------------------------------------------------------------------------------------

COMPARE_ARMS_COLUMNS = (
    "campaign_id", "arm", "metric", "period", *QUARTILE_KEYS, "reason",
)


def compare_arms(
    df: pd.DataFrame,
    metric_cols: Sequence[str] | None = None,
    arm_col: str = "arm",
    period_col: str = "period",
    campaign_col: str | None = "campaign_id",
    metric_col: str = "metric",
    value_col: str = "value",
    method: str = "linear",
) -> pd.DataFrame:
    """Quartile summary per campaign x arm x metric x period, as a tidy DataFrame.

    Input is one row per customer (x period). Two layouts:

    * wide: ``metric_cols`` names the metric columns (e.g. ``["revenue", "orders"]``);
    * long: ``metric_cols=None`` and the frame has ``metric_col`` / ``value_col`` columns.

    Output columns are ``COMPARE_ARMS_COLUMNS``: ``campaign_id``, ``arm``, ``metric``,
    ``period``, then ``quartile_summary``'s keys (``n``, ``n_missing``, ``mean``, ``q1``,
    ``median``, ``q3``, ``n_nonzero``, ``nz_q1``, ``nz_median``, ``nz_q3``) and ``reason``,
    whatever the input columns are called, so the SQL downstream has a fixed schema.
    ``campaign_id`` is passed through from ``campaign_col`` and is null when the frame has
    no such column. Rows are sorted by campaign, arm, metric, period (plain value order, so
    "post" sorts before "pre"); missing group keys form their own group rather than being
    dropped.
    """
    missing = [c for c in (arm_col, period_col) if c not in df.columns]
    if metric_cols is None:
        missing += [c for c in (metric_col, value_col) if c not in df.columns]
    else:
        metric_cols = list(metric_cols)
        missing += [c for c in metric_cols if c not in df.columns]
    if missing:
        raise ValueError(f"columns not in df: {missing}")

    has_campaign = campaign_col is not None and campaign_col in df.columns
    cols = {arm_col: "arm", period_col: "period"}
    if has_campaign:
        cols[campaign_col] = "campaign_id"
    if metric_cols is None:
        long = df[[*cols, metric_col, value_col]].rename(
            columns={**cols, metric_col: "metric", value_col: "value"}
        )
    else:
        long = df[[*cols, *metric_cols]].rename(columns=cols).melt(
            id_vars=list(cols.values()), value_vars=metric_cols,
            var_name="metric", value_name="value",
        )
    if not has_campaign:
        long["campaign_id"] = None

    keys = ["campaign_id", "arm", "metric", "period"]
    rows = []
    if len(long):
        grouped = long.groupby(keys, sort=True, dropna=False)["value"]
        for key, values in grouped:
            rows.append({**dict(zip(keys, key)), **quartile_summary(values, method=method)})

    out = pd.DataFrame(rows, columns=list(COMPARE_ARMS_COLUMNS))
    for col in ("n", "n_missing", "n_nonzero"):
        out[col] = out[col].astype("int64")
    for col in ("mean", "q1", "median", "q3", "nz_q1", "nz_median", "nz_q3"):
        out[col] = out[col].astype("float64")
    return out.reset_index(drop=True)
