"""The BG/NBD model of repeat purchases (Fader, Hardie & Lee 2005, "Counting your customers
the easy way: an alternative to the Pareto/NBD model", Marketing Science 24(2)), written from
the paper's formulas and fitted by maximum likelihood with scipy.

While alive, a customer buys as a Poisson process with rate lambda ~ Gamma(r, alpha) (shape r,
rate alpha); after each purchase they drop out with probability p ~ Beta(a, b). Per customer the
model sees x (repeat purchases: purchases after the first), t_x (time of the last purchase,
measured from the first) and T (time from the first purchase to the scoring date), all in one
time unit (this project uses days). Everything here is vectorised numpy over customers.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize
from scipy.special import betaln, gammaln, hyp2f1
from scipy.stats import beta as beta_distribution

PARAMETER_NAMES = ("r", "alpha", "a", "b")


@dataclass(frozen=True)
class BgNbdFit:
    """Fitted parameters, the maximised log-likelihood (sum over the fitted customers),
    how many customers it was fitted on and whether the optimiser converged."""

    r: float
    alpha: float
    a: float
    b: float
    log_likelihood: float
    n_customers: int
    converged: bool
    message: str = ""

    @property
    def params(self) -> tuple[float, float, float, float]:
        return self.r, self.alpha, self.a, self.b


def log_likelihood(params, x, t_x, T) -> np.ndarray:
    """ln L(r, alpha, a, b | x, t_x, T) per customer, FHL 2005 eq. (6):

        L = B(a, b + x) / B(a, b) * G(r + x) alpha^r / (G(r) (alpha + T)^(r + x))
          + [x > 0] B(a + 1, b + x - 1) / B(a, b) * G(r + x) alpha^r / (G(r) (alpha + t_x)^(r + x))

    (the first term: still alive at T; the second: dropped out right after the last purchase),
    summed in log space with logaddexp so large x neither overflows nor underflows."""
    r, alpha, a, b = params
    x = np.asarray(x, dtype=float)
    t_x = np.asarray(t_x, dtype=float)
    T = np.asarray(T, dtype=float)
    common = gammaln(r + x) - gammaln(r) + r * np.log(alpha) - betaln(a, b)
    alive = betaln(a, b + x) - (r + x) * np.log(alpha + T)
    repeat = x > 0
    # where x = 0 the second term is absent; evaluate it at a harmless x there and mask it out
    x_safe = np.where(repeat, x, 1.0)
    dropped = betaln(a + 1, b + x_safe - 1) - (r + x) * np.log(alpha + t_x)
    return common + np.where(repeat, np.logaddexp(alive, dropped), alive)


def _compress(*columns: np.ndarray) -> tuple[list[np.ndarray], np.ndarray]:
    """Distinct rows of the columns and how often each occurs: with day-granular inputs many
    customers share (x, t_x, T), and the likelihood is a weighted sum over distinct rows."""
    stacked = np.column_stack([np.asarray(c, dtype=float) for c in columns])
    unique, counts = np.unique(stacked, axis=0, return_counts=True)
    return [unique[:, i] for i in range(unique.shape[1])], counts.astype(float)


def fit(x, t_x, T, max_iter: int = 500) -> BgNbdFit:
    """Maximum-likelihood fit of (r, alpha, a, b) by L-BFGS-B on their logarithms (so every
    parameter stays positive without constraints), from a method-of-moments style start:
    r = 1, alpha = r / (mean purchase rate), a = 1, b = 3."""
    x = np.asarray(x, dtype=float)
    t_x = np.asarray(t_x, dtype=float)
    T = np.asarray(T, dtype=float)
    if x.size == 0:
        raise ValueError("no customers to fit the BG/NBD model on")
    if np.any(x < 0) or np.any(t_x < 0) or np.any(t_x > T) or np.any((x == 0) & (t_x != 0)):
        raise ValueError("BG/NBD inputs need x >= 0, 0 <= t_x <= T and t_x = 0 when x = 0")
    (ux, ut, uT), weights = _compress(x, t_x, T)
    total = weights.sum()
    rate = max(x.sum() / max(T.sum(), 1e-9), 1e-6)
    start = np.log([1.0, 1.0 / rate, 1.0, 3.0])

    def objective(theta):
        value = -np.dot(weights, log_likelihood(np.exp(theta), ux, ut, uT)) / total
        return value if np.isfinite(value) else 1e300

    result = minimize(objective, start, method="L-BFGS-B", bounds=[(-12.0, 12.0)] * 4,
                      options={"maxiter": max_iter})
    r, alpha, a, b = np.exp(result.x)
    return BgNbdFit(r=float(r), alpha=float(alpha), a=float(a), b=float(b),
                    log_likelihood=float(-result.fun * total), n_customers=int(x.size),
                    converged=bool(result.success), message=str(result.message))


def p_alive(params, x, t_x, T) -> np.ndarray:
    """P(still alive at T | x, t_x, T), FHL 2005 eq. (11) in its closed form:
    1 / (1 + [x > 0] a / (b + x - 1) * ((alpha + T) / (alpha + t_x))^(r + x)).
    A customer with no repeat purchase (x = 0) has not had a chance to drop out (in BG/NBD
    dropout happens only right after a purchase), so P(alive) = 1."""
    r, alpha, a, b = params
    x = np.asarray(x, dtype=float)
    t_x = np.asarray(t_x, dtype=float)
    T = np.asarray(T, dtype=float)
    repeat = x > 0
    x_safe = np.where(repeat, x, 1.0)
    log_odds = np.log(a) - np.log(b + x_safe - 1) + (r + x) * (np.log(alpha + T) - np.log(alpha + t_x))
    return np.where(repeat, 1.0 / (1.0 + np.exp(np.minimum(log_odds, 700.0))), 1.0)


def expected_purchases(params, t, x, t_x, T) -> np.ndarray:
    """E[purchases in (T, T + t] | x, t_x, T], FHL 2005 eq. (10):

        (a + b + x - 1) / (a - 1)
          * [1 - ((alpha + T) / (alpha + T + t))^(r + x) 2F1(r + x, b + x; a + b + x - 1; t / (alpha + T + t))]
          / (1 + [x > 0] a / (b + x - 1) ((alpha + T) / (alpha + t_x))^(r + x))

    The bracket is computed after two Pfaff transformations, 2F1(A, B; C; z) =
    (1 - z)^(-A) 2F1(A, C - B; C; z / (z - 1)) = (1 - z)^(C - A - B) 2F1(C - A, C - B; C; z) (Euler),
    which give, with z = t / (alpha + T + t):

        1 - ((alpha + T + t) / (alpha + T))^(1 - a) 2F1(a + b - 1 - r, a - 1; a + b + x - 1; z)

    The untransformed form multiplies a 2F1 whose first parameters grow with x (it overflows
    for frequent customers) by a power that underflows; after one Pfaff step the argument
    -t / (alpha + T) leaves the unit disc for horizons longer than alpha + T, where scipy's
    2F1 loses all precision (CLVs of 1e10 on the demo). Here the first two parameters do not
    depend on x, the argument stays in [0, 1) and the series converges fast."""
    r, alpha, a, b = params
    if abs(a - 1.0) < 1e-7:
        # a = 1 is a removable singularity (0 / 0): the mean of the values on either side
        return 0.5 * (expected_purchases((r, alpha, 1.0 - 1e-6, b), t, x, t_x, T)
                      + expected_purchases((r, alpha, 1.0 + 1e-6, b), t, x, t_x, T))
    x = np.asarray(x, dtype=float)
    t = np.broadcast_to(np.asarray(t, dtype=float), x.shape)
    T = np.asarray(T, dtype=float)
    z = t / (alpha + T + t)
    with np.errstate(over="ignore", invalid="ignore"):
        bracket = 1.0 - ((alpha + T + t) / (alpha + T)) ** (1.0 - a) * hyp2f1(a + b - 1.0 - r, a - 1.0, a + b + x - 1.0, z)
    # A fit where the dropout Beta is nearly a point mass (a and b in the tens of thousands,
    # seen on one-order-heavy exports) makes the 2F1 overflow while the power underflows:
    # there the same expectation is integrated over p numerically.
    expected = np.array((a + b + x - 1.0) / (a - 1.0) * bracket * p_alive(params, x, t_x, T), dtype=float)
    bad = ~np.isfinite(expected) | (expected < 0.0)
    if np.any(bad):
        t_x = np.broadcast_to(np.asarray(t_x, dtype=float), x.shape)
        T = np.broadcast_to(T, x.shape)
        expected[bad] = expected_purchases_by_quadrature(params, t[bad], x[bad], t_x[bad], T[bad])
    return expected


def expected_purchases_by_quadrature(params, t, x, t_x, T, n_nodes: int = 64) -> np.ndarray:
    """The same E[purchases in (T, T + t] | x, t_x, T] as an integral over the dropout
    probability: given alive at T, lambda ~ Gamma(r + x, alpha + T) and p ~ Beta(a, b + x)
    (x dropout chances survived) are independent, and an alive customer with (lambda, p) makes
    (1 - exp(-lambda p t)) / p purchases in t on average, so

        E = P(alive) * E_p[(1 - ((alpha + T) / (alpha + T + p t))^(r + x)) / p].

    E_p is a Gauss-Legendre sum over the Beta's quantiles (p = F^-1(u), u in (0, 1)); the
    integrand is bounded and smooth in u, so 64 nodes give about 1e-6 relative error. For fits
    where the closed form's 2F1 overflows."""
    r, alpha, a, b = params
    x = np.asarray(x, dtype=float)
    t = np.broadcast_to(np.asarray(t, dtype=float), x.shape)
    T = np.asarray(T, dtype=float)
    nodes, weights = np.polynomial.legendre.leggauss(n_nodes)
    u, w = (nodes + 1.0) / 2.0, weights / 2.0
    mean = np.zeros(x.shape)
    for value in np.unique(x):
        rows = x == value
        p = beta_distribution.ppf(u, a, b + value)[None, :]
        log_ratio = np.log(alpha + T[rows])[:, None] - np.log(alpha + T[rows][:, None] + p * t[rows][:, None])
        mean[rows] = (-np.expm1((r + value) * log_ratio) / p) @ w
    return mean * p_alive(params, x, t_x, T)


def p_no_purchase(params, t, x, t_x, T) -> np.ndarray:
    """P(no purchase in (T, T + t] | x, t_x, T): dropped out already, or alive and no purchase of
    the Poisson process in t (dropout happens only right after a purchase, so an alive customer
    who buys nothing stays alive): 1 - P(alive) + P(alive) ((alpha + T) / (alpha + T + t))^(r + x),
    with the rate's posterior Gamma(r + x, alpha + T) given alive. The model's own churn
    probability over a label window of t."""
    r, alpha, a, b = params
    x = np.asarray(x, dtype=float)
    T = np.asarray(T, dtype=float)
    alive = p_alive(params, x, t_x, T)
    return 1.0 - alive + alive * np.exp((r + x) * (np.log(alpha + T) - np.log(alpha + T + t)))


def expected_purchases_unconditional(params, t) -> np.ndarray:
    """E[X(t)] for a customer just acquired, FHL 2005 eq. (9):
    (a + b - 1) / (a - 1) * [1 - (alpha / (alpha + t))^r 2F1(r, b; a + b - 1; t / (alpha + t))]."""
    r, alpha, a, b = params
    t = np.asarray(t, dtype=float)
    return (a + b - 1.0) / (a - 1.0) * (1.0 - (alpha / (alpha + t)) ** r * hyp2f1(r, b, a + b - 1.0, t / (alpha + t)))


def simulate(params, T, rng: np.random.Generator, horizon: float = 0.0):
    """(x, t_x) drawn from the BG/NBD model itself for customers observed for T (an array):
    each draws lambda ~ Gamma(r, rate alpha) and p ~ Beta(a, b), buys at exponential gaps and,
    after every purchase, drops out with probability p. For tests (parameter recovery). With
    ``horizon`` > 0, also the purchases in (T, T + horizon]: (x, t_x, future)."""
    r, alpha, a, b = params
    T = np.asarray(T, dtype=float)
    n = T.size
    lam = rng.gamma(r, 1.0 / alpha, n)
    p = rng.beta(a, b, n)
    x = np.zeros(n)
    t_x = np.zeros(n)
    future = np.zeros(n)
    now = np.zeros(n)
    active = np.ones(n, dtype=bool)
    while active.any():
        idx = np.flatnonzero(active)
        now[idx] += rng.exponential(1.0 / lam[idx])
        seen = now[idx] <= T[idx]
        later = ~seen & (now[idx] <= T[idx] + horizon)
        got, late = idx[seen], idx[later]
        x[got] += 1
        t_x[got] = now[got]
        future[late] += 1
        active[idx[~seen & ~later]] = False
        # dropout right after this purchase
        bought = idx[seen | later]
        active[bought[rng.random(bought.size) < p[bought]]] = False
    return (x, t_x, future) if horizon > 0 else (x, t_x)
