"""HTML pieces of the campaign report: the stylesheet, number formats, badges and tables."""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

GATE_COLOURS = {
    "pass": "#1a7f37", "fail": "#cf222e", "insufficient_sample": "#9a6700",
    "no_pilot": "#6e7781", "no_contacts": "#6e7781", "pilot_window_open": "#9a6700",
    "no_prediction": "#9a6700", "planned": "#0969da",
    "scale_up": "#1a7f37", "stop": "#cf222e", "inconclusive": "#9a6700",
    "asymmetric_measurement": "#cf222e", "missing_arm": "#9a6700", "window_open": "#9a6700",
}
# What a status means, in words: the page never shows a raw code.
STATUS_LABELS = {
    "pass": "pilot did not contradict the prediction",
    "fail": "pilot contradicted the prediction",
    "insufficient_sample": "too few pilot customers to judge",
    "no_pilot": "no pilot",
    "no_contacts": "no contacts",
    "pilot_window_open": "pilot window still open",
    "no_prediction": "no prediction to compare",
    "planned": "planned",
    "scale_up": "scale up",
    "stop": "stop",
    "inconclusive": "inconclusive",
    "ok": "measured",
    "window_open": "window still open",
    "missing_arm": "an arm is missing",
    "asymmetric_measurement": "arms not measured the same way",
    "complete": "complete",
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
details{margin:8px 0} summary{cursor:pointer;font-weight:600;color:#0969da}
.verdict{display:flex;gap:16px;align-items:baseline;border-left:6px solid #6e7781;padding:8px 14px;margin:8px 0;background:#f6f8fa}
.verdict.scale_up{border-color:#1a7f37} .verdict.stop{border-color:#cf222e} .verdict.inconclusive{border-color:#9a6700}
.verdict b.v{font-size:18px;min-width:130px}
"""


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


def label(status: Any) -> str:
    """A status code in words (unknown codes with their underscores turned into spaces)."""
    text = esc(status)
    return STATUS_LABELS.get(text, text.replace("_", " ")) if text else "none"


def badge(status: Any) -> str:
    code = esc(status) or "none"
    colour = GATE_COLOURS.get(code, "#6e7781")
    return f'<span class="badge" style="background:{colour}" data-status="{code}">{label(code)}</span>'


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


def money(x: Any, currency: Any) -> str:
    return f"{esc(currency)} {num(x)}".strip() if _isnum(x) else "–"


def signed_pct(x: Any, digits: int = 0) -> str:
    return f"{100 * float(x):+,.{digits}f} %" if _isnum(x) else "–"


def pval(x: Any) -> str:
    if not _isnum(x):
        return "–"
    return "<0.001" if float(x) < 0.001 else f"{float(x):.3f}"
