"""Customer lifetime value: the BG/NBD purchase model with the Gamma-Gamma spend model.

Pure numpy/scipy, no Odoo. Time is counted in days. For each customer:
    x    repeat purchases (purchases after the first one)
    t_x  days from the first to the last purchase
    T    days from the first purchase to the date of the analysis
    m    mean value of the customer's purchases, n the number of purchases

References: Fader, Hardie & Lee, "Counting your customers the easy way: an alternative to the
Pareto/NBD model" (2005) for BG/NBD; Fader, Hardie & Lee, "RFM and CLV: using iso-value
curves for customer base analysis" (2005) for Gamma-Gamma.
"""

from dataclasses import dataclass, field

import numpy as np
from scipy import optimize, special

# Below this many customers with repeat purchases the model is not fitted: its parameters
# would say more about chance than about the customers.
MIN_REPEAT_CUSTOMERS = 30
# The fit runs on at most this many customers (a random sample); predictions cover everyone.
MAX_FIT_SAMPLE = 50_000


@dataclass
class FitResult:
    """Outcome of fitting: method is "model" or "historical"; reason says why not "model"."""

    method: str
    params: dict = field(default_factory=dict)
    reason: str = ""
    repeat_customers: int = 0


def bgnbd_log_likelihood(params, x, t_x, T):
    """Per-customer log-likelihood of BG/NBD (array)."""
    r, alpha, a, b = params
    x = np.asarray(x, dtype=float)
    t_x = np.asarray(t_x, dtype=float)
    T = np.asarray(T, dtype=float)
    a1 = special.gammaln(r + x) - special.gammaln(r) + r * np.log(alpha)
    a2 = (
        special.gammaln(a + b)
        + special.gammaln(b + x)
        - special.gammaln(b)
        - special.gammaln(a + b + x)
    )
    a3 = -(r + x) * np.log(alpha + T)
    with np.errstate(divide="ignore", invalid="ignore"):
        a4 = np.where(
            x > 0,
            np.log(a) - np.log(np.maximum(b + x - 1, 1e-12)) - (r + x) * np.log(alpha + t_x),
            -np.inf,
        )
    return a1 + a2 + np.logaddexp(a3, a4)


def gamma_gamma_log_likelihood(params, n, m):
    """Per-customer log-likelihood of Gamma-Gamma for n purchases of mean value m (array)."""
    p, q, gamma = params
    n = np.asarray(n, dtype=float)
    m = np.asarray(m, dtype=float)
    return (
        special.gammaln(p * n + q)
        - special.gammaln(p * n)
        - special.gammaln(q)
        + q * np.log(gamma)
        + (p * n - 1) * np.log(m)
        + p * n * np.log(n)
        - (p * n + q) * np.log(gamma + n * m)
    )


def _fit(neg_ll, start):
    result = optimize.minimize(
        neg_ll,
        np.log(start),
        method="L-BFGS-B",
        bounds=[(-10.0, 10.0)] * len(start),
    )
    params = np.exp(result.x)
    # L-BFGS-B often stops on "abnormal termination in line search" right at the optimum
    # of a flat likelihood; a finite likelihood better than the start is a usable fit.
    usable = (
        np.isfinite(result.fun)
        and result.fun <= neg_ll(np.log(start))
        and bool(np.all(np.isfinite(params)))
    )
    return params, usable


def _sample(rng, size, *arrays):
    if len(arrays[0]) <= size:
        return arrays
    idx = rng.choice(len(arrays[0]), size=size, replace=False)
    return tuple(a[idx] for a in arrays)


def fit(x, t_x, T, n, m, seed=0):
    """Fit BG/NBD on (x, t_x, T) and Gamma-Gamma on repeat customers' (n, m).

    Returns a FitResult; method "historical" (with a reason) when the data cannot carry
    the model.
    """
    x = np.asarray(x, dtype=float)
    t_x = np.asarray(t_x, dtype=float)
    T = np.asarray(T, dtype=float)
    n = np.asarray(n, dtype=float)
    m = np.asarray(m, dtype=float)
    repeat = int(np.count_nonzero(x > 0))
    if repeat < MIN_REPEAT_CUSTOMERS:
        return FitResult("historical", reason="too_few_repeat", repeat_customers=repeat)
    rng = np.random.default_rng(seed)
    sx, st_x, sT = _sample(rng, MAX_FIT_SAMPLE, x, t_x, T)
    scale = max(float(np.mean(sT)), 1.0)

    def bg_neg_ll(log_params):
        return -np.mean(bgnbd_log_likelihood(np.exp(log_params), sx, st_x, sT))

    bg, ok = _fit(bg_neg_ll, [1.0, scale, 1.0, 1.0])
    if not ok:
        return FitResult("historical", reason="no_convergence", repeat_customers=repeat)

    spenders = (n > 1) & (m > 0)
    gg = None
    if np.count_nonzero(spenders) >= MIN_REPEAT_CUSTOMERS:
        sn, sm = _sample(rng, MAX_FIT_SAMPLE, n[spenders], m[spenders])
        mean_m = max(float(np.mean(sm)), 1e-6)

        def gg_neg_ll(log_params):
            return -np.mean(gamma_gamma_log_likelihood(np.exp(log_params), sn, sm))

        gg, gg_ok = _fit(gg_neg_ll, [2.0, 3.0, mean_m])
        if not gg_ok or gg[1] <= 1:
            gg = None
    params = dict(zip(("r", "alpha", "a", "b"), bg.tolist(), strict=True))
    if gg is not None:
        params.update(zip(("p", "q", "gamma"), gg.tolist(), strict=True))
    return FitResult("model", params=params, repeat_customers=repeat)


def probability_alive(params, x, t_x, T):
    r, alpha, a, b = (params[k] for k in ("r", "alpha", "a", "b"))
    x = np.asarray(x, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        odds = np.where(
            x > 0,
            a / np.maximum(b + x - 1, 1e-12) * ((alpha + T) / (alpha + t_x)) ** (r + x),
            0.0,
        )
    return 1.0 / (1.0 + odds)


def expected_purchases(params, horizon, x, t_x, T):
    """Expected number of purchases in the next `horizon` days, per customer."""
    r, alpha, a, b = (params[k] for k in ("r", "alpha", "a", "b"))
    x = np.asarray(x, dtype=float)
    t_x = np.asarray(t_x, dtype=float)
    T = np.asarray(T, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        hyp = special.hyp2f1(r + x, b + x, a + b + x - 1, horizon / (alpha + T + horizon))
        head = (a + b + x - 1) / (a - 1)
        body = 1 - ((alpha + T) / (alpha + T + horizon)) ** (r + x) * hyp
        odds = np.where(
            x > 0,
            a / np.maximum(b + x - 1, 1e-12) * ((alpha + T) / (alpha + t_x)) ** (r + x),
            0.0,
        )
        result = head * body / (1 + odds)
    return np.where(np.isfinite(result) & (result >= 0), result, np.nan)


def expected_spend(params, n, m):
    """Expected value of a future purchase (Gamma-Gamma), or the customer's own mean."""
    n = np.asarray(n, dtype=float)
    m = np.asarray(m, dtype=float)
    own = np.maximum(m, 0.0)
    if "p" not in params:
        return own
    p, q, gamma = params["p"], params["q"], params["gamma"]
    with np.errstate(divide="ignore", invalid="ignore"):
        est = p * (gamma + n * m) / (p * n + q - 1)
    return np.where((m > 0) & np.isfinite(est), est, own)


def historical_value(horizon, total, T):
    """What the customer's past spend rate would give over the horizon (no model)."""
    total = np.asarray(total, dtype=float)
    T = np.asarray(T, dtype=float)
    return np.maximum(total, 0.0) / np.maximum(T, 90.0) * horizon
