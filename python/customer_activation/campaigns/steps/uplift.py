"""The uplift model: P(outcome | treated) - P(outcome | control), and how well it ranks.

:func:`fit_uplift_model` is the two-model approach: the project's logistic pipeline fitted
once on treated and once on control contacts (the same features as the response model,
computed before each campaign's start). :func:`uplift_metrics` scores every observed
campaign out of time (trained only on campaigns whose windows had all closed before it
started, like the response model) and compares three rankings of its contacts on the Qini
curve: by predicted uplift, by the response model's P(outcome | treated), and random.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from customer_activation.campaigns import stats as cs
from customer_activation.campaigns.steps.frames import OUTCOME, _typed
from customer_activation.campaigns.steps.response import ResponseModel, fit_response_model
from customer_activation.threads import single_threaded

__all__ = ["UpliftModel", "fit_uplift_model", "training_rows", "uplift_metrics"]


@dataclass
class UpliftModel:
    """Two response models, one per arm; ``predict`` is their difference (NaN without both)."""

    treated: ResponseModel
    control: ResponseModel

    @property
    def status(self) -> str:
        return "ok" if self.treated.status == "ok" and self.control.status == "ok" else (
            self.treated.status if self.treated.status != "ok" else self.control.status)

    def predict(self, frame: pd.DataFrame) -> np.ndarray:
        return self.treated.predict(frame) - self.control.predict(frame)


def fit_uplift_model(train: pd.DataFrame, C: float, min_rows: int, random_state: int) -> UpliftModel:
    """Two-model uplift: ``responded`` (the label column, the campaign's primary outcome) on
    the contact-time features, fitted separately on the treated and the control rows."""
    is_t = train["arm"] == "treatment"
    return UpliftModel(fit_response_model(train.loc[is_t], C, min_rows, random_state),
                       fit_response_model(train.loc[~is_t], C, min_rows, random_state))


UPLIFT_METRIC_COLUMNS = (
    "campaign_id", "ranking", "n", "n_treatment", "n_control", "auuc", "auuc_random",
    "qini_coefficient", "uplift_top_k", "top_k", "model_status", "training_campaigns", "reason",
)
RANKINGS = ("uplift_model", "response_model", "random")


def training_rows(outcomes: pd.DataFrame, features: pd.DataFrame, campaigns: pd.DataFrame) -> pd.DataFrame:
    """Contacts of both arms with a closed window, their contact-time features and campaign
    attributes; the label column ``responded`` is the primary outcome."""
    rows = outcomes.loc[outcomes["is_window_complete"].astype(bool),
                        ["campaign_id", "customer_id", "arm", OUTCOME, "window_end_ts"]]
    rows = rows.drop_duplicates(["campaign_id", "customer_id"]).rename(columns={OUTCOME: "responded"})
    rows = rows.merge(features, on=["campaign_id", "customer_id"], how="left")
    attrs = campaigns[["campaign_id", "objective", "channel", "response_window_days"]]
    return rows.merge(attrs, on="campaign_id", how="left")


@single_threaded
def uplift_metrics(outcomes: pd.DataFrame, features: pd.DataFrame, campaigns: pd.DataFrame,
                   predictions: pd.DataFrame, C: float, min_rows: int, random_state: int,
                   top_k: float) -> pd.DataFrame:
    """Per observed campaign x ranking: AUUC, Qini coefficient and uplift at the top ``top_k``
    (:func:`campaign_stats.uplift_ranking_metrics`), out of time. ``ranking``: uplift_model
    (the two-model uplift trained on earlier campaigns), response_model
    (``model_predicted_response`` of campaign_response_predictions) and random (a seeded
    shuffle). Campaigns without an earlier closed campaign get the random row only."""
    outcomes = outcomes.copy()
    outcomes["window_end_ts"] = pd.to_datetime(outcomes["window_end_ts"])
    contact_features = features.loc[features["feature_context"] == "contact"].drop(columns=["feature_context"])
    data = training_rows(outcomes, contact_features, campaigns)
    data = data.merge(predictions[["campaign_id", "customer_id", "model_predicted_response"]],
                      on=["campaign_id", "customer_id"], how="left")
    closes = outcomes.groupby("campaign_id")["window_end_ts"].max()
    starts = campaigns.set_index("campaign_id")["start_date"]
    rng = np.random.default_rng(random_state)
    out = []
    for campaign_id, mine in data.groupby("campaign_id", sort=True):
        start = pd.Timestamp(starts.get(campaign_id))
        prior = sorted(c for c in closes.index if c != campaign_id and closes[c] <= start)
        y, treated = mine["responded"].to_numpy(float), (mine["arm"] == "treatment").to_numpy()
        base = {"campaign_id": campaign_id, "training_campaigns": ", ".join(prior) or None}
        model = fit_uplift_model(data.loc[data["campaign_id"].isin(prior)], C, min_rows, random_state)
        scores = {"random": rng.random(len(mine))}
        if model.status == "ok":
            scores["uplift_model"] = model.predict(mine)
        if mine["model_predicted_response"].notna().any():
            scores["response_model"] = pd.to_numeric(mine["model_predicted_response"], errors="coerce").to_numpy(float)
        for ranking in RANKINGS:
            if ranking not in scores:
                out.append({**base, "ranking": ranking, "model_status": model.status if ranking == "uplift_model"
                            else "no_prediction", "reason": "no model trained on earlier campaigns"
                            if ranking == "uplift_model" else "no out-of-time response prediction"})
                continue
            res = cs.uplift_ranking_metrics(y, treated, scores[ranking], top_k)
            out.append({**base, "ranking": ranking, **{k: res[k] for k in (
                "n", "n_treatment", "n_control", "auuc", "auuc_random", "qini_coefficient",
                "uplift_top_k", "top_k", "reason")},
                "model_status": model.status if ranking == "uplift_model" else None})
    frame = pd.DataFrame(out, columns=list(UPLIFT_METRIC_COLUMNS))
    return _typed(frame, floats=["auuc", "auuc_random", "qini_coefficient", "uplift_top_k", "top_k"],
                  ints=["n", "n_treatment", "n_control"])


