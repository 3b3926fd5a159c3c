"""The campaign loop's Python steps, one function per dbt model in ``models/campaigns``.

Every function takes plain pandas frames (what the dbt wrappers read with
``model_io.to_frame``) and returns one frame with a fixed list of columns, so the wrappers
stay one-liners and everything here is unit-tested without dbt. The statistics themselves
live in :mod:`customer_activation.campaign_stats`.

Failures are loud but never crash the build: a campaign without contacts, an arm with no
customers, a pilot without predictions or an open response window give a row with a
``status`` and a ``reason`` in words, and null numbers.

Inputs (column names as the SQL models write them)
--------------------------------------------------
``outcomes`` (campaign_contact_outcomes): one row per observed contact: ``campaign_id``,
``customer_id``, ``arm`` (treatment / control), ``phase`` (pilot / rollout), ``responded``
(0/1, a response inside the contact's window), ``response_revenue``, ``predicted_response``
(given with the contact, may be null), ``window_end_ts``, ``is_window_complete``.

``campaigns`` (campaign_overview): one row per campaign: ``campaign_id``, ``start_date``,
``objective``, ``channel``, ``response_window_days``, ``cost_per_contact``, ``fixed_cost``,
``planned_control_share``, ``planned_pilot_share``, ``is_planned_only``.

``features`` (campaign_customer_features): point-in-time features per contact (context
``contact``, computed strictly before the campaign start) or per customer at the as-of date
(context ``scoring``); see :data:`RESPONSE_FEATURES`.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from customer_activation import campaign_stats as cs
from customer_activation.threads import single_threaded

__all__ = [
    "RESPONSE_FEATURES",
    "ResponseModel",
    "fit_response_model",
    "response_predictions",
    "response_scores",
    "srm_checks",
    "pilot_gates",
    "campaign_results",
    "metric_quartiles",
    "campaign_effects",
    "segment_effects",
    "box_stats",
]

NAN = float("nan")

# --------------------------------------------------------------------------------------
# the response (propensity) model
# --------------------------------------------------------------------------------------

#: Numeric features of the response model: name -> transform (``log1p`` for counts, money
#: and durations, which are skewed; ``none`` otherwise). Computed in
#: campaign_customer_features strictly before the campaign start (or at the as-of date).
RESPONSE_FEATURES: dict[str, str] = {
    "tenure_days": "log1p",
    "has_completed_order": "none",
    "recency_days": "log1p",
    "frequency": "log1p",
    "monetary": "log1p",
    "n_orders": "log1p",
    "recent_orders": "log1p",
    "previous_orders": "log1p",
    "recent_net_amount": "log1p",
    "n_recent_events": "log1p",
    "days_since_last_event": "log1p",
    "n_prior_contacts": "log1p",
    "n_prior_responses": "log1p",
    "response_window_days": "log1p",
}
#: Campaign attributes one-hot encoded (values seen in training).
RESPONSE_CATEGORICAL = ("objective", "channel")


@dataclass
class ResponseModel:
    """A fitted response model, or why there is none (``pipeline`` None, ``status`` says why)."""

    status: str
    reason: str | None
    pipeline: Pipeline | None = None
    feature_names: list[str] = field(default_factory=list)
    categories: dict[str, list[str]] = field(default_factory=dict)
    version: str | None = None
    n_rows: int = 0
    n_positive: int = 0
    campaigns: list[str] = field(default_factory=list)

    def predict(self, frame: pd.DataFrame) -> np.ndarray:
        """P(response | treated) for each row; NaN for every row when there is no model."""
        if self.pipeline is None or len(frame) == 0:
            return np.full(len(frame), NAN)
        design = _design(frame, self.categories)[self.feature_names]
        return self.pipeline.predict_proba(design.to_numpy(dtype=float, na_value=np.nan))[:, 1]


def _design(frame: pd.DataFrame, categories: dict[str, list[str]]) -> pd.DataFrame:
    """Model matrix: transformed numeric features and one-hot campaign attributes."""
    cols = {}
    for name, transform in RESPONSE_FEATURES.items():
        values = (pd.to_numeric(frame[name], errors="coerce") if name in frame
                  else pd.Series(np.nan, index=frame.index)).astype(float)
        if transform == "log1p":
            values = np.log1p(values.clip(lower=0))
        cols[name] = values
    for name, values in categories.items():
        column = frame[name].astype("string") if name in frame else pd.Series(pd.NA, index=frame.index)
        for value in values:
            cols[f"{name}__{value}"] = (column == value).fillna(False).astype(float)
    return pd.DataFrame(cols, index=frame.index)


def _model_version(feature_names: Sequence[str], params: dict, matrix: np.ndarray,
                   labels: np.ndarray) -> str:
    h = hashlib.sha256()
    h.update(json.dumps({"features": list(feature_names), "params": params},
                        sort_keys=True, default=str).encode())
    h.update(np.ascontiguousarray(np.nan_to_num(matrix, nan=-9.99e99), dtype="<f8").tobytes())
    h.update(np.ascontiguousarray(labels, dtype="<i8").tobytes())
    return h.hexdigest()[:12]


@single_threaded
def fit_response_model(train: pd.DataFrame, C: float = 1.0, min_rows: int = 50,
                       random_state: int = 0) -> ResponseModel:
    """Logistic regression of ``responded`` on the contact-time features of treated contacts.

    Pipeline: median imputation -> standardisation -> ``LogisticRegression(C)`` without class
    weights (the predictions are compared with observed response rates, so they must stay
    calibrated). Fewer than ``min_rows`` rows or a single class: no model (``status``
    ``too_few_rows`` / ``single_class``), and predictions are NaN rather than a guess.
    """
    n = len(train)
    campaigns = sorted(train["campaign_id"].astype(str).unique()) if n else []
    labels = train["responded"].astype(int).to_numpy() if n else np.zeros(0, int)
    base = dict(n_rows=n, n_positive=int(labels.sum()), campaigns=campaigns)
    if n < max(int(min_rows), 2):
        return ResponseModel("too_few_rows", f"{n} treated contacts with a closed window "
                             f"< {int(min_rows)} (var campaign_response_model_min_rows)", **base)
    if labels.min() == labels.max():
        return ResponseModel("single_class", f"every one of the {n} training contacts has "
                             f"responded = {labels[0]}", **base)
    categories = {
        name: sorted(train[name].dropna().astype(str).unique().tolist()) if name in train else []
        for name in RESPONSE_CATEGORICAL
    }
    design = _design(train, categories)
    feature_names = list(design.columns)
    matrix = design.to_numpy(dtype=float, na_value=np.nan)
    pipeline = Pipeline([
        ("imputer", SimpleImputer(strategy="median", keep_empty_features=True)),
        ("scaler", StandardScaler()),
        ("model", LogisticRegression(C=float(C), solver="lbfgs", max_iter=2000,
                                     random_state=random_state)),
    ])
    pipeline.fit(matrix, labels)
    version = _model_version(feature_names, {"C": float(C)}, matrix, labels)
    return ResponseModel("ok", None, pipeline, feature_names, categories, version, **base)


def _training_rows(outcomes: pd.DataFrame, features: pd.DataFrame,
                   campaigns: pd.DataFrame) -> pd.DataFrame:
    """Treated contacts with a closed response window, with their contact-time features and
    the campaign attributes."""
    rows = outcomes.loc[(outcomes["arm"] == "treatment") & outcomes["is_window_complete"].astype(bool),
                        ["campaign_id", "customer_id", "responded", "window_end_ts"]]
    rows = rows.merge(features, on=["campaign_id", "customer_id"], how="left")
    attrs = campaigns[["campaign_id", "objective", "channel", "response_window_days"]]
    return rows.merge(attrs, on="campaign_id", how="left")


PREDICTION_COLUMNS = (
    "campaign_id", "customer_id", "arm", "phase", "model_predicted_response", "model_version",
    "model_status", "model_reason", "n_training_rows", "training_campaigns",
)


@single_threaded
def response_predictions(outcomes: pd.DataFrame, features: pd.DataFrame,
                         campaigns: pd.DataFrame, C: float = 1.0, min_rows: int = 50,
                         random_state: int = 0) -> pd.DataFrame:
    """Out-of-time response predictions for every observed contact.

    Rolling origin: the model that scores campaign X is trained only on the treated
    contacts of campaigns whose every response window had closed before X started (the
    feedback available when X was planned), using features computed strictly before each
    of those campaigns' start. So a campaign's own outcome never informs its prediction, and
    the pilot gate can use it where a contact lacks ``predicted_response``. Control contacts
    are scored too (what they would have done if treated).
    """
    outcomes = outcomes.copy()
    outcomes["window_end_ts"] = pd.to_datetime(outcomes["window_end_ts"])
    contact_features = features.loc[features["feature_context"] == "contact"].drop(
        columns=["feature_context"])
    train_all = _training_rows(outcomes, contact_features, campaigns)
    closes = train_all.groupby("campaign_id")["window_end_ts"].max()
    all_closes = outcomes.groupby("campaign_id")["window_end_ts"].max()
    frames = []
    starts = campaigns.set_index("campaign_id")["start_date"]
    for campaign_id, contacts in outcomes.groupby("campaign_id", sort=True):
        start = pd.Timestamp(starts.get(campaign_id))
        # campaigns whose last window (over all their contacts) closed before this start
        prior = [c for c in closes.index if c != campaign_id and all_closes[c] <= start]
        model = fit_response_model(train_all.loc[train_all["campaign_id"].isin(prior)], C,
                                   min_rows, random_state)
        if not prior:
            model.status, model.reason = "no_prior_campaigns", (
                "no campaign's response window had closed before this campaign started")
        scoring = contacts[["campaign_id", "customer_id", "arm", "phase"]].merge(
            contact_features, on=["campaign_id", "customer_id"], how="left").merge(
            campaigns[["campaign_id", "objective", "channel", "response_window_days"]],
            on="campaign_id", how="left")
        frames.append(pd.DataFrame({
            "campaign_id": scoring["campaign_id"].to_numpy(),
            "customer_id": scoring["customer_id"].to_numpy(),
            "arm": scoring["arm"].to_numpy(),
            "phase": scoring["phase"].to_numpy(),
            "model_predicted_response": model.predict(scoring),
            "model_version": model.version,
            "model_status": model.status,
            "model_reason": model.reason,
            "n_training_rows": model.n_rows,
            "training_campaigns": ", ".join(model.campaigns) or None,
        }))
    out = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=PREDICTION_COLUMNS)
    return _typed(out[list(PREDICTION_COLUMNS)], floats=["model_predicted_response"],
                  ints=["n_training_rows"])


SCORE_COLUMNS = (
    "campaign_id", "customer_id", "predicted_response", "model_version", "model_status",
    "model_reason", "n_training_rows", "training_campaigns",
)


@single_threaded
def response_scores(members: pd.DataFrame, plans: pd.DataFrame, outcomes: pd.DataFrame,
                    features: pd.DataFrame, campaigns: pd.DataFrame, C: float = 1.0,
                    min_rows: int = 50, random_state: int = 0) -> pd.DataFrame:
    """P(response) of each audience member of each planned campaign, at the as-of date.

    The model is trained on every treated contact whose response window has closed (all the
    feedback so far), with contact-time features, and applied to features at the as-of date
    with the planned campaign's objective, channel and response window. ``members`` has
    ``audience_name`` and ``customer_id``; ``plans`` has ``campaign_id``, ``audience_name``,
    ``objective``, ``channel``, ``response_window_days``.
    """
    outcomes = outcomes.copy()
    contact_features = features.loc[features["feature_context"] == "contact"].drop(
        columns=["feature_context"])
    model = fit_response_model(_training_rows(outcomes, contact_features, campaigns), C,
                               min_rows, random_state)
    scoring_features = features.loc[features["feature_context"] == "scoring"].drop(
        columns=["feature_context", "campaign_id"])
    frames = []
    for plan in plans.itertuples(index=False):
        who = members.loc[members["audience_name"] == plan.audience_name, ["customer_id"]]
        scoring = who.drop_duplicates().merge(scoring_features, on="customer_id", how="left")
        scoring["objective"] = plan.objective
        scoring["channel"] = plan.channel
        scoring["response_window_days"] = plan.response_window_days
        frames.append(pd.DataFrame({
            "campaign_id": plan.campaign_id,
            "customer_id": scoring["customer_id"].to_numpy(),
            "predicted_response": model.predict(scoring),
            "model_version": model.version,
            "model_status": model.status,
            "model_reason": model.reason,
            "n_training_rows": model.n_rows,
            "training_campaigns": ", ".join(model.campaigns) or None,
        }))
    out = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=SCORE_COLUMNS)
    return _typed(out[list(SCORE_COLUMNS)], floats=["predicted_response"], ints=["n_training_rows"])


# --------------------------------------------------------------------------------------
# sample ratio mismatch
# --------------------------------------------------------------------------------------

SRM_COLUMNS = (
    "campaign_id", "check_name", "n_customers", "n_first", "n_second", "planned_share_second",
    "expected_second", "observed_share_second", "chi_square", "p_value", "alpha", "is_mismatch",
    "reason",
)


@single_threaded
def srm_checks(outcomes: pd.DataFrame, campaigns: pd.DataFrame, alpha: float = 0.001) -> pd.DataFrame:
    """Sample-ratio-mismatch checks per campaign (chi-square against the planned split).

    ``check_name``: ``arm_all`` / ``arm_pilot`` / ``arm_rollout`` (treatment vs control,
    planned control share ``planned_control_share``), and ``phase`` (rollout vs pilot,
    planned pilot share ``planned_pilot_share``) for campaigns that have one, once the
    rollout has started (while only the pilot is loaded its share is 100% by design). ``n_first`` /
    ``n_second`` are treatment / control (or rollout / pilot). A campaign without contacts
    gets one row with a reason.
    """
    rows = []
    for camp in campaigns.itertuples(index=False):
        if getattr(camp, "is_planned_only", False):
            continue
        mine = outcomes.loc[outcomes["campaign_id"] == camp.campaign_id]
        control_share = _float(camp.planned_control_share)
        checks = [("arm_all", mine, "arm", "treatment", "control", control_share)]
        for phase in ("pilot", "rollout"):
            part = mine.loc[mine["phase"] == phase]
            if len(part):
                checks.append((f"arm_{phase}", part, "arm", "treatment", "control", control_share))
        pilot_share = _float(getattr(camp, "planned_pilot_share", NAN))
        if math.isfinite(pilot_share) and (mine["phase"] == "rollout").any():
            checks.append(("phase", mine, "phase", "rollout", "pilot", pilot_share))
        for name, part, col, first, second, share in checks:
            n1 = int((part[col] == first).sum())
            n2 = int((part[col] == second).sum())
            row = {"campaign_id": camp.campaign_id, "check_name": name, "n_customers": n1 + n2,
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
    out = pd.DataFrame(rows, columns=list(SRM_COLUMNS))
    out["is_mismatch"] = out["is_mismatch"].astype("boolean")
    return _typed(out, floats=["planned_share_second", "expected_second", "observed_share_second",
                               "chi_square", "p_value", "alpha"],
                  ints=["n_customers", "n_first", "n_second"])


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
                min_n: int = 10, tolerance: float = 0.0, confidence: float = 0.95,
                mde: float = 0.05, power: float = 0.8) -> pd.DataFrame:
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
            "responders_treatment": int(treat["responded"].sum()),
            "responders_control": int(ctrl["responded"].sum()),
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
            res = cs.pilot_gate(int(with_pred["responded"].sum()), len(with_pred),
                                row["predicted_mean"], row["responders_control"], len(ctrl),
                                min_n=min_n, tolerance=tolerance, confidence=confidence)
            row.update(gate_status=res["status"], gate_reason=res["reason"],
                       observed_rate=res["observed_rate"], ci_low=res["ci_low"],
                       ci_high=res["ci_high"], accept_low=res["accept_low"],
                       accept_high=res["accept_high"], prediction_error=res["prediction_error"],
                       control_rate=res["control_rate"], effect=res["effect"],
                       effect_ci_low=res["effect_ci_low"], effect_ci_high=res["effect_ci_high"])
            if row["n_without_prediction"]:
                row["gate_reason"] = cs._join_reasons(row["gate_reason"], (
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


# --------------------------------------------------------------------------------------
# response, incremental revenue, cost and ROI per campaign
# --------------------------------------------------------------------------------------

RESULT_COLUMNS = (
    "campaign_id", "result_status", "result_reason", "n_contacts", "n_window_open",
    "n_treatment", "n_control", "responders_treatment", "responders_control",
    "response_rate_treatment", "response_rate_control", "uplift", "uplift_ci_low",
    "uplift_ci_high", "uplift_p_value", "incremental_responders", "incremental_responders_ci_low",
    "incremental_responders_ci_high", "revenue_per_contact_treatment",
    "revenue_per_contact_control", "incremental_revenue_per_contact",
    "incremental_revenue_per_contact_ci_low", "incremental_revenue_per_contact_ci_high",
    "incremental_revenue", "incremental_revenue_ci_low", "incremental_revenue_ci_high",
    "cost", "roi", "roi_ci_low", "roi_ci_high", "confidence", "n_boot",
)


@single_threaded
def campaign_results(outcomes: pd.DataFrame, campaigns: pd.DataFrame, confidence: float = 0.95,
                     n_boot: int = 2000, random_state: int = 0) -> pd.DataFrame:
    """Response rate per arm, uplift, incremental responders and revenue, cost and ROI.

    Over every contact (pilot and rollout) whose response window has closed; contacts with
    an open window are counted in ``n_window_open`` and left out. Cost is ``cost_per_contact``
    per treated contact plus ``fixed_cost`` (the control arm is not contacted). The uplift
    p-value is Fisher's exact test on the 2x2 table; the revenue and ROI intervals are the
    percentile bootstrap of :func:`campaign_stats.incremental_summary`. Per-contact numbers
    divide by the treated contacts.
    """
    rows = []
    for camp in campaigns.itertuples(index=False):
        if getattr(camp, "is_planned_only", False):
            continue
        mine = outcomes.loc[outcomes["campaign_id"] == camp.campaign_id]
        done = mine.loc[mine["is_window_complete"].astype(bool)]
        t = done.loc[done["arm"] == "treatment"]
        c = done.loc[done["arm"] == "control"]
        row: dict[str, Any] = {"campaign_id": camp.campaign_id, "n_contacts": len(mine),
                               "n_window_open": len(mine) - len(done), "n_treatment": len(t),
                               "n_control": len(c), "confidence": float(confidence),
                               "n_boot": int(n_boot)}
        if len(mine) == 0:
            row.update(result_status="no_contacts", result_reason="campaign has no contacts")
        elif len(done) == 0:
            row.update(result_status="window_open",
                       result_reason="no contact's response window has closed yet")
        elif len(t) == 0 or len(c) == 0:
            row.update(result_status="missing_arm", result_reason=(
                f"{'treatment' if len(t) == 0 else 'control'} arm has no customers with a closed "
                "window: no comparison"))
        cost_pc = _float(camp.cost_per_contact, 0.0)
        fixed = _float(camp.fixed_cost, 0.0)
        res = cs.incremental_summary(
            len(t), int(t["responded"].sum()), float(t["response_revenue"].sum()),
            len(c), int(c["responded"].sum()), float(c["response_revenue"].sum()),
            cost_pc if math.isfinite(cost_pc) else 0.0, fixed if math.isfinite(fixed) else 0.0,
            t["response_revenue"].to_numpy(float), c["response_revenue"].to_numpy(float),
            n_boot=n_boot, random_state=random_state, confidence=confidence)
        per = 1.0 / len(t) if len(t) else NAN
        row.update(
            responders_treatment=res["responders_t"], responders_control=res["responders_c"],
            response_rate_treatment=res["response_rate_t"], response_rate_control=res["response_rate_c"],
            uplift=res["uplift"], uplift_ci_low=res["uplift_ci_low"], uplift_ci_high=res["uplift_ci_high"],
            incremental_responders=res["incremental_responders"],
            incremental_responders_ci_low=res["incremental_responders_ci_low"],
            incremental_responders_ci_high=res["incremental_responders_ci_high"],
            revenue_per_contact_treatment=res["revenue_per_contact_t"],
            revenue_per_contact_control=res["revenue_per_contact_c"],
            incremental_revenue=res["incremental_revenue"],
            incremental_revenue_ci_low=res["incremental_revenue_ci_low"],
            incremental_revenue_ci_high=res["incremental_revenue_ci_high"],
            incremental_revenue_per_contact=res["incremental_revenue"] * per,
            incremental_revenue_per_contact_ci_low=res["incremental_revenue_ci_low"] * per,
            incremental_revenue_per_contact_ci_high=res["incremental_revenue_ci_high"] * per,
            cost=res["cost"], roi=res["roi"], roi_ci_low=res["roi_ci_low"], roi_ci_high=res["roi_ci_high"],
        )
        if len(t) and len(c):
            row["uplift_p_value"] = _fisher_p(res["responders_t"], len(t), res["responders_c"], len(c))
        if "result_status" not in row:
            row.update(result_status="ok", result_reason=res["reason"])
        if row["n_window_open"] and row["result_status"] == "ok":
            row["result_reason"] = cs._join_reasons(
                row["result_reason"], f"{row['n_window_open']} contacts with an open window left out")
        rows.append(row)
    out = pd.DataFrame(rows, columns=list(RESULT_COLUMNS))
    ints = ["n_contacts", "n_window_open", "n_treatment", "n_control", "responders_treatment",
            "responders_control", "n_boot"]
    floats = [c for c in RESULT_COLUMNS if c not in ints and c not in
              ("campaign_id", "result_status", "result_reason")]
    return _typed(out, floats=floats, ints=ints)


def _fisher_p(k_t: int, n_t: int, k_c: int, n_c: int) -> float:
    table = [[k_t, n_t - k_t], [k_c, n_c - k_c]]
    return float(stats.fisher_exact(table).pvalue)


# --------------------------------------------------------------------------------------
# before / after: quartiles and effects
# --------------------------------------------------------------------------------------

#: Before/after metrics of campaign_customer_metrics: name -> has a pre-period value.
METRICS = {"orders": True, "revenue": True, "active": True, "days_to_first_order": False}
#: Metrics that are 0/1: their effect is the difference of means (quantile shifts say nothing).
BINARY_METRICS = ("active",)


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
ESTIMATORS = ("post_mean_difference", "diff_in_diff", "cuped", "median_shift", "q3_shift",
              "nonzero_median_shift")


@single_threaded
def campaign_effects(metrics: pd.DataFrame, confidence: float = 0.95, n_boot: int = 2000,
                     random_state: int = 0, bootstrap_max_n: int = 20000) -> pd.DataFrame:
    """Treatment - control effects per campaign x metric, each with a confidence interval.

    * ``post_mean_difference``: difference of post-window means, Welch;
    * ``diff_in_diff``: mean (post - pre) change, treatment minus control, Welch;
    * ``cuped``: post-window difference adjusted with the pre-window metric (CUPED);
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
                    ci_method=ci_method, reason=cs._join_reasons(note, s["reason"]))))
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
                    confidence: float = 0.95, min_n: int = 5) -> pd.DataFrame:
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
                k_t, k_c = int(t["responded"].sum()), int(c["responded"].sum())
                row = {"campaign_id": campaign_id, "dimension": dim, "segment": segment,
                       "n_treatment": len(t), "n_control": len(c), "responders_treatment": k_t,
                       "responders_control": k_c,
                       "response_rate_treatment": k_t / len(t) if len(t) else NAN,
                       "response_rate_control": k_c / len(c) if len(c) else NAN,
                       "confidence": float(confidence)}
                if len(t) < min_n or len(c) < min_n:
                    row["reason"] = f"an arm has fewer than {min_n} customers: no test"
                else:
                    d, lo, hi, _ = cs._newcombe_difference(k_t, len(t), k_c, len(c), confidence)
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


# --------------------------------------------------------------------------------------
# box plot numbers (the report)
# --------------------------------------------------------------------------------------


def box_stats(values: Any) -> dict:
    """Tukey box: quartiles (linear), whiskers at the most extreme values within 1.5 IQR,
    the values outside them (``outliers``), mean and n. Empty input: n = 0, NaN elsewhere."""
    arr = np.asarray(pd.to_numeric(pd.Series(values), errors="coerce"), dtype=float)
    arr = arr[~np.isnan(arr)]
    if arr.size == 0:
        return {"n": 0, "q1": NAN, "median": NAN, "q3": NAN, "low": NAN, "high": NAN,
                "mean": NAN, "outliers": []}
    q1, med, q3 = np.quantile(arr, [0.25, 0.5, 0.75])
    iqr = q3 - q1
    inside = arr[(arr >= q1 - 1.5 * iqr) & (arr <= q3 + 1.5 * iqr)]
    return {"n": int(arr.size), "q1": float(q1), "median": float(med), "q3": float(q3),
            "low": float(inside.min()), "high": float(inside.max()), "mean": float(arr.mean()),
            "outliers": sorted(float(v) for v in arr[(arr < inside.min()) | (arr > inside.max())])}


# --------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------


def _float(value: Any, default: float = NAN) -> float:
    try:
        out = float(value)
    except (TypeError, ValueError):
        return default
    return default if math.isnan(out) else out


def _typed(frame: pd.DataFrame, floats: Sequence[str] = (), ints: Sequence[str] = ()) -> pd.DataFrame:
    """Fixed dtypes, so an empty result still has the right column types in the warehouse."""
    frame = frame.copy()
    for col in floats:
        frame[col] = pd.to_numeric(frame[col], errors="coerce").astype("float64")
    for col in ints:
        frame[col] = pd.to_numeric(frame[col], errors="coerce").astype("Int64")
    for col in frame.columns:
        if col not in floats and col not in ints and frame[col].dtype == object:
            frame[col] = frame[col].astype("string")
    return frame.reset_index(drop=True)
