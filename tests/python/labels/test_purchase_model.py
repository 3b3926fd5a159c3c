"""The purchase model (customer_activation.labels: bgnbd, gamma_gamma, purchase_model): the
likelihoods against hand-computed values, parameter recovery on data simulated from the models
themselves, the closed-form scores' sanity, the CLV's discounting, and the stacked dbt output."""
from __future__ import annotations

import dataclasses
import math

import numpy as np
import pandas as pd
import pytest
from customer_activation import settings as registry_settings
from customer_activation.labels import bgnbd, gamma_gamma
from customer_activation.labels.purchase_model import (
    INPUT_COLUMNS,
    PARAMETER_COLUMNS,
    SCORE_COLUMNS,
    PurchaseModelSettings,
    clv,
    purchase_model_outputs,
)
from scipy.special import hyp2f1

# FHL 2005's CDNOW estimates (weeks) rescaled to days: alpha × 7; a and b are unitless.
BG_TRUE = (0.243, 4.414 * 7, 0.793, 2.426)
# Fader & Hardie's Gamma-Gamma note estimates on CDNOW.
GG_TRUE = (6.25, 3.74, 15.44)
# maximum relative error of a recovered parameter (20k simulated customers; observed at most 10 %,
# for Gamma-Gamma's v, which trades off against p: their population mean v p / (q - 1) is within 1 %)
RECOVERY_TOLERANCE = 0.15


def registry_defaults(**overrides) -> PurchaseModelSettings:
    defaults = {e["name"]: e["default"] for e in registry_settings.registry()}
    return PurchaseModelSettings.from_settings({**defaults, **overrides})


@pytest.fixture(scope="module")
def simulated():
    rng = np.random.default_rng(20)
    T = rng.uniform(30.0, 540.0, 20_000)
    x, t_x = bgnbd.simulate(BG_TRUE, T, rng)
    z = np.full(x.shape, np.nan)
    z[x > 0] = gamma_gamma.simulate(GG_TRUE, x[x > 0], rng)
    return x, t_x, T, z


def test_bgnbd_log_likelihood_matches_a_hand_computation():
    r, alpha, a, b = 0.5, 10.0, 0.8, 2.0
    x, t_x, T = 2, 30.0, 50.0
    # FHL 2005 eq. (6), term by term with math.lgamma
    beta = lambda u, w: math.exp(math.lgamma(u) + math.lgamma(w) - math.lgamma(u + w))  # noqa: E731
    common = math.gamma(r + x) * alpha ** r / math.gamma(r)
    alive = beta(a, b + x) / beta(a, b) * common / (alpha + T) ** (r + x)
    dropped = beta(a + 1, b + x - 1) / beta(a, b) * common / (alpha + t_x) ** (r + x)
    got = bgnbd.log_likelihood((r, alpha, a, b), [x], [t_x], [T])[0]
    assert got == pytest.approx(math.log(alive + dropped), rel=1e-12)
    # no repeat purchase: only the "alive" term
    only = beta(a, b) / beta(a, b) * alpha ** r / (alpha + T) ** r
    assert bgnbd.log_likelihood((r, alpha, a, b), [0], [0.0], [T])[0] == pytest.approx(math.log(only), rel=1e-12)


def test_gamma_gamma_log_likelihood_matches_a_hand_computation():
    p, q, v, x, z = 2.0, 3.0, 10.0, 3, 12.5
    px = p * x
    density = (math.gamma(px + q) / (math.gamma(px) * math.gamma(q)) * v ** q * x ** px * z ** (px - 1)
               / (v + x * z) ** (px + q))
    assert gamma_gamma.log_likelihood((p, q, v), [x], [z])[0] == pytest.approx(math.log(density), rel=1e-12)


def test_bgnbd_recovers_the_parameters_it_was_simulated_from(simulated):
    x, t_x, T, _ = simulated
    fit = bgnbd.fit(x, t_x, T)
    assert fit.converged and fit.n_customers == 20_000
    for got, true in zip(fit.params, BG_TRUE):
        assert abs(got / true - 1) < RECOVERY_TOLERANCE, (fit, BG_TRUE)
    # the maximum beats the truth (it is the maximum)
    assert fit.log_likelihood >= bgnbd.log_likelihood(BG_TRUE, x, t_x, T).sum()


def test_gamma_gamma_recovers_the_parameters_it_was_simulated_from(simulated):
    x, _, _, z = simulated
    repeat = x > 0
    fit = gamma_gamma.fit(x[repeat], z[repeat])
    assert fit.converged and fit.n_customers == repeat.sum()
    for got, true in zip(fit.params, GG_TRUE):
        assert abs(got / true - 1) < RECOVERY_TOLERANCE, (fit, GG_TRUE)
    p, q, v = GG_TRUE
    assert fit.v * fit.p / (fit.q - 1) == pytest.approx(v * p / (q - 1), rel=0.03)


def test_p_alive_is_one_without_repeat_purchases_and_falls_with_time_since_the_last():
    params = BG_TRUE
    assert np.all(bgnbd.p_alive(params, [0, 0], [0.0, 0.0], [1.0, 500.0]) == 1.0)
    t_x = np.array([300.0, 250.0, 200.0, 100.0, 10.0])
    alive = bgnbd.p_alive(params, np.full(5, 4.0), t_x, np.full(5, 300.0))
    assert alive[0] < 1.0 and np.all(np.diff(alive) < 0) and np.all(alive > 0)
    # expected purchases fall with it, and grow with the horizon
    expected = bgnbd.expected_purchases(params, 90, np.full(5, 4.0), t_x, np.full(5, 300.0))
    assert np.all(np.diff(expected) < 0)
    longer = bgnbd.expected_purchases(params, 180, np.full(5, 4.0), t_x, np.full(5, 300.0))
    assert np.all(longer > expected)


def test_expected_purchases_equal_the_untransformed_formula_and_the_unconditional_one():
    r, alpha, a, b = params = BG_TRUE
    x = np.array([0.0, 1.0, 3.0, 8.0])
    t_x = np.array([0.0, 40.0, 150.0, 280.0])
    T = np.array([60.0, 120.0, 200.0, 300.0])
    t = 90.0
    untransformed = ((a + b + x - 1) / (a - 1)
                     * (1 - ((alpha + T) / (alpha + T + t)) ** (r + x) * hyp2f1(r + x, b + x, a + b + x - 1, t / (alpha + T + t)))
                     * bgnbd.p_alive(params, x, t_x, T))
    np.testing.assert_allclose(bgnbd.expected_purchases(params, t, x, t_x, T), untransformed, rtol=1e-9)
    # a customer with x = 0 at T = 0 is a new customer: the conditional expectation is E[X(t)]
    np.testing.assert_allclose(bgnbd.expected_purchases(params, t, [0.0], [0.0], [0.0]),
                               bgnbd.expected_purchases_unconditional(params, t), rtol=1e-9)


def test_expected_purchases_stay_accurate_for_frequent_customers_and_long_horizons():
    """Where the textbook forms break (x in the hundreds; horizons longer than alpha + T, where
    a 2F1 of argument -t / (alpha + T) lost all precision and gave CLVs of 1e10 on the demo):
    increasing in t, and below P(alive) x the posterior mean rate (r + x) / (alpha + T) x t
    (while alive the rate is Gamma(r + x, alpha + T); dropping out only lowers it)."""
    params = r, alpha, a, b = (0.638, 11.74, 0.721, 22.23)  # the demo's fit
    x = np.array([274.0, 59.0, 48.0, 5.0, 0.0])
    t_x = np.array([1400.0, 133.0, 165.0, 100.0, 0.0])
    T = np.array([1410.0, 141.0, 166.0, 200.0, 50.0])
    previous = np.zeros(5)
    for t in (30.0, 90.0, 365.0, 730.0, 3650.0):
        got = bgnbd.expected_purchases(params, t, x, t_x, T)
        bound = bgnbd.p_alive(params, x, t_x, T) * (r + x) / (alpha + T) * t
        assert np.all(np.isfinite(got)) and np.all(got > previous) and np.all(got <= bound * (1 + 1e-9)), (t, got, bound)
        previous = got


def test_expected_purchases_match_the_simulation():
    rng = np.random.default_rng(3)
    T = np.full(40_000, 365.0)
    x, _ = bgnbd.simulate(BG_TRUE, T, rng)
    assert x.mean() == pytest.approx(bgnbd.expected_purchases_unconditional(BG_TRUE, 365.0), rel=0.05)


def test_expected_order_value_shrinks_towards_the_population_mean():
    p, q, v = GG_TRUE
    population = v * p / (q - 1)
    got = gamma_gamma.expected_value(GG_TRUE, [0, 1, 10, 100], [np.nan, 100.0, 100.0, 100.0])
    assert got[0] == pytest.approx(population)
    assert population < got[1] < got[2] < got[3] < 100.0


def test_clv_is_discounted():
    x, t_x, T, z = [3.0, 0.0], [200.0, 0.0], [300.0, 100.0], [50.0, np.nan]
    undiscounted = clv(BG_TRUE, GG_TRUE, x, t_x, T, z, 365, 0.0)
    discounted = clv(BG_TRUE, GG_TRUE, x, t_x, T, z, 365, 0.1)
    heavier = clv(BG_TRUE, GG_TRUE, x, t_x, T, z, 365, 0.5)
    assert np.all(heavier < discounted) and np.all(discounted < undiscounted)
    # with no discount it is expected purchases in the horizon × expected order value
    np.testing.assert_allclose(undiscounted, bgnbd.expected_purchases(BG_TRUE, 365, x, t_x, T)
                               * gamma_gamma.expected_value(GG_TRUE, x, z), rtol=1e-9)
    assert np.all(clv(BG_TRUE, GG_TRUE, x, t_x, T, z, 730, 0.1) > discounted)


def test_settings_are_named_as_their_vars_and_default_nowhere_else():
    names = {e["name"] for e in registry_settings.registry()}
    assert {f.name for f in dataclasses.fields(PurchaseModelSettings)} <= names
    assert all(f.default is dataclasses.MISSING for f in dataclasses.fields(PurchaseModelSettings))


def _history(simulated, roles=("scoring", "training", "backtest")) -> pd.DataFrame:
    x, t_x, T, z = simulated
    n = 3000
    frames = []
    for shift, role in enumerate(roles):
        frames.append(pd.DataFrame({
            "customer_id": [f"c{i:05d}" for i in range(n)], "feature_date_role": role,
            "repeat_purchases": x[:n], "first_to_last_days": np.floor(t_x[:n]),
            "first_to_date_days": np.floor(T[:n]) + shift, "repeat_order_value_mean": z[:n]}))
    return pd.concat(frames, ignore_index=True)[INPUT_COLUMNS]


def test_outputs_stack_scores_and_parameters_for_every_role(simulated):
    out = purchase_model_outputs(_history(simulated), registry_defaults(purchase_model_max_training_rows=1000))
    scores = out[out["result_kind"] == "scores"]
    parameters = out[out["result_kind"] == "parameters"].set_index("feature_date_role")
    assert set(SCORE_COLUMNS + PARAMETER_COLUMNS) <= set(out.columns)
    assert len(scores) == 9000 and not scores[SCORE_COLUMNS].isna().any().any()
    assert scores["bgnbd_p_alive"].between(0, 1).all() and (scores["clv"] >= 0).all()
    assert list(parameters.index) == ["scoring", "training", "backtest"]
    assert (parameters["model_status"] == "ok").all() and (parameters["bgnbd_n_customers"] == 1000).all()
    assert parameters["bgnbd_converged"].all() and parameters["gg_converged"].all()
    # seeded: the same inputs give the same fit
    again = purchase_model_outputs(_history(simulated), registry_defaults(purchase_model_max_training_rows=1000))
    pd.testing.assert_frame_equal(out.drop(columns="fit_seconds"), again.drop(columns="fit_seconds"))


def test_too_few_customers_give_no_model_but_a_status(simulated):
    history = _history(simulated).groupby("feature_date_role").head(10)
    out = purchase_model_outputs(history, registry_defaults(purchase_model_min_training_rows=50))
    assert (out["result_kind"] == "scores").sum() == 0
    assert list(out.loc[out["result_kind"] == "parameters", "model_status"]) == ["too_few_rows"] * 3
    empty = purchase_model_outputs(pd.DataFrame(columns=INPUT_COLUMNS), registry_defaults())
    assert list(empty["model_status"]) == ["too_few_rows"] * 3


def test_no_repeat_purchases_at_all_give_p_alive_one_and_no_spend_model():
    """All orders on one day (a first import, say): x = 0 for everyone."""
    n = 200
    history = pd.DataFrame({"customer_id": [f"c{i:03d}" for i in range(n)], "feature_date_role": "scoring",
                            "repeat_purchases": 0.0, "first_to_last_days": 0.0, "first_to_date_days": 30.0,
                            "repeat_order_value_mean": np.nan})
    out = purchase_model_outputs(history, registry_defaults(), roles=("scoring",))
    scores = out[out["result_kind"] == "scores"]
    assert len(scores) == n and (scores["bgnbd_p_alive"] == 1.0).all()
    assert np.isfinite(scores["bgnbd_expected_purchases"]).all() and (scores["bgnbd_expected_purchases"] >= 0).all()
    assert scores["clv"].isna().all()
    assert list(out.loc[out["result_kind"] == "parameters", "model_status"]) == ["gamma_gamma_too_few_rows"]


def test_expected_purchases_are_continuous_through_a_equal_one():
    x, t_x, T = np.array([0.0, 3.0]), np.array([0.0, 100.0]), np.array([50.0, 200.0])
    at_one = bgnbd.expected_purchases((0.5, 20.0, 1.0, 3.0), 90, x, t_x, T)
    near = bgnbd.expected_purchases((0.5, 20.0, 1.001, 3.0), 90, x, t_x, T)
    assert np.all(np.isfinite(at_one))
    np.testing.assert_allclose(at_one, near, rtol=1e-2)


def test_conditional_forecasts_match_the_simulated_future():
    """P(alive), the conditional expectation (FHL eq. 10) and P(no purchase) against what the
    model's own customers do in the next 90 days, grouped by their history, with the true
    parameters."""
    rng = np.random.default_rng(5)
    T = np.floor(rng.uniform(30.0, 540.0, 60_000))
    x, t_x, future = bgnbd.simulate(BG_TRUE, T, rng, horizon=90.0)
    expected = bgnbd.expected_purchases(BG_TRUE, 90.0, x, t_x, T)
    no_purchase = bgnbd.p_no_purchase(BG_TRUE, 90.0, x, t_x, T)
    assert expected.mean() == pytest.approx(future.mean(), rel=0.05)
    assert no_purchase.mean() == pytest.approx((future == 0).mean(), abs=0.01)
    for group in (x == 0, (x > 0) & (T - t_x > 200), (x >= 3) & (T - t_x < 30)):  # never repeated, lapsed, active
        assert group.sum() > 1000
        assert expected[group].mean() == pytest.approx(future[group].mean(), rel=0.1, abs=0.01)
        assert no_purchase[group].mean() == pytest.approx((future[group] == 0).mean(), abs=0.02)


def test_the_integral_over_p_equals_the_closed_form():
    x = np.array([0.0, 1, 2, 5, 20])
    t_x = np.array([0.0, 50, 100, 300, 350])
    T = np.array([30.0, 200, 365, 400, 360])
    for horizon in (30.0, 365.0, 1000.0):
        closed = bgnbd.expected_purchases(BG_TRUE, horizon, x, t_x, T)
        assert bgnbd.expected_purchases_by_quadrature(BG_TRUE, horizon, x, t_x, T) == pytest.approx(closed, rel=1e-5)


def test_expected_purchases_stay_finite_when_the_dropout_beta_is_nearly_a_point_mass():
    """A fit seen on a one-order-heavy export: a and b in the tens of thousands, where scipy's
    2F1 overflows (it gave -inf and NaN expected purchases). With p = a / (a + b) nearly fixed,
    the expectation tends to P(alive) (1 - ((alpha + T) / (alpha + T + p t))^(r + x)) / p."""
    r, alpha, a, b = 8.615769913886842, 3716.044923713982, 31584.5091109224, 162754.72831965712
    x = np.array([0.0, 1, 2, 3, 7, 0, 4])
    t_x = np.array([0.0, 30, 200, 400, 690, 0, 100])
    T = np.array([10.0, 60, 380, 700, 700, 900, 800])
    p = a / (a + b)
    for horizon in (90.0, 365.0, 3650.0):
        got = bgnbd.expected_purchases((r, alpha, a, b), horizon, x, t_x, T)
        limit = bgnbd.p_alive((r, alpha, a, b), x, t_x, T) * (1 - ((alpha + T) / (alpha + T + p * horizon)) ** (r + x)) / p
        assert np.all(np.isfinite(got)) and np.all(got >= 0), (horizon, got)
        assert got == pytest.approx(limit, rel=2e-3), horizon
