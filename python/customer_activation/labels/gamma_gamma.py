"""The Gamma-Gamma model of spend per transaction (Fader & Hardie 2013, "The Gamma-Gamma model
of monetary value"; after Colombo & Jiang 1999), written from the note's formulas and fitted
by maximum likelihood with scipy.

A customer's transaction values are Gamma(p, nu) around a customer-level mean p / nu, with
nu ~ Gamma(q, v) across customers. Per customer the model sees x (the number of transactions
averaged) and z (their mean value, > 0). It assumes spend per transaction is independent of the
purchase process (frequency, recency): check the correlation of x and z before trusting it.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize
from scipy.special import gammaln

PARAMETER_NAMES = ("p", "q", "v")


@dataclass(frozen=True)
class GammaGammaFit:
    """Fitted parameters, the maximised log-likelihood (sum), customers fitted, convergence."""

    p: float
    q: float
    v: float
    log_likelihood: float
    n_customers: int
    converged: bool
    message: str = ""

    @property
    def params(self) -> tuple[float, float, float]:
        return self.p, self.q, self.v


def log_likelihood(params, x, z) -> np.ndarray:
    """ln f(z | p, q, v, x) per customer, the density of the mean z of x transaction values:

        f = G(p x + q) / (G(p x) G(q)) * v^q x^(p x) z^(p x - 1) / (v + x z)^(p x + q)
    """
    p, q, v = params
    x = np.asarray(x, dtype=float)
    z = np.asarray(z, dtype=float)
    px = p * x
    return (gammaln(px + q) - gammaln(px) - gammaln(q) + q * np.log(v) + px * np.log(x)
            + (px - 1.0) * np.log(z) - (px + q) * np.log(v + x * z))


def fit(x, z, max_iter: int = 500) -> GammaGammaFit:
    """Maximum-likelihood fit of (p, q, v) on customers with x > 0 and z > 0, by L-BFGS-B on
    ln p, ln(q - 1), ln v: q > 1 is what makes the population mean spend v p / (q - 1) (the
    expected spend of a customer with no repeat purchase yet) finite."""
    x = np.asarray(x, dtype=float)
    z = np.asarray(z, dtype=float)
    if x.size == 0:
        raise ValueError("no customers with repeat purchases to fit the Gamma-Gamma model on")
    if np.any(x <= 0) or np.any(z <= 0):
        raise ValueError("Gamma-Gamma inputs need x > 0 and a mean value z > 0")
    scale = float(np.mean(z))
    # fit on values in units of their mean (better conditioned); v scales with the values
    zs = z / scale
    start = np.array([np.log(2.0), np.log(2.0), np.log(2.0)])

    def objective(theta):
        p, q1, v = np.exp(theta)
        value = -np.mean(log_likelihood((p, 1.0 + q1, v), x, zs))
        return value if np.isfinite(value) else 1e300

    result = minimize(objective, start, method="L-BFGS-B", bounds=[(-12.0, 12.0)] * 3,
                      options={"maxiter": max_iter})
    p, q1, v = np.exp(result.x)
    q, v = 1.0 + q1, v * scale
    # the log-likelihood on the original scale (the density of z picks up 1 / scale per customer)
    ll = float(np.sum(log_likelihood((p, q, v), x, z)))
    return GammaGammaFit(p=float(p), q=float(q), v=float(v), log_likelihood=ll,
                         n_customers=int(x.size), converged=bool(result.success), message=str(result.message))


def expected_value(params, x, z) -> np.ndarray:
    """E[mean transaction value | x, z]: the posterior mean, a weighted average of the population
    mean v p / (q - 1) and the customer's own mean z, the weight on z growing with x:
    (q - 1) / (p x + q - 1) * v p / (q - 1) + p x / (p x + q - 1) * z.
    With x = 0 (or z unknown) it is the population mean."""
    p, q, v = params
    x = np.asarray(x, dtype=float)
    z = np.where(x > 0, np.nan_to_num(np.asarray(z, dtype=float)), 0.0)
    return (v * p + p * x * z) / (p * x + q - 1.0)


def simulate(params, x, rng: np.random.Generator) -> np.ndarray:
    """The mean of x transaction values per customer, drawn from the model: nu ~ Gamma(q, rate v),
    each value ~ Gamma(p, rate nu), so the mean of x values is Gamma(p x, rate x nu). For tests."""
    p, q, v = params
    x = np.asarray(x, dtype=float)
    nu = rng.gamma(q, 1.0 / v, x.size)
    return rng.gamma(p * x, 1.0 / (x * nu))
