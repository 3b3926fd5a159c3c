"""The checks before a rollout: sample ratio mismatch per campaign and the pilot gate."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from customer_activation.campaigns import stats as cs
from customer_activation.campaigns.stats.common import _join_reasons
from customer_activation.campaigns.steps.frames import NAN, OUTCOME, _float, _typed
from customer_activation.threads import single_threaded

__all__ = [
    "srm_checks",
    "pilot_gates",
]


# --------------------------------------------------------------------------------------
# sample ratio mismatch
# --------------------------------------------------------------------------------------

SRM_COLUMNS = (
    "campaign_id", "check_name", "n_customers", "n_first", "n_second", "planned_share_second",
    "expected_second", "observed_share_second", "chi_square", "p_value", "alpha", "is_mismatch",
    "reason",
)


@single_threaded
def srm_checks(outcomes: pd.DataFrame, campaigns: pd.DataFrame, alpha: float) -> pd.DataFrame:
    """Sample-ratio-mismatch checks per campaign (chi-square against the planned split).

    ``check_name``: ``arm_all`` / ``arm_pilot`` / ``arm_rollout`` (treatment vs control,
    planned control share ``planned_control_share``), and ``phase`` (rollout vs pilot,
    planned pilot share ``planned_pilot_share``) for campaigns that have one, once the
    rollout has started (while only the pilot is loaded its share is 100% by design). ``n_first`` /
    ``n_second`` are treatment / control (or rollout / pilot). A campaign without contacts
    gets one row with a reason.

    Campaigns with the same ``experiment_id`` share one control: their ``arm_all`` check is
    the chi-square of the whole experiment (every treated campaign and the shared control,
    each control customer once) against its planned shares, the control's
    ``planned_control_share`` and the rest split equally among the treated campaigns
    (``n_customers`` = the experiment's customers, ``n_first`` = this campaign's treated).
    """
    rows = []
    experiments = _experiment_counts(outcomes, campaigns)
    for camp in campaigns.itertuples(index=False):
        if getattr(camp, "is_planned_only", False):
            continue
        mine = outcomes.loc[outcomes["campaign_id"] == camp.campaign_id]
        control_share = _float(camp.planned_control_share)
        exp_id = getattr(camp, "experiment_id", None)
        if isinstance(exp_id, str) and exp_id in experiments:
            rows.append(_experiment_srm(camp.campaign_id, exp_id, experiments[exp_id],
                                        control_share, alpha))
            pilot_share = _float(getattr(camp, "planned_pilot_share", NAN))
            if math.isfinite(pilot_share) and (mine["phase"] == "rollout").any():
                rows.extend(_srm_rows(camp.campaign_id, [("phase", mine, "phase", "rollout", "pilot",
                                                          pilot_share)], alpha))
            continue
        checks = [("arm_all", mine, "arm", "treatment", "control", control_share)]
        for phase in ("pilot", "rollout"):
            part = mine.loc[mine["phase"] == phase]
            if len(part):
                checks.append((f"arm_{phase}", part, "arm", "treatment", "control", control_share))
        pilot_share = _float(getattr(camp, "planned_pilot_share", NAN))
        if math.isfinite(pilot_share) and (mine["phase"] == "rollout").any():
            checks.append(("phase", mine, "phase", "rollout", "pilot", pilot_share))
        rows.extend(_srm_rows(camp.campaign_id, checks, alpha))
    out = pd.DataFrame(rows, columns=list(SRM_COLUMNS))
    out["is_mismatch"] = out["is_mismatch"].astype("boolean")
    return _typed(out, floats=["planned_share_second", "expected_second", "observed_share_second",
                               "chi_square", "p_value", "alpha"],
                  ints=["n_customers", "n_first", "n_second"])


def _experiment_counts(outcomes: pd.DataFrame, campaigns: pd.DataFrame) -> dict:
    """Per experiment_id: treated customers per campaign and the shared control (once each)."""
    if "experiment_id" not in campaigns or "experiment_id" not in outcomes:
        return {}
    out = {}
    rows = outcomes.loc[outcomes["experiment_id"].notna()]
    for exp_id, part in rows.groupby("experiment_id"):
        treated = part.loc[part["arm"] == "treatment"].groupby("campaign_id")["customer_id"].nunique()
        control = part.loc[part["arm"] == "control", "customer_id"].nunique()
        if len(treated):
            out[str(exp_id)] = {"treated": treated.to_dict(), "control": int(control)}
    return out


def _experiment_srm(campaign_id: str, exp_id: str, counts: dict, control_share: float,
                    alpha: float) -> dict:
    treated = counts["treated"]
    n_c = counts["control"]
    n = sum(treated.values()) + n_c
    row = {"campaign_id": campaign_id, "check_name": "arm_all", "n_customers": n,
           "n_first": int(treated.get(campaign_id, 0)), "n_second": n_c,
           "planned_share_second": control_share, "alpha": float(alpha),
           "observed_share_second": n_c / n if n else NAN}
    if not math.isfinite(control_share):
        row["reason"] = "no planned share"
        return row
    k = len(treated)
    observed = {f"treatment:{cid}": int(v) for cid, v in treated.items()} | {"control": n_c}
    planned = {f"treatment:{cid}": (1.0 - control_share) / k for cid in treated} | {"control": control_share}
    res = cs.srm_check(observed, planned, alpha)
    row.update(expected_second=res["expected"]["control"], chi_square=res["statistic"],
               p_value=res["p_value"], is_mismatch=res["is_mismatch"], reason=_join_reasons(
                   f"experiment {exp_id}: {k} treated campaigns and one shared control, "
                   f"chi-square over the whole experiment (planned control share {control_share:g}, "
                   "the rest split equally)", res["reason"]))
    return row


def _srm_rows(campaign_id: str, checks: list, alpha: float) -> list[dict]:
    rows = []
    for name, part, col, first, second, share in checks:
        n1 = int((part[col] == first).sum())
        n2 = int((part[col] == second).sum())
        row = {"campaign_id": campaign_id, "check_name": name, "n_customers": n1 + n2,
               "n_first": n1, "n_second": n2, "planned_share_second": share,
               "alpha": float(alpha)}
        if not math.isfinite(share):
            row["reason"] = "no planned share"
        else:
            res = cs.srm_check({first: n1, second: n2}, {first: 1.0 - share, second: share}, alpha)
            row.update(expected_second=res["expected"][second], chi_square=res["statistic"],
                       p_value=res["p_value"], is_mismatch=res["is_mismatch"],
                       reason=res["reason"])
        row["observed_share_second"] = n2 / (n1 + n2) if n1 + n2 else NAN
        if n1 + n2 == 0:
            row["reason"] = "campaign has no contacts"
        rows.append(row)
    return rows


# --------------------------------------------------------------------------------------
# pilot gate
# --------------------------------------------------------------------------------------

GATE_COLUMNS = (
    "campaign_id", "gate_status", "gate_reason", "n_pilot_contacts", "n_treatment", "n_control",
    "responders_treatment", "responders_control", "observed_rate", "ci_low", "ci_high",
    "accept_low", "accept_high", "predicted_mean", "n_predicted_given", "n_predicted_model",
    "n_without_prediction", "prediction_error", "control_rate", "effect", "effect_ci_low",
    "effect_ci_high", "min_n", "tolerance", "confidence", "mde", "power",
    "baseline_rate", "baseline_source", "recommended_n_treatment", "recommended_n_control",
    "recommended_n_total", "n_rollout_contacts",
)


@single_threaded
def pilot_gates(outcomes: pd.DataFrame, predictions: pd.DataFrame, campaigns: pd.DataFrame,
                min_n: int, tolerance: float, confidence: float,
                mde: float, power: float) -> pd.DataFrame:
    """The pilot gate per campaign: does the pilot's observed treatment response rate agree
    with the predicted mean response of the same customers?

    The predicted response of a pilot customer is the one given with the contact
    (``predicted_response``), else the out-of-time response model's
    (``model_predicted_response``, see :func:`response_predictions`). Statuses:

    * ``pass`` / ``fail`` / ``insufficient_sample``: :func:`campaign_stats.pilot_gate` (the
      predicted mean inside / outside the Wilson interval of the observed rate widened by
      ``tolerance``; fewer than ``min_n`` treated pilot customers);
    * ``no_contacts``, ``no_pilot`` (no pilot contacts), ``pilot_window_open`` (a pilot
      response window has not closed at the as-of date), ``no_prediction`` (no treated
      pilot customer has a prediction).

    Every row also has the pilot's incremental effect over its control (Newcombe interval)
    and a recommended pilot size: customers needed to detect an uplift of ``mde`` over the
    baseline (the pilot control rate when it is strictly between 0 and 1, else the
    predicted mean) with ``power`` at 1 - ``confidence``, split as planned.
    """
    preds = predictions[["campaign_id", "customer_id", "model_predicted_response", "model_status"]]
    rows = []
    for camp in campaigns.itertuples(index=False):
        if getattr(camp, "is_planned_only", False):
            continue
        mine = outcomes.loc[outcomes["campaign_id"] == camp.campaign_id]
        pilot = mine.loc[mine["phase"] == "pilot"].merge(preds, on=["campaign_id", "customer_id"],
                                                         how="left")
        treat = pilot.loc[pilot["arm"] == "treatment"]
        ctrl = pilot.loc[pilot["arm"] == "control"]
        given = pd.to_numeric(treat["predicted_response"], errors="coerce")
        model = pd.to_numeric(treat["model_predicted_response"], errors="coerce")
        used = given.fillna(model)
        row: dict[str, Any] = {
            "campaign_id": camp.campaign_id, "n_pilot_contacts": len(pilot),
            "n_treatment": len(treat), "n_control": len(ctrl),
            "responders_treatment": int(treat[OUTCOME].sum()),
            "responders_control": int(ctrl[OUTCOME].sum()),
            "n_predicted_given": int(given.notna().sum()),
            "n_predicted_model": int((given.isna() & model.notna()).sum()),
            "n_without_prediction": int(used.isna().sum()),
            "predicted_mean": float(used.mean()) if used.notna().any() else NAN,
            "min_n": int(min_n), "tolerance": float(tolerance), "confidence": float(confidence),
            "mde": float(mde), "power": float(power),
            "n_rollout_contacts": int((mine["phase"] == "rollout").sum()),
        }
        if len(mine) == 0:
            row.update(gate_status="no_contacts", gate_reason="campaign has no contacts")
        elif len(pilot) == 0:
            row.update(gate_status="no_pilot", gate_reason="campaign has no pilot contacts")
        elif not pilot["is_window_complete"].astype(bool).all():
            n_open = int((~pilot["is_window_complete"].astype(bool)).sum())
            row.update(gate_status="pilot_window_open",
                       gate_reason=f"{n_open} pilot response windows still open at the as-of date")
        elif len(treat) == 0:
            row.update(gate_status="insufficient_sample", gate_reason="no treated pilot customers")
        elif used.notna().sum() == 0:
            status = pilot["model_status"].dropna()
            row.update(gate_status="no_prediction", gate_reason=(
                "no treated pilot customer has a predicted response (none given with the "
                "contacts, and the response model gave none: "
                + (str(status.iloc[0]) if len(status) else "not trained") + ")"))
        if "gate_status" not in row:
            # the observed rate is over the treated pilot customers with a prediction, so
            # observed and predicted describe the same customers
            with_pred = treat.loc[used.notna()]
            res = cs.pilot_gate(int(with_pred[OUTCOME].sum()), len(with_pred),
                                row["predicted_mean"], row["responders_control"], len(ctrl),
                                min_n=min_n, tolerance=tolerance, confidence=confidence)
            row.update(gate_status=res["status"], gate_reason=res["reason"],
                       observed_rate=res["observed_rate"], ci_low=res["ci_low"],
                       ci_high=res["ci_high"], accept_low=res["accept_low"],
                       accept_high=res["accept_high"], prediction_error=res["prediction_error"],
                       control_rate=res["control_rate"], effect=res["effect"],
                       effect_ci_low=res["effect_ci_low"], effect_ci_high=res["effect_ci_high"])
            if row["n_without_prediction"]:
                row["gate_reason"] = _join_reasons(row["gate_reason"], (
                    f"{row['n_without_prediction']} treated pilot customers without a prediction "
                    "left out"))
        row.update(_recommended_size(row, camp, mde, power, confidence))
        rows.append(row)
    out = pd.DataFrame(rows, columns=list(GATE_COLUMNS))
    return _typed(out, floats=["observed_rate", "ci_low", "ci_high", "accept_low", "accept_high",
                               "predicted_mean", "prediction_error", "control_rate", "effect",
                               "effect_ci_low", "effect_ci_high", "tolerance", "confidence",
                               "mde", "power", "baseline_rate"],
                  ints=["n_pilot_contacts", "n_treatment", "n_control", "responders_treatment",
                        "responders_control", "n_predicted_given", "n_predicted_model",
                        "n_without_prediction", "min_n", "recommended_n_treatment",
                        "recommended_n_control", "recommended_n_total", "n_rollout_contacts"])


def _recommended_size(row: dict, camp: Any, mde: float, power: float, confidence: float) -> dict:
    n_c, k_c = row["n_control"], row["responders_control"]
    if n_c and 0 < k_c < n_c:
        baseline, source = k_c / n_c, "pilot_control_rate"
    elif math.isfinite(row["predicted_mean"]):
        baseline, source = row["predicted_mean"], "predicted_mean"
    else:
        return {"baseline_source": "none"}
    baseline = min(max(baseline, 0.005), 0.995 - abs(mde))
    share = _float(camp.planned_control_share)
    share = share if math.isfinite(share) and 0 < share < 1 else 0.5
    size = cs.recommended_pilot_size(baseline, mde, alpha=1.0 - confidence, power=power,
                                     treatment_share=1.0 - share)
    return {"baseline_rate": baseline, "baseline_source": source,
            "recommended_n_treatment": size["n_treatment"],
            "recommended_n_control": size["n_control"], "recommended_n_total": size["n_total"]}
