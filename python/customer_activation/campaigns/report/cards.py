"""The sections of the campaign report: summary, per-campaign cards and the response-model check."""

from __future__ import annotations

import numpy as np
import pandas as pd

from customer_activation.campaigns.report.charts import box_plot_svg, interval_svg
from customer_activation.campaigns.report.html import (
    ARM_COLOURS,
    _date,
    _isnum,
    badge,
    ci,
    esc,
    label,
    money,
    num,
    pct,
    pval,
    signed_pct,
    table,
)
from customer_activation.campaigns.report.verdicts import measurement_warning
from customer_activation.labels.metrics import ranking_auc

# --------------------------------------------------------------------------------------
# sections
# --------------------------------------------------------------------------------------


def _details(title: str, body: str) -> str:
    """An analyst table: collapsed until opened."""
    return f'<details class="card"><summary>{esc(title)}</summary>{body}</details>'


def summary_section(data: dict[str, pd.DataFrame]) -> str:
    s = data["campaign_summary"].sort_values(["is_planned_only", "start_date", "campaign_id"])
    view = pd.DataFrame({
        "campaign": [f'<a href="#{esc(c)}">{esc(c)}</a>' for c in s["campaign_id"]],
        "name": s["campaign_name"],
        "start": [_date(d) for d in s["start_date"]],
        "status": [label(v) for v in s["campaign_status"]],
        "verdict": [badge(v) if isinstance(v, str) else "–" for v in s["verdict"]],
        "pilot gate": [badge(g) + (' <span class="small muted">override</span>' if isinstance(o, str) else "")
                       for g, o in zip(s["gate_status"], s["gate_override_reason"])],
        "contacts": s["n_contacts"],
        "uplift": [f"{pct(u)} {ci(lo, hi, pct)}" for u, lo, hi in zip(s["uplift"], s["uplift_ci_low"], s["uplift_ci_high"])],
        "incr. revenue / contact": [f"{money(u, cur)} {ci(lo, hi)}" for u, lo, hi, cur in zip(
            s["incremental_revenue_per_contact"], s["incremental_revenue_per_contact_ci_low"],
            s["incremental_revenue_per_contact_ci_high"], s["currency"])],
        "cost": [money(v, cur) for v, cur in zip(s["cost"], s["currency"])],
        "ROI": [f"{signed_pct(u)} {ci(lo, hi, signed_pct)}" for u, lo, hi in zip(s["roi"], s["roi_ci_low"], s["roi_ci_high"])],
        "SRM": ["–" if pd.isna(m) else ("<span class='warn'>mismatch</span>" if bool(m) else "ok")
                for m in s["srm_mismatch"]],
    })
    formats = {c: (lambda v: v) for c in ("campaign", "verdict", "pilot gate", "uplift", "incr. revenue / contact", "cost", "ROI", "SRM")}
    formats["contacts"] = lambda v: num(v, 0)
    return ('<h2 id="summary">All campaigns</h2>'
            '<p class="muted">Uplift = share of customers with the campaign\'s outcome (a completed order for '
            'a purchase objective), treatment − control, measured the same way in both arms (95% interval). '
            'Incremental order revenue per treated contact and ROI = (incremental revenue − cost) / cost, with '
            'bootstrap intervals. The pilot gate checks that the pilot did not contradict the model\'s '
            'prediction of the same outcome.</p>'
            + table(view, formats, left=("campaign", "name", "status", "pilot gate")))


def gate_card(gate: pd.Series, summary: pd.Series) -> str:
    status = gate["gate_status"]
    lines = [f'<h3>Pilot gate {badge(status)}</h3>']
    if _isnum(gate.get("observed_rate")):
        lines.append(
            f"<p>{num(gate['responders_treatment'], 0)} of {num(gate['n_treatment'], 0)} treated pilot customers "
            f"reached the campaign's outcome: <b>{pct(gate['observed_rate'])}</b> (95% interval {ci(gate['ci_low'], gate['ci_high'], pct)}). "
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
                     f"({esc(str(gate['baseline_source']).replace('_', ' '))}): <b>{num(gate['recommended_n_total'], 0)}</b> customers "
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


def results_card(res: pd.Series, currency: str = "") -> str:
    if res is None:
        return ""
    cur = currency
    rows = pd.DataFrame([
        ["customers (closed windows)", f"{num(res['n_treatment'], 0)}", f"{num(res['n_control'], 0)}", ""],
        ["customers with the outcome", num(res["responders_treatment"], 0), num(res["responders_control"], 0), ""],
        ["outcome rate", pct(res["response_rate_treatment"]), pct(res["response_rate_control"]),
         f"uplift {pct(res['uplift'])} {ci(res['uplift_ci_low'], res['uplift_ci_high'], pct)}, Fisher p = {pval(res['uplift_p_value'])}"],
        ["incremental customers", "", "", f"{num(res['incremental_responders'], 1)} "
         f"{ci(res['incremental_responders_ci_low'], res['incremental_responders_ci_high'], lambda v: num(v, 1))}"],
        ["order revenue per contact", money(res["revenue_per_contact_treatment"], cur), money(res["revenue_per_contact_control"], cur),
         f"incremental {money(res['incremental_revenue_per_contact'], cur)} "
         f"{ci(res['incremental_revenue_per_contact_ci_low'], res['incremental_revenue_per_contact_ci_high'])}"],
        ["incremental order revenue", "", "", f"{money(res['incremental_revenue'], cur)} "
         f"{ci(res['incremental_revenue_ci_low'], res['incremental_revenue_ci_high'])}"],
        ["cost", "", "", money(res["cost"], cur)],
        ["ROI", "", "", f"{signed_pct(res['roi'])} {ci(res['roi_ci_low'], res['roi_ci_high'], signed_pct)}"],
        ["response records (secondary)", pct(res.get("response_record_rate_treatment")),
         pct(res.get("response_record_rate_control")), "not compared: see the note"],
    ], columns=["", "treatment", "control", "effect (95% interval)"])
    note = (f"<p class='small muted'>{badge(res['result_status'])} {esc(res['result_reason'])}</p>"
            if res["result_status"] != "ok" or isinstance(res["result_reason"], str) else "")
    return ('<div class="card"><h3>Effect: outcome, order revenue, ROI</h3>' + measurement_warning(res)
            + table(rows, {c: (lambda v: v) for c in rows.columns}, left=("", "effect (95% interval)")) + note
            + interval_svg([{"label": "uplift", "estimate": res["uplift"], "low": res["uplift_ci_low"],
                             "high": res["uplift_ci_high"]}], "Uplift (treatment − control)", zero_line=True,
                           height=62) + "</div>")


ESTIMATOR_LABELS = {
    "post_mean_difference": "difference of post means (Welch)",
    "diff_in_diff": "difference-in-differences",
    "cuped": "CUPED (pre metric as covariate)",
    "regression_adjusted": "regression adjustment (spend, frequency, recency before the start)",
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
    view["metric"] = view["metric"].astype(str).str.replace("_", " ")
    return _details("Before / after effects by metric", table(view, {"95% interval": lambda v: v, "p": pval,
                           "variance reduction": lambda v: pct(v, 0),
                           "n treatment": lambda v: num(v, 0), "n control": lambda v: num(v, 0)},
                    left=("metric", "estimator", "interval", "note")))


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
    return _details("Before / after by arm", ('<p class="small muted">pre = the window before the '
            'campaign start, post = the contact\'s response window; box = quartiles, thick line = median, '
            'diamond = mean, whiskers = 1.5 IQR. Revenue is mostly 0, so the right-hand plots show the '
            'customers who bought.</p><div class="grid">' + "".join(plots) + "</div>"))


def quartile_card(q: pd.DataFrame) -> str:
    if q.empty:
        return ""
    view = q[["metric", "period", "arm", "n", "mean", "q1", "median", "q3", "n_nonzero", "nz_q1", "nz_median", "nz_q3"]]
    view = view.sort_values(["metric", "period", "arm"], ascending=[True, False, False])
    view = view.rename(columns={"q1": "Q1", "q3": "Q3", "n_nonzero": "n non-zero", "nz_q1": "non-zero Q1",
                                "nz_median": "non-zero median", "nz_q3": "non-zero Q3"})
    view["metric"] = view["metric"].astype(str).str.replace("_", " ")
    return _details("Quartiles", table(view, {"n": lambda v: num(v, 0), "n non-zero": lambda v: num(v, 0)},
                                       left=("metric", "period", "arm")))


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
    view["dimension"] = view["dimension"].astype(str).str.replace("_", " ")
    return _details("By segment at the campaign start", ('<p class="small muted">Fisher exact p-values, '
            'adjusted within each dimension (Benjamini-Hochberg: false discovery rate; Holm: family-wise error).</p>'
            + table(view, {"rate treatment": pct, "rate control": pct, "uplift": pct, "95% interval": lambda v: v,
                           "p": pval, "p (BH)": pval, "p (Holm)": pval,
                           "n treatment": lambda v: num(v, 0), "n control": lambda v: num(v, 0)},
                    left=("dimension", "segment", "note"))))


def srm_card(srm: pd.DataFrame) -> str:
    if srm.empty:
        return ""
    view = srm[["check_name", "n_first", "n_second", "planned_share_second", "observed_share_second",
                "chi_square", "p_value", "is_mismatch", "reason"]].rename(columns={
        "check_name": "check", "n_first": "n first", "n_second": "n second",
        "planned_share_second": "planned share second", "observed_share_second": "observed share second",
        "chi_square": "chi-square", "p_value": "p", "is_mismatch": "mismatch", "reason": "note"})
    view["check"] = view["check"].astype(str).str.replace("_", " ")
    return _details("Sample ratio checks", '<p class="small muted">first / second = treatment / control '
            '(arm checks) or rollout / pilot (phase); a mismatch (p &lt; alpha) means the split was not as planned '
            'and the comparison may be biased.</p>'
            + table(view, {"planned share second": pct, "observed share second": pct, "p": pval,
                           "n first": lambda v: num(v, 0), "n second": lambda v: num(v, 0)},
                    left=("check", "note")))


def campaign_section(cid: str, data: dict[str, pd.DataFrame]) -> str:
    s = data["campaign_summary"].set_index("campaign_id").loc[cid]
    title = f'<h2 id="{esc(cid)}">{esc(cid)} · {esc(s["campaign_name"])}</h2>'
    meta = (f"<p class='muted'>{esc(s['objective'])} · {esc(s['channel'])} · start {_date(s['start_date'])} · "
            f"response window {num(s['response_window_days'], 0)} days · status {label(s['campaign_status'])} · "
            f"{num(s['n_contacts'], 0)} contacts ({num(s['n_treatment'], 0)} treatment, {num(s['n_control'], 0)} control; "
            f"{num(s['n_pilot_contacts'], 0)} pilot, {num(s['n_rollout_contacts'], 0)} rollout)</p>")
    if bool(s["is_planned_only"]):
        a = data["campaign_assignments"]
        a = a.loc[a["campaign_id"] == cid]
        counts = a.groupby(["phase", "arm"]).agg(customers=("customer_id", "size"),
                                                  mean_predicted_response=("predicted_response", "mean")).reset_index()
        counts = counts.rename(columns={"mean_predicted_response": "mean predicted outcome"})
        return (title + f"<p class='muted'>Planned: audience {esc(s['audience_name'])}, {num(len(a), 0)} customers "
                "assigned (campaign_assignments). Send the pilot first; load its contacts and responses and rebuild "
                "to see the gate.</p>" + table(counts, {"mean predicted outcome": pct, "customers": lambda v: num(v, 0)},
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
    if isinstance(s.get("verdict"), str):
        parts.append(f"<p>Verdict: {badge(s['verdict'])} <span class='small muted'>{esc(s.get('verdict_reason'))}</span></p>")
    parts.append(results_card(res.iloc[0] if not res.empty else None, s.get("currency") or ""))
    parts.append(box_plots(by["campaign_customer_metrics"]))
    parts.append(effects_card(by["campaign_effects"]))
    parts.append(quartile_card(by["campaign_metric_quartiles"]))
    parts.append(segment_card(by["campaign_segment_effects"]))
    parts.append(srm_card(by["campaign_srm_checks"]))
    return "".join(parts)


def response_model_section(data: dict[str, pd.DataFrame]) -> str:
    pred = data["campaign_response_predictions"].merge(
        data["campaign_contact_outcomes"][["campaign_id", "customer_id", "converted", "predicted_response", "is_window_complete"]],
        on=["campaign_id", "customer_id"])
    pred = pred.loc[(pred["arm"] == "treatment") & pred["is_window_complete"].astype(bool)]
    rows = []
    for cid, g in pred.groupby("campaign_id"):
        has_model = g["model_predicted_response"].notna()
        given = g["predicted_response"].notna()
        rows.append({
            "campaign": cid, "treated contacts": len(g), "observed rate": g["converted"].mean(),
            "model mean": g.loc[has_model, "model_predicted_response"].mean() if has_model.any() else np.nan,
            "model AUC": ranking_auc(g.loc[has_model, "converted"], g.loc[has_model, "model_predicted_response"]) if has_model.any() else np.nan,
            "given mean": g.loc[given, "predicted_response"].mean() if given.any() else np.nan,
            "given AUC": ranking_auc(g.loc[given, "converted"], g.loc[given, "predicted_response"]) if given.any() else np.nan,
            "model status": label(g["model_status"].iloc[0]), "trained on": g["training_campaigns"].iloc[0],
        })
    view = pd.DataFrame(rows)
    if view.empty:
        return ""
    return ('<h2 id="response-model">Response model: out-of-time check</h2>' + _details("Out-of-time check per campaign", '<p class="muted">Each campaign is scored by a '
            'logistic regression trained only on campaigns whose response windows had closed before it started '
            '(features computed before each campaign\'s start). "given" is the predicted outcome that came with the '
            'contacts. A calibrated model has its mean close to the observed rate; AUC 0.5 = no ranking power.</p>'
            + table(view, {"observed rate": pct, "model mean": pct, "given mean": pct,
                           "model AUC": lambda v: num(v, 3), "given AUC": lambda v: num(v, 3),
                           "treated contacts": lambda v: num(v, 0)}, left=("campaign", "model status", "trained on"))))


RANKING_LABELS = {"uplift_model": "uplift model", "response_model": "response model", "random": "random targeting"}


def uplift_section(data: dict[str, pd.DataFrame]) -> str:
    m = data.get("campaign_uplift_metrics")
    if m is None or m.empty:
        return ""
    view = pd.DataFrame({
        "campaign": m["campaign_id"], "ranking": m["ranking"].map(RANKING_LABELS).fillna(m["ranking"]),
        "contacts": m["n"], "AUUC": m["auuc"], "Qini coefficient": m["qini_coefficient"],
        "uplift in the top share": m["uplift_top_k"], "top share": m["top_k"],
        "trained on": m["training_campaigns"], "note": m["reason"],
    })
    return ('<h2 id="uplift-model">Uplift model: out-of-time Qini</h2>' + _details(
        "Qini and AUUC per campaign", '<p class="muted">Each campaign\'s contacts ranked by the uplift model '
        '(trained on earlier campaigns, both arms), by the response model and at random. A Qini coefficient '
        'above 0 finds the customers the campaign moves better than chance.</p>'
        + table(view, {"AUUC": lambda v: num(v, 4), "Qini coefficient": lambda v: num(v, 4),
                       "uplift in the top share": pct, "top share": lambda v: pct(v, 0),
                       "contacts": lambda v: num(v, 0)}, left=("campaign", "ranking", "trained on", "note"))))
