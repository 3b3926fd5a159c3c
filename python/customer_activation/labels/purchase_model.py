"""The probabilistic purchase model: BG/NBD for repeat purchases (bgnbd.py) and Gamma-Gamma for
spend (gamma_gamma.py), fitted on a bounded seeded sample and scored in closed form for every
customer, at each feature date on that date's history only (docs/models.md#purchase-model).

Inputs per customer and feature date (int_customer_purchase_history), time in days:
x = repeat purchases (distinct completed-order days - 1), t_x = days from the first to the last
completed-order day, T = days from the first completed-order day to the feature date, and the
mean net spend of the repeat order days (the first day left out, as Gamma-Gamma describes repeat
transactions). Outputs: P(alive), expected purchases and P(no purchase) in the next
label_horizon_days, expected order value, and the CLV over clv_horizon_days discounted at clv_annual_discount_rate.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, fields
from typing import Any

import numpy as np
import pandas as pd

from customer_activation.labels import bgnbd, gamma_gamma

INPUT_COLUMNS = ["customer_id", "feature_date_role", "repeat_purchases", "first_to_last_days",
                 "first_to_date_days", "repeat_order_value_mean"]
SCORE_COLUMNS = ["customer_id", "feature_date_role", "bgnbd_p_alive", "bgnbd_expected_purchases",
                 "bgnbd_p_no_purchase", "gg_expected_order_value", "clv"]
PARAMETER_COLUMNS = ["feature_date_role", "model_status", "r", "alpha", "a", "b", "bgnbd_log_likelihood",
                     "bgnbd_n_customers", "bgnbd_converged", "p", "q", "v", "gg_log_likelihood",
                     "gg_n_customers", "gg_converged", "frequency_value_correlation", "fit_seconds"]
CLV_STEP_DAYS = 30  # the CLV sums discounted purchases per step of about a month (not a setting)


@dataclass(frozen=True)
class PurchaseModelSettings:
    """The settings of the purchase model, named as their vars (macros/settings/registry.sql);
    no defaults here: the registry has them (PurchaseModelSettings.from_settings)."""

    purchase_model_max_training_rows: int
    purchase_model_min_training_rows: int
    random_seed: int
    label_horizon_days: int
    clv_horizon_days: int
    clv_annual_discount_rate: float

    @classmethod
    def from_settings(cls, values: dict[str, Any]) -> PurchaseModelSettings:
        """The purchase-model settings out of {var name: value} (model_io.model_settings)."""
        return cls(**{f.name: values[f.name] for f in fields(cls)})


def clv(bg_params, gg_params, x, t_x, T, z, horizon_days: float, annual_discount_rate: float,
        step_days: float = CLV_STEP_DAYS) -> np.ndarray:
    """Discounted customer lifetime value over the next ``horizon_days``: the expected order
    value (Gamma-Gamma) times the expected purchases (BG/NBD), the horizon cut into steps of
    ``step_days`` (the last one shorter) and the purchases expected in each step discounted from
    the step's end, at (1 + annual_discount_rate)^(-days / 365). Discounting at the step's end
    is the usual discrete approximation of continuous discounting; it slightly undervalues
    (by at most one step's discount)."""
    x = np.asarray(x, dtype=float)
    edges = np.unique(np.append(np.arange(0.0, horizon_days, step_days), horizon_days))
    cumulative = [np.zeros(x.shape)] + [bgnbd.expected_purchases(bg_params, e, x, t_x, T) for e in edges[1:]]
    discounted = np.zeros(x.shape)
    for k in range(1, edges.size):
        discounted += (cumulative[k] - cumulative[k - 1]) * (1.0 + annual_discount_rate) ** (-edges[k] / 365.0)
    return gamma_gamma.expected_value(gg_params, x, z) * discounted


def _sample(frame: pd.DataFrame, n_max: int, seed: int) -> pd.DataFrame:
    """At most ``n_max`` rows, a seeded uniform sample (rows sorted by customer first, so the
    sample does not depend on the order the engine returned them in)."""
    frame = frame.sort_values("customer_id", kind="stable").reset_index(drop=True)
    if len(frame) <= n_max:
        return frame
    rows = np.sort(np.random.default_rng(seed).choice(len(frame), size=n_max, replace=False))
    return frame.iloc[rows].reset_index(drop=True)


def fit_and_score(history: pd.DataFrame, settings: PurchaseModelSettings) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Fits both models on a sample of one feature date's customers and scores all of them.
    ``history``: INPUT_COLUMNS rows of one feature date (customers with a completed order).
    Returns (scores, one parameter row). With fewer than purchase_model_min_training_rows
    customers there is no BG/NBD model and no scores; with fewer repeat customers (x > 0, spend
    > 0) there is no Gamma-Gamma model, and expected order value and CLV are null."""
    started = time.perf_counter()
    role = history["feature_date_role"].iloc[0] if len(history) else None
    x = history["repeat_purchases"].to_numpy(float)
    t_x = history["first_to_last_days"].to_numpy(float)
    T = history["first_to_date_days"].to_numpy(float)
    z = history["repeat_order_value_mean"].to_numpy(float)
    row: dict[str, Any] = dict.fromkeys(PARAMETER_COLUMNS)
    row.update(feature_date_role=role, bgnbd_n_customers=0, gg_n_customers=0)
    n_min = settings.purchase_model_min_training_rows
    if len(history) < n_min:
        row.update(model_status="too_few_rows", fit_seconds=time.perf_counter() - started)
        return pd.DataFrame(columns=SCORE_COLUMNS), row
    sample = _sample(history, settings.purchase_model_max_training_rows, settings.random_seed)
    bg = bgnbd.fit(sample["repeat_purchases"], sample["first_to_last_days"], sample["first_to_date_days"])
    row.update(r=bg.r, alpha=bg.alpha, a=bg.a, b=bg.b, bgnbd_log_likelihood=bg.log_likelihood,
               bgnbd_n_customers=bg.n_customers, bgnbd_converged=bg.converged, model_status="ok")
    repeaters = sample[(sample["repeat_purchases"] > 0) & (sample["repeat_order_value_mean"] > 0)]
    scores = pd.DataFrame({
        "customer_id": history["customer_id"].to_numpy(),
        "feature_date_role": role,
        "bgnbd_p_alive": bgnbd.p_alive(bg.params, x, t_x, T),
        "bgnbd_expected_purchases": bgnbd.expected_purchases(bg.params, settings.label_horizon_days, x, t_x, T),
        "bgnbd_p_no_purchase": bgnbd.p_no_purchase(bg.params, settings.label_horizon_days, x, t_x, T),
        "gg_expected_order_value": np.nan,
        "clv": np.nan,
    })
    if len(repeaters) >= n_min:
        gx = repeaters["repeat_purchases"].to_numpy(float)
        gz = repeaters["repeat_order_value_mean"].to_numpy(float)
        gg = gamma_gamma.fit(gx, gz)
        row.update(p=gg.p, q=gg.q, v=gg.v, gg_log_likelihood=gg.log_likelihood, gg_n_customers=gg.n_customers,
                   gg_converged=gg.converged, frequency_value_correlation=float(np.corrcoef(gx, gz)[0, 1]))
        scores["gg_expected_order_value"] = gamma_gamma.expected_value(gg.params, x, z)
        scores["clv"] = clv(bg.params, gg.params, x, t_x, T, z, settings.clv_horizon_days,
                            settings.clv_annual_discount_rate)
    else:
        row["model_status"] = "gamma_gamma_too_few_rows"
    row["fit_seconds"] = time.perf_counter() - started
    return scores, row


def purchase_model_outputs(history: pd.DataFrame, settings: PurchaseModelSettings,
                           roles: tuple[str, ...] = ("scoring", "training", "backtest")) -> pd.DataFrame:
    """Both results of the purchase model, stacked for the dbt Python model ml_purchase_model:
    result_kind 'scores' (SCORE_COLUMNS: one row per customer with a completed order and feature
    date role) and 'parameters' (PARAMETER_COLUMNS: one row per role). Each role is fitted on its
    own date's history, so the training-date values see nothing after the training date."""
    scores, rows = [], []
    for role in roles:
        part = history.loc[history["feature_date_role"] == role, INPUT_COLUMNS]
        part_scores, row = fit_and_score(part, settings)
        row["feature_date_role"] = role
        scores.append(part_scores)
        rows.append(row)
    scored = pd.concat([s for s in scores if len(s)] or [pd.DataFrame(columns=SCORE_COLUMNS)], ignore_index=True)
    scored = scored.astype({c: float for c in SCORE_COLUMNS[2:]})
    scored.insert(0, "result_kind", "scores")
    parameters = pd.DataFrame(rows, columns=PARAMETER_COLUMNS)
    parameters = parameters.astype({c: float for c in PARAMETER_COLUMNS
                                    if c not in ("feature_date_role", "model_status", "bgnbd_converged", "gg_converged")})
    parameters = parameters.astype({"bgnbd_converged": "boolean", "gg_converged": "boolean"})
    parameters.insert(0, "result_kind", "parameters")
    out = pd.concat([scored, parameters], ignore_index=True, sort=False)
    # a text column that is all null (customer_id with no scores) typed as text: the engines cannot
    # type a column of nulls; the others keep the type the other Python models return
    text = ("result_kind", "customer_id", "feature_date_role", "model_status")
    return out.astype({c: "string" for c in text if out[c].isna().all()})
