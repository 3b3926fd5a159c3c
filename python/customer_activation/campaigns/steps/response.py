"""The campaign response (propensity) model and its two dbt steps.

:func:`fit_response_model` fits the project's logistic pipeline
(:mod:`customer_activation.labels.pipeline`) on treated contacts;
:func:`response_predictions` scores every observed contact out of time (rolling origin) for
the pilot gate, :func:`response_scores` the audiences of planned campaigns at the as-of date.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sklearn.pipeline import Pipeline

from customer_activation.campaigns.steps.frames import NAN, OUTCOME, _typed
from customer_activation.labels.pipeline import build_pipeline, version_hash
from customer_activation.threads import single_threaded

__all__ = [
    "RESPONSE_FEATURES",
    "ResponseModel",
    "fit_response_model",
    "response_predictions",
    "response_scores",
]

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


@single_threaded
def fit_response_model(train: pd.DataFrame, C: float, min_rows: int,
                       random_state: int) -> ResponseModel:
    """Logistic regression of ``responded`` on the contact-time features of treated contacts.

    Pipeline (:func:`customer_activation.labels.pipeline.build_pipeline`): median imputation ->
    standardisation -> ``LogisticRegression(C)`` without class weights (the predictions are compared with observed response rates, so they must stay
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
    pipeline = build_pipeline(C=float(C), random_state=random_state, max_iter=2000, class_weight=None)
    pipeline.fit(matrix, labels)
    version = version_hash({"features": feature_names, "params": {"C": float(C)}},
                           np.ascontiguousarray(np.nan_to_num(matrix, nan=-9.99e99), dtype="<f8").tobytes(),
                           np.ascontiguousarray(labels, dtype="<i8").tobytes())
    return ResponseModel("ok", None, pipeline, feature_names, categories, version, **base)


def _training_rows(outcomes: pd.DataFrame, features: pd.DataFrame,
                   campaigns: pd.DataFrame) -> pd.DataFrame:
    """Treated contacts with a closed response window, with their contact-time features and
    the campaign attributes."""
    rows = outcomes.loc[(outcomes["arm"] == "treatment") & outcomes["is_window_complete"].astype(bool),
                        ["campaign_id", "customer_id", OUTCOME, "window_end_ts"]]
    rows = rows.rename(columns={OUTCOME: "responded"})  # the label: the campaign's primary outcome
    rows = rows.merge(features, on=["campaign_id", "customer_id"], how="left")
    attrs = campaigns[["campaign_id", "objective", "channel", "response_window_days"]]
    return rows.merge(attrs, on="campaign_id", how="left")


PREDICTION_COLUMNS = (
    "campaign_id", "customer_id", "arm", "phase", "model_predicted_response", "model_version",
    "model_status", "model_reason", "n_training_rows", "training_campaigns",
)


@single_threaded
def response_predictions(outcomes: pd.DataFrame, features: pd.DataFrame,
                         campaigns: pd.DataFrame, C: float, min_rows: int,
                         random_state: int) -> pd.DataFrame:
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
    "model_reason", "n_training_rows", "training_campaigns", "predicted_uplift", "ranking_score",
    "ranked_by",
)


@single_threaded
def response_scores(members: pd.DataFrame, plans: pd.DataFrame, outcomes: pd.DataFrame,
                    features: pd.DataFrame, campaigns: pd.DataFrame, C: float,
                    min_rows: int, random_state: int, ranking: str) -> pd.DataFrame:
    """P(response) of each audience member of each planned campaign, at the as-of date.

    Also ``predicted_uplift`` (the two-model uplift of :mod:`.uplift`, trained on every closed
    contact of both arms) and ``ranking_score``, what campaign_assignments ranks by:
    ``ranking`` (var campaign_audience_ranking) ``response`` = predicted_response,
    ``uplift`` = predicted_uplift (predicted_response when there is no uplift model;
    ``ranked_by`` says which was used).

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
    if ranking not in ("response", "uplift"):
        raise ValueError(f"ranking must be response or uplift, got {ranking!r}")
    from customer_activation.campaigns.steps.uplift import fit_uplift_model, training_rows
    uplift = fit_uplift_model(training_rows(outcomes, contact_features, campaigns), C, min_rows,
                              random_state) if len(outcomes) else None
    use_uplift = ranking == "uplift" and uplift is not None and uplift.status == "ok"
    frames = []
    for plan in plans.itertuples(index=False):
        who = members.loc[members["audience_name"] == plan.audience_name, ["customer_id"]]
        scoring = who.drop_duplicates().merge(scoring_features, on="customer_id", how="left")
        scoring["objective"] = plan.objective
        scoring["channel"] = plan.channel
        scoring["response_window_days"] = plan.response_window_days
        p_response = model.predict(scoring)
        p_uplift = uplift.predict(scoring) if uplift is not None else np.full(len(scoring), NAN)
        frames.append(pd.DataFrame({
            "campaign_id": plan.campaign_id,
            "customer_id": scoring["customer_id"].to_numpy(),
            "predicted_response": p_response,
            "predicted_uplift": p_uplift,
            "ranking_score": p_uplift if use_uplift else p_response,
            "ranked_by": "uplift" if use_uplift else "response",
            "model_version": model.version,
            "model_status": model.status,
            "model_reason": model.reason,
            "n_training_rows": model.n_rows,
            "training_campaigns": ", ".join(model.campaigns) or None,
        }))
    out = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=SCORE_COLUMNS)
    return _typed(out[list(SCORE_COLUMNS)], floats=["predicted_response", "predicted_uplift", "ranking_score"],
                  ints=["n_training_rows"])
