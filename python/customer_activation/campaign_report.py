"""The campaign report: one self-contained HTML file a marketer opens in a browser.

    python -m customer_activation.campaign_report --db customer_activation.duckdb --out reports/

writes ``reports/campaign_report.html`` (every campaign: the summary table, then per campaign
the pilot gate, the effect table, box plots of the before/after metrics by arm, quartiles,
the per-segment breakdown and the SRM checks; then the response model's out-of-time checks
and the planned campaigns) and, with ``--per-campaign``, one ``campaign_<id>.html`` each.

Self-contained: inline CSS and inline SVG (drawn here; no plotting library, no JavaScript,
no network). Everything comes from the ``campaigns`` schema the dbt build writes; the
report computes nothing but box-plot positions and a ranking AUC.
"""

from __future__ import annotations

import argparse
import html
import math
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from customer_activation.campaign_models import box_stats

SCHEMA = "campaigns"

GATE_COLOURS = {
    "pass": "#1a7f37", "fail": "#cf222e", "insufficient_sample": "#9a6700",
    "no_pilot": "#6e7781", "no_contacts": "#6e7781", "pilot_window_open": "#9a6700",
    "no_prediction": "#9a6700", "planned": "#0969da",
}
ARM_COLOURS = {"treatment": "#0969da", "control": "#8c959f"}

CSS = """
body{font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;margin:24px auto;max-width:1180px;
     color:#1f2328;padding:0 16px;line-height:1.45}
h1{font-size:26px;margin-bottom:4px} h2{font-size:21px;margin-top:40px;border-bottom:1px solid #d0d7de;
   padding-bottom:6px} h3{font-size:16px;margin:22px 0 8px}
.muted{color:#656d76} .small{font-size:12px}
table{border-collapse:collapse;font-size:13px;margin:6px 0 12px}
th,td{border:1px solid #d0d7de;padding:4px 8px;text-align:right;vertical-align:top;white-space:nowrap}
td.l{white-space:normal}
th{background:#f6f8fa} td.l,th.l{text-align:left}
.badge{display:inline-block;border-radius:12px;padding:1px 10px;color:#fff;font-size:12px;font-weight:600}
.card{border:1px solid #d0d7de;border-radius:8px;padding:12px 16px;margin:10px 0;background:#fff}
.grid{display:flex;flex-wrap:wrap;gap:16px} .warn{color:#cf222e;font-weight:600}
svg text{font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif}
nav a{margin-right:12px}
"""


# --------------------------------------------------------------------------------------
# reading
# --------------------------------------------------------------------------------------


def load(con: duckdb.DuckDBPyConnection) -> dict[str, pd.DataFrame]:
    """Every table the report needs, from the campaigns schema."""
    tables = ["campaign_summary", "campaign_pilot_gate", "campaign_results", "campaign_effects",
              "campaign_metric_quartiles", "campaign_customer_metrics", "campaign_segment_effects",
              "campaign_srm_checks", "campaign_response_predictions", "campaign_contact_outcomes",
              "campaign_assignments"]
    present = {r[0] for r in con.execute(
        "select table_name from information_schema.tables where table_schema = ?", [SCHEMA]).fetchall()}
    missing = [t for t in tables if t not in present]
    if missing:
        raise SystemExit(f"the database has no {SCHEMA}.{missing[0]} (and {len(missing) - 1} more): "
                         "run the dbt build first")
    return {t: con.execute(f"select * from {SCHEMA}.{t}").df() for t in tables}


# --------------------------------------------------------------------------------------
# formatting
# --------------------------------------------------------------------------------------


def _isnum(x: Any) -> bool:
    try:
        return x is not None and not pd.isna(x) and math.isfinite(float(x))
    except (TypeError, ValueError):
        return False


def pct(x: Any, digits: int = 1) -> str:
    return f"{100 * float(x):.{digits}f}%" if _isnum(x) else "–"


def num(x: Any, digits: int = 2) -> str:
    if not _isnum(x):
        return "–"
    x = float(x)
    return f"{x:,.0f}" if abs(x) >= 1000 else f"{x:,.{digits}f}"


def ci(lo: Any, hi: Any, fmt=num) -> str:
    return f"[{fmt(lo)}, {fmt(hi)}]" if _isnum(lo) and _isnum(hi) else "–"


def _date(x: Any) -> str:
    return "" if x is None or pd.isna(x) else str(pd.Timestamp(x).date())


def esc(x: Any) -> str:
    return "" if x is None or (isinstance(x, float) and math.isnan(x)) or x is pd.NA else html.escape(str(x))


def badge(status: Any) -> str:
    status = esc(status) or "none"
    colour = GATE_COLOURS.get(status, "#6e7781")
    return f'<span class="badge" style="background:{colour}">{status}</span>'


def table(frame: pd.DataFrame, formats: dict[str, Any] | None = None, left: Sequence[str] = ()) -> str:
    formats = formats or {}
    head = "".join(f'<th class="{"l" if c in left else ""}">{esc(c)}</th>' for c in frame.columns)
    rows = []
    for _, row in frame.iterrows():
        cells = []
        for c in frame.columns:
            value = row[c]
            text = formats[c](value) if c in formats else (num(value) if _isnum(value) and not isinstance(value, (bool, np.bool_)) else esc(value))
            cells.append(f'<td class="{"l" if c in left else ""}">{text}</td>')
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


# --------------------------------------------------------------------------------------
# SVG
# --------------------------------------------------------------------------------------


def _nice_step(span: float, n: int = 4) -> float:
    raw = span / n if span > 0 else 1.0
    exp = 10 ** math.floor(math.log10(raw))
    for step in (1, 2, 2.5, 5, 10):
        if raw <= step * exp:
            return step * exp
    return 10 * exp


def _ticks(lo: float, hi: float, n: int = 4) -> tuple[float, float, list[float]]:
    """Round axis limits covering [lo, hi] and the ticks between them."""
    step = _nice_step(hi - lo, n)
    start = math.floor(lo / step + 1e-9) * step
    stop = math.ceil(hi / step - 1e-9) * step
    if stop <= start:
        stop = start + step
    count = int(round((stop - start) / step))
    return start, stop, [start + i * step for i in range(count + 1)]


def _decimals(step: float) -> int:
    text = f"{round(step, 10):.10f}".rstrip("0")
    return len(text.split(".")[1]) if "." in text else 0


def _tick_label(v: float, step: float, fmt=None) -> str:
    if fmt is pct:
        return pct(v, _decimals(step * 100))
    return f"{v:,.{_decimals(step)}f}"


def pval(x: Any) -> str:
    if not _isnum(x):
        return "–"
    return "<0.001" if float(x) < 0.001 else f"{float(x):.3f}"


def box_plot_svg(groups: list[tuple[str, str, Sequence[float]]], title: str, unit: str = "",
                 width: int = 430, height: int = 250) -> str:
    """Tukey box plots, one per (label, arm, values): box = quartiles, line = median, whiskers
    to the furthest value within 1.5 IQR, dots = values beyond (at most 40 drawn), diamond = mean."""
    stats_ = [(label, arm, box_stats(values)) for label, arm, values in groups]
    top = max([s["high"] for _, _, s in stats_ if s["n"]] + [max(s["outliers"]) for _, _, s in stats_ if s["outliers"]] + [0.0])
    _, ymax, yticks = _ticks(0.0, top if top > 0 else 1.0)
    left, right, top_pad, bottom = 52, 10, 26, 48
    plot_h = height - top_pad - bottom
    slot = (width - left - right) / max(len(stats_), 1)

    def y(v: float) -> float:
        return top_pad + plot_h * (1 - min(max(v, 0.0), ymax) / ymax)

    parts = [f'<svg class="boxplot" xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" role="img" aria-label="{esc(title)}">',
             f'<text x="{left}" y="15" font-size="13" font-weight="600">{esc(title)}</text>']
    for v in yticks:
        yy = y(v)
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{yy:.1f}" y2="{yy:.1f}" stroke="#eaeef2"/>')
        parts.append(f'<text x="{left - 6}" y="{yy + 4:.1f}" font-size="10" text-anchor="end" fill="#656d76">'
                     f'{_tick_label(v, yticks[1] - yticks[0])}{esc(unit)}</text>')
    for i, (label, arm, s) in enumerate(stats_):
        cx = left + slot * (i + 0.5)
        w = min(46, slot * 0.55)
        colour = ARM_COLOURS.get(arm, "#6e7781")
        if s["n"]:
            parts.append(f'<line x1="{cx:.1f}" x2="{cx:.1f}" y1="{y(s["high"]):.1f}" y2="{y(s["low"]):.1f}" stroke="{colour}"/>')
            for v in (s["low"], s["high"]):
                parts.append(f'<line x1="{cx - w / 4:.1f}" x2="{cx + w / 4:.1f}" y1="{y(v):.1f}" y2="{y(v):.1f}" stroke="{colour}"/>')
            h = max(y(s["q1"]) - y(s["q3"]), 1.5)
            parts.append(f'<rect x="{cx - w / 2:.1f}" y="{y(s["q3"]):.1f}" width="{w:.1f}" height="{h:.1f}" '
                         f'fill="{colour}" fill-opacity="0.25" stroke="{colour}"/>')
            parts.append(f'<line x1="{cx - w / 2:.1f}" x2="{cx + w / 2:.1f}" y1="{y(s["median"]):.1f}" '
                         f'y2="{y(s["median"]):.1f}" stroke="{colour}" stroke-width="2.5"/>')
            my = y(s["mean"])
            parts.append(f'<path d="M{cx:.1f},{my - 4:.1f} L{cx + 4:.1f},{my:.1f} L{cx:.1f},{my + 4:.1f} '
                         f'L{cx - 4:.1f},{my:.1f} Z" fill="#fff" stroke="#1f2328"><title>mean {num(s["mean"])}</title></path>')
            outliers = s["outliers"]
            if len(outliers) > 40:
                outliers = list(np.quantile(outliers, np.linspace(0, 1, 40)))
            for v in outliers:
                parts.append(f'<circle cx="{cx:.1f}" cy="{y(v):.1f}" r="1.8" fill="{colour}" fill-opacity="0.5"/>')
        parts.append(f'<text x="{cx:.1f}" y="{height - bottom + 15}" font-size="11" text-anchor="middle">{esc(label)}</text>')
        parts.append(f'<text x="{cx:.1f}" y="{height - bottom + 28}" font-size="10" text-anchor="middle" '
                     f'fill="{colour}">{esc(arm)}</text>')
        parts.append(f'<text x="{cx:.1f}" y="{height - bottom + 40}" font-size="10" text-anchor="middle" '
                     f'fill="#656d76">n={s["n"]}</text>')
    parts.append("</svg>")
    return "".join(parts)


def interval_svg(rows: list[dict], title: str, width: int = 430, height: int | None = None,
                 fmt=pct, zero_line: bool = False, xmin: float | None = None,
                 xmax: float | None = None) -> str:
    """Horizontal intervals: each row {label, estimate, low, high, colour, marker (optional
    value drawn as a red diamond, e.g. the prediction or the true value), marker_label}."""
    height = height or 34 + 26 * len(rows)
    values = [v for r in rows for v in (r.get("low"), r.get("high"), r.get("estimate"), r.get("marker")) if _isnum(v)]
    lo = min(values + [0.0]) if xmin is None else xmin
    hi = max(values + [0.0]) if xmax is None else xmax
    lo, hi, xticks = _ticks(lo, hi)
    left, right = 130, 20

    def x(v: float) -> float:
        return left + (width - left - right) * (v - lo) / (hi - lo)

    parts = [f'<svg class="intervals" xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" role="img" aria-label="{esc(title)}">',
             f'<text x="4" y="15" font-size="13" font-weight="600">{esc(title)}</text>']
    for v in xticks:
        parts.append(f'<line x1="{x(v):.1f}" x2="{x(v):.1f}" y1="22" y2="{height - 14}" stroke="#eaeef2"/>')
        parts.append(f'<text x="{x(v):.1f}" y="{height - 2}" font-size="10" text-anchor="middle" fill="#656d76">'
                     f'{_tick_label(v, xticks[1] - xticks[0], fmt)}</text>')
    if zero_line and lo < 0 < hi:
        parts.append(f'<line x1="{x(0):.1f}" x2="{x(0):.1f}" y1="22" y2="{height - 14}" stroke="#1f2328" stroke-dasharray="3,3"/>')
    for i, r in enumerate(rows):
        yy = 34 + 26 * i
        colour = r.get("colour", "#0969da")
        parts.append(f'<text x="{left - 8}" y="{yy + 4}" font-size="11" text-anchor="end">{esc(r["label"])}</text>')
        if _isnum(r.get("low")) and _isnum(r.get("high")):
            parts.append(f'<line x1="{x(r["low"]):.1f}" x2="{x(r["high"]):.1f}" y1="{yy}" y2="{yy}" stroke="{colour}" stroke-width="3"/>')
        if _isnum(r.get("estimate")):
            parts.append(f'<circle cx="{x(r["estimate"]):.1f}" cy="{yy}" r="4.5" fill="{colour}"><title>{fmt(r["estimate"])}</title></circle>')
        if _isnum(r.get("marker")):
            mx = x(r["marker"])
            parts.append(f'<path d="M{mx:.1f},{yy - 7} L{mx + 5:.1f},{yy} L{mx:.1f},{yy + 7} L{mx - 5:.1f},{yy} Z" '
                         f'fill="#cf222e"><title>{esc(r.get("marker_label", ""))} {fmt(r["marker"])}</title></path>')
    parts.append("</svg>")
    return "".join(parts)


# --------------------------------------------------------------------------------------
# sections
# --------------------------------------------------------------------------------------


def summary_section(data: dict[str, pd.DataFrame]) -> str:
    s = data["campaign_summary"].sort_values(["is_planned_only", "start_date", "campaign_id"])
    view = pd.DataFrame({
        "campaign": [f'<a href="#{esc(c)}">{esc(c)}</a>' for c in s["campaign_id"]],
        "name": s["campaign_name"],
        "start": [_date(d) for d in s["start_date"]],
        "status": s["campaign_status"],
        "pilot gate": [badge(g) + (' <span class="small muted">override</span>' if isinstance(o, str) else "")
                       for g, o in zip(s["gate_status"], s["gate_override_reason"])],
        "contacts": s["n_contacts"],
        "uplift": [f"{pct(u)} {ci(lo, hi, pct)}" for u, lo, hi in zip(s["uplift"], s["uplift_ci_low"], s["uplift_ci_high"])],
        "incr. revenue / contact": [f"{num(u)} {ci(lo, hi)}" for u, lo, hi in zip(
            s["incremental_revenue_per_contact"], s["incremental_revenue_per_contact_ci_low"],
            s["incremental_revenue_per_contact_ci_high"])],
        "cost": s["cost"],
        "ROI": [f"{num(u)} {ci(lo, hi)}" for u, lo, hi in zip(s["roi"], s["roi_ci_low"], s["roi_ci_high"])],
        "SRM": ["–" if pd.isna(m) else ("<span class='warn'>mismatch</span>" if bool(m) else "ok")
                for m in s["srm_mismatch"]],
    })
    formats = {c: (lambda v: v) for c in ("campaign", "pilot gate", "uplift", "incr. revenue / contact", "ROI", "SRM")}
    formats["contacts"] = lambda v: num(v, 0)
    return ('<h2 id="summary">All campaigns</h2>'
            '<p class="muted">Uplift = response rate treatment − control (95% interval). Incremental revenue per '
            'treated contact and ROI = (incremental revenue − cost) / cost, with bootstrap intervals. '
            'The pilot gate compares the pilot\'s observed response with the model\'s prediction.</p>'
            + table(view, formats, left=("campaign", "name", "status", "pilot gate")))


def gate_card(gate: pd.Series, summary: pd.Series) -> str:
    status = gate["gate_status"]
    lines = [f'<h3>Pilot gate {badge(status)}</h3>']
    if _isnum(gate.get("observed_rate")):
        lines.append(
            f"<p>{num(gate['responders_treatment'], 0)} of {num(gate['n_treatment'], 0)} treated pilot customers "
            f"responded: <b>{pct(gate['observed_rate'])}</b> (95% interval {ci(gate['ci_low'], gate['ci_high'], pct)}). "
            f"The model predicted <b>{pct(gate['predicted_mean'])}</b> for the same customers "
            f"({num(gate['n_predicted_given'], 0)} predictions given with the contacts, "
            f"{num(gate['n_predicted_model'], 0)} from the response model).</p>")
        lines.append(interval_svg([
            {"label": "pilot treatment", "estimate": gate["observed_rate"], "low": gate["accept_low"],
             "high": gate["accept_high"], "marker": gate["predicted_mean"], "marker_label": "predicted"},
            {"label": "pilot control", "estimate": gate["control_rate"], "colour": ARM_COLOURS["control"]},
        ], "Observed response (dot, interval) vs predicted (red diamond)", xmin=0.0))
        lines.append(f"<p class='small'>Pilot incremental effect over its control: {pct(gate['effect'])} "
                     f"{ci(gate['effect_ci_low'], gate['effect_ci_high'], pct)} "
                     f"({num(gate['n_control'], 0)} control customers).</p>")
    if isinstance(gate.get("gate_reason"), str):
        lines.append(f"<p class='small muted'>Reason: {esc(gate['gate_reason'])}</p>")
    if _isnum(gate.get("recommended_n_total")):
        lines.append(f"<p class='small'>Recommended pilot size to detect an uplift of {pct(gate['mde'])} with "
                     f"{pct(gate['power'], 0)} power over a {pct(gate['baseline_rate'])} baseline "
                     f"({esc(gate['baseline_source'])}): <b>{num(gate['recommended_n_total'], 0)}</b> customers "
                     f"({num(gate['recommended_n_treatment'], 0)} treatment, {num(gate['recommended_n_control'], 0)} control); "
                     f"this pilot had {num(gate['n_pilot_contacts'], 0)}.</p>")
    if status != "pass" and summary["n_rollout_contacts"] > 0:
        override = summary.get("gate_override_reason")
        if isinstance(override, str):
            lines.append(f"<p class='warn'>Rolled out ({num(summary['n_rollout_contacts'], 0)} contacts) although the "
                         f"gate did not pass. Recorded override ({esc(summary['gate_override_approved_by'])}): "
                         f"{esc(override)}</p>")
        else:
            lines.append(f"<p class='warn'>Rolled out ({num(summary['n_rollout_contacts'], 0)} contacts) although the "
                         "gate did not pass, with no recorded override.</p>")
    return '<div class="card">' + "".join(lines) + "</div>"


def results_card(res: pd.Series) -> str:
    if res is None:
        return ""
    rows = pd.DataFrame([
        ["customers (closed windows)", f"{num(res['n_treatment'], 0)}", f"{num(res['n_control'], 0)}", ""],
        ["responders", num(res["responders_treatment"], 0), num(res["responders_control"], 0), ""],
        ["response rate", pct(res["response_rate_treatment"]), pct(res["response_rate_control"]),
         f"uplift {pct(res['uplift'])} {ci(res['uplift_ci_low'], res['uplift_ci_high'], pct)}, Fisher p = {pval(res['uplift_p_value'])}"],
        ["incremental responders", "", "", f"{num(res['incremental_responders'], 1)} "
         f"{ci(res['incremental_responders_ci_low'], res['incremental_responders_ci_high'], lambda v: num(v, 1))}"],
        ["revenue per contact", num(res["revenue_per_contact_treatment"]), num(res["revenue_per_contact_control"]),
         f"incremental {num(res['incremental_revenue_per_contact'])} "
         f"{ci(res['incremental_revenue_per_contact_ci_low'], res['incremental_revenue_per_contact_ci_high'])}"],
        ["incremental revenue", "", "", f"{num(res['incremental_revenue'])} "
         f"{ci(res['incremental_revenue_ci_low'], res['incremental_revenue_ci_high'])}"],
        ["cost", "", "", num(res["cost"])],
        ["ROI", "", "", f"{num(res['roi'])} {ci(res['roi_ci_low'], res['roi_ci_high'])}"],
    ], columns=["", "treatment", "control", "effect (95% interval)"])
    note = (f"<p class='small muted'>{badge(res['result_status'])} {esc(res['result_reason'])}</p>"
            if res["result_status"] != "ok" or isinstance(res["result_reason"], str) else "")
    return ('<div class="card"><h3>Effect: response, revenue, ROI</h3>'
            + table(rows, {c: (lambda v: v) for c in rows.columns}, left=("", "effect (95% interval)")) + note
            + interval_svg([{"label": "uplift", "estimate": res["uplift"], "low": res["uplift_ci_low"],
                             "high": res["uplift_ci_high"]}], "Uplift (treatment − control)", zero_line=True,
                           height=62) + "</div>")


ESTIMATOR_LABELS = {
    "post_mean_difference": "difference of post means (Welch)",
    "diff_in_diff": "difference-in-differences",
    "cuped": "CUPED (pre metric as covariate)",
    "median_shift": "median shift (bootstrap)",
    "q3_shift": "Q3 shift (bootstrap)",
    "nonzero_median_shift": "median among buyers (descriptive)",
}


def effects_card(eff: pd.DataFrame) -> str:
    if eff.empty:
        return ""
    view = pd.DataFrame({
        "metric": eff["metric"], "estimator": eff["estimator"].map(ESTIMATOR_LABELS).fillna(eff["estimator"]),
        "estimate": eff["estimate"], "95% interval": [ci(a, b) for a, b in zip(eff["ci_low"], eff["ci_high"])],
        "p": eff["p_value"], "n treatment": eff["n_treatment"], "n control": eff["n_control"],
        "variance reduction": eff["variance_reduction"],
        "interval": eff["ci_method"].str.replace("_", " ") if "ci_method" in eff else "",
        "note": eff["reason"],
    })
    return ('<div class="card"><h3>Before / after effects by metric</h3>'
            + table(view, {"95% interval": lambda v: v, "p": pval,
                           "variance reduction": lambda v: pct(v, 0),
                           "n treatment": lambda v: num(v, 0), "n control": lambda v: num(v, 0)},
                    left=("metric", "estimator", "interval", "note")) + "</div>")


def box_plots(metrics: pd.DataFrame) -> str:
    done = metrics.loc[metrics["is_window_complete"].astype(bool)]
    plots = []
    for metric, unit in (("revenue", ""), ("orders", "")):
        groups, groups_nz = [], []
        for period in ("pre", "post"):
            for arm in ("treatment", "control"):
                values = done.loc[done["arm"] == arm, f"{period}_{metric}"].astype(float).to_numpy()
                groups.append((period, arm, values))
                groups_nz.append((period, arm, values[values != 0]))
        plots.append(box_plot_svg(groups, f"{metric}: every contacted customer", unit))
        plots.append(box_plot_svg(groups_nz, f"{metric}: customers with a non-zero value", unit))
    return ('<div class="card"><h3>Before / after by arm</h3><p class="small muted">pre = the window before the '
            'campaign start, post = the contact\'s response window; box = quartiles, thick line = median, '
            'diamond = mean, whiskers = 1.5 IQR. Revenue is mostly 0, so the right-hand plots show the '
            'customers who bought.</p><div class="grid">' + "".join(plots) + "</div></div>")


def quartile_card(q: pd.DataFrame) -> str:
    if q.empty:
        return ""
    view = q[["metric", "period", "arm", "n", "mean", "q1", "median", "q3", "n_nonzero", "nz_q1", "nz_median", "nz_q3"]]
    view = view.sort_values(["metric", "period", "arm"], ascending=[True, False, False])
    return ('<div class="card"><h3>Quartiles</h3>'
            + table(view, {"n": lambda v: num(v, 0), "n_nonzero": lambda v: num(v, 0)},
                    left=("metric", "period", "arm")) + "</div>")


def segment_card(seg: pd.DataFrame) -> str:
    if seg.empty:
        return ""
    view = pd.DataFrame({
        "dimension": seg["dimension"], "segment": seg["segment"], "n treatment": seg["n_treatment"],
        "n control": seg["n_control"], "rate treatment": seg["response_rate_treatment"],
        "rate control": seg["response_rate_control"], "uplift": seg["uplift"],
        "95% interval": [ci(a, b, pct) for a, b in zip(seg["uplift_ci_low"], seg["uplift_ci_high"])],
        "p": seg["p_value"], "p (BH)": seg["p_value_bh"], "p (Holm)": seg["p_value_holm"], "note": seg["reason"],
    })
    return ('<div class="card"><h3>By segment at the campaign start</h3><p class="small muted">Fisher exact p-values, '
            'adjusted within each dimension (Benjamini-Hochberg: false discovery rate; Holm: family-wise error).</p>'
            + table(view, {"rate treatment": pct, "rate control": pct, "uplift": pct, "95% interval": lambda v: v,
                           "p": pval, "p (BH)": pval, "p (Holm)": pval,
                           "n treatment": lambda v: num(v, 0), "n control": lambda v: num(v, 0)},
                    left=("dimension", "segment", "note")) + "</div>")


def srm_card(srm: pd.DataFrame) -> str:
    if srm.empty:
        return ""
    view = srm[["check_name", "n_first", "n_second", "planned_share_second", "observed_share_second",
                "chi_square", "p_value", "is_mismatch", "reason"]]
    return ('<div class="card"><h3>Sample ratio checks</h3><p class="small muted">first / second = treatment / control '
            '(arm checks) or rollout / pilot (phase); a mismatch (p &lt; alpha) means the split was not as planned '
            'and the comparison may be biased.</p>'
            + table(view, {"planned_share_second": pct, "observed_share_second": pct, "p_value": pval,
                           "n_first": lambda v: num(v, 0), "n_second": lambda v: num(v, 0)},
                    left=("check_name", "reason")) + "</div>")


def campaign_section(cid: str, data: dict[str, pd.DataFrame]) -> str:
    s = data["campaign_summary"].set_index("campaign_id").loc[cid]
    title = f'<h2 id="{esc(cid)}">{esc(cid)} · {esc(s["campaign_name"])}</h2>'
    meta = (f"<p class='muted'>{esc(s['objective'])} · {esc(s['channel'])} · start {_date(s['start_date'])} · "
            f"response window {num(s['response_window_days'], 0)} days · status {esc(s['campaign_status'])} · "
            f"{num(s['n_contacts'], 0)} contacts ({num(s['n_treatment'], 0)} treatment, {num(s['n_control'], 0)} control; "
            f"{num(s['n_pilot_contacts'], 0)} pilot, {num(s['n_rollout_contacts'], 0)} rollout)</p>")
    if bool(s["is_planned_only"]):
        a = data["campaign_assignments"]
        a = a.loc[a["campaign_id"] == cid]
        counts = a.groupby(["phase", "arm"]).agg(customers=("customer_id", "size"),
                                                  mean_predicted_response=("predicted_response", "mean")).reset_index()
        return (title + f"<p class='muted'>Planned: audience {esc(s['audience_name'])}, {num(len(a), 0)} customers "
                "assigned (campaign_assignments). Send the pilot first; load its contacts and responses and rebuild "
                "to see the gate.</p>" + table(counts, {"mean_predicted_response": pct, "customers": lambda v: num(v, 0)},
                                              left=("phase", "arm")))
    by = {name: frame.loc[frame["campaign_id"] == cid] for name, frame in data.items() if "campaign_id" in frame}
    gate = by["campaign_pilot_gate"]
    res = by["campaign_results"]
    parts = [title, meta]
    if s["campaign_status"] == "no_contacts":
        parts.append("<p class='warn'>This campaign has no contacts in the data: nothing to analyse.</p>")
        return "".join(parts)
    if not gate.empty:
        parts.append(gate_card(gate.iloc[0], s))
    parts.append(results_card(res.iloc[0] if not res.empty else None))
    parts.append(box_plots(by["campaign_customer_metrics"]))
    parts.append(effects_card(by["campaign_effects"]))
    parts.append(quartile_card(by["campaign_metric_quartiles"]))
    parts.append(segment_card(by["campaign_segment_effects"]))
    parts.append(srm_card(by["campaign_srm_checks"]))
    return "".join(parts)


def ranking_auc(y: np.ndarray, score: np.ndarray) -> float:
    """Mann-Whitney AUC; NaN when a class is missing."""
    y = np.asarray(y, dtype=int)
    score = np.asarray(score, dtype=float)
    n1, n0 = int(y.sum()), int((1 - y).sum())
    if n1 == 0 or n0 == 0:
        return float("nan")
    ranks = pd.Series(score).rank().to_numpy()
    return float((ranks[y == 1].sum() - n1 * (n1 + 1) / 2) / (n1 * n0))


def response_model_section(data: dict[str, pd.DataFrame]) -> str:
    pred = data["campaign_response_predictions"].merge(
        data["campaign_contact_outcomes"][["campaign_id", "customer_id", "responded", "predicted_response", "is_window_complete"]],
        on=["campaign_id", "customer_id"])
    pred = pred.loc[(pred["arm"] == "treatment") & pred["is_window_complete"].astype(bool)]
    rows = []
    for cid, g in pred.groupby("campaign_id"):
        has_model = g["model_predicted_response"].notna()
        given = g["predicted_response"].notna()
        rows.append({
            "campaign": cid, "treated contacts": len(g), "observed rate": g["responded"].mean(),
            "model mean": g.loc[has_model, "model_predicted_response"].mean() if has_model.any() else np.nan,
            "model AUC": ranking_auc(g.loc[has_model, "responded"], g.loc[has_model, "model_predicted_response"]) if has_model.any() else np.nan,
            "given mean": g.loc[given, "predicted_response"].mean() if given.any() else np.nan,
            "given AUC": ranking_auc(g.loc[given, "responded"], g.loc[given, "predicted_response"]) if given.any() else np.nan,
            "model status": g["model_status"].iloc[0], "trained on": g["training_campaigns"].iloc[0],
        })
    view = pd.DataFrame(rows)
    if view.empty:
        return ""
    return ('<h2 id="response-model">Response model: out-of-time check</h2><p class="muted">Each campaign is scored by a '
            'logistic regression trained only on campaigns whose response windows had closed before it started '
            '(features computed before each campaign\'s start). "given" is the predicted_response that came with the '
            'contacts. A calibrated model has its mean close to the observed rate; AUC 0.5 = no ranking power.</p>'
            + table(view, {"observed rate": pct, "model mean": pct, "given mean": pct,
                           "model AUC": lambda v: num(v, 3), "given AUC": lambda v: num(v, 3),
                           "treated contacts": lambda v: num(v, 0)}, left=("campaign", "model status", "trained on")))


def render(data: dict[str, pd.DataFrame], campaign_ids: Sequence[str] | None = None) -> str:
    summary = data["campaign_summary"].sort_values(["is_planned_only", "start_date", "campaign_id"])
    ids = list(campaign_ids) if campaign_ids is not None else summary["campaign_id"].tolist()
    as_of = summary["as_of_date"].dropna()
    as_of = str(pd.Timestamp(as_of.iloc[0]).date()) if len(as_of) else "unknown"
    nav = "".join(f'<a href="#{esc(c)}">{esc(c)}</a>' for c in ids)
    body = [f"<h1>Campaign report</h1><p class='muted'>Data as of {esc(as_of)} · {len(ids)} campaign(s) · "
            "every interval is 95% · built from the dbt campaigns schema</p>",
            f"<nav>{nav}</nav>"]
    if campaign_ids is None:
        body.append(summary_section(data))
    body.extend(campaign_section(c, data) for c in ids)
    if campaign_ids is None:
        body.append(response_model_section(data))
    return ("<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
            "<meta name='viewport' content='width=device-width, initial-scale=1'>"
            f"<title>Campaign report {esc(as_of)}</title><style>{CSS}</style></head><body>"
            + "".join(body) + "</body></html>")


def write_reports(db: Path, out: Path, per_campaign: bool = False) -> list[Path]:
    """Write campaign_report.html (and campaign_<id>.html with per_campaign) into out."""
    with duckdb.connect(str(db), read_only=True) as con:
        data = load(con)
    out.mkdir(parents=True, exist_ok=True)
    paths = [out / "campaign_report.html"]
    paths[0].write_text(render(data), encoding="utf-8")
    if per_campaign:
        for cid in data["campaign_summary"]["campaign_id"]:
            path = out / f"campaign_{cid}.html"
            path.write_text(render(data, [cid]), encoding="utf-8")
            paths.append(path)
    return paths


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default="customer_activation.duckdb", type=Path, help="the built DuckDB file")
    parser.add_argument("--out", default=Path("reports"), type=Path, help="folder to write the HTML into")
    parser.add_argument("--per-campaign", action="store_true", help="also one file per campaign")
    args = parser.parse_args(argv)
    if not args.db.exists():
        parser.error(f"{args.db} does not exist: run make build (or the dbt build) first")
    for path in write_reports(args.db, args.out, args.per_campaign):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
