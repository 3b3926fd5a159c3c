"""Inline SVG charts of the campaign report: box plots and interval plots with nice ticks."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from customer_activation.campaigns.report.html import ARM_COLOURS, _isnum, esc, num, pct
from customer_activation.campaigns.steps.frames import box_stats

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
