"""Customer lifetime value: the BG/NBD purchase model with the Gamma-Gamma spend model.

Pure numpy/scipy, no Odoo. Time is counted in days; a purchase (a "transaction") is a day
with at least one confirmed order, in both models, so that they count the same events: as
in the published BG/NBD convention (Fader, Hardie & Lee's CDNOW analysis), several orders
of one customer on the same day are one transaction, worth their sum. For each customer:
    x        repeat purchases (days with an order after the first one)
    t_x      days from the first to the last purchase
    T        days from the first purchase to the date of the analysis
    m        mean value of the repeat purchases (the first one left out), 0 when x = 0

The conventions, as published:
- BG/NBD (Fader, Hardie & Lee, "Counting your customers the easy way: an alternative to the
  Pareto/NBD model", 2005) is fitted on (x, t_x, T) of every customer.
- Gamma-Gamma (Fader, Hardie & Lee, "RFM and CLV: using iso-value curves for customer base
  analysis", 2005) is fitted on the customers with at least one repeat purchase, on the
  number x and mean value m of their repeat purchases: the first order is left out, as
  in the paper, because it often differs from the later ones (a trial order, a welcome
  offer). Each customer's expected spend per purchase is the Gamma-Gamma posterior mean;
  a customer with no repeat purchase gets the population mean p * gamma / (q - 1).
- The lifetime value over the horizon is the expected number of purchases times the
  expected spend per purchase, discounted: the horizon is cut in DISCOUNT_STEPS equal
  parts, the purchases expected in each part are discounted at the annual rate from the
  middle of that part.

Robustness: amounts are fitted in units of the median mean spend, so the same customers
give the same lifetime values in rials or in euros (the optimiser's bounds and start values
no longer depend on the currency); mean spends far above the others (beyond Tukey's far
fence of the logarithms, and never below MEDIAN_MULTIPLE times the median, so that the
fence holds when most customers pay the same price and the quartiles meet) are left out of
the fit and capped for their own prediction, so one typo of 1e9 does not move every other
customer's expected spend; rows with impossible figures (NaN, T < 0, t_x > T, x < 0) are
left out of the fit and get no prediction. Refunds count in the spend (not as purchases):
a customer whose net spend is zero or below is expected to spend nothing per purchase.

When the spend model cannot be fitted (too few repeat customers with a positive spend, or
no usable fit), the BG/NBD purchases are valued at each customer's own mean purchase
value; the fit result says so (`spend_reason`).
"""

from dataclasses import dataclass, field

import numpy as np
from scipy import optimize, special

# Below this many customers with repeat purchases the model is not fitted: its parameters
# would say more about chance than about the customers.
MIN_REPEAT_CUSTOMERS = 30
# The fit runs on at most this many customers (a random sample); predictions cover everyone.
MAX_FIT_SAMPLE = 50_000
# bounds of the log-parameters for the optimiser: e^-12 .. e^12 (amounts are in units of
# the median spend and days are days, so every parameter sits well inside)
LOG_BOUND = 12.0
# Tukey's far fence: a mean spend above Q3 + 3 IQR of the logarithms is an outlier
FENCE = 3.0
# ... but never one below this many times the median mean spend: when most customers pay
# the same price, the quartiles meet (IQR 0) and the far fence would fall on that price,
# leaving out of the fit, and capping at that price, every customer who spends more
MEDIAN_MULTIPLE = 10.0
# the horizon is discounted in this many equal parts
DISCOUNT_STEPS = 4
# a = 1 makes the expected purchases 0/0: evaluated this far on both sides, and averaged
A_NEAR_ONE = 1e-4


# why the spend model was not fitted (FitResult.spend_reason)
SPEND_TOO_FEW = "too_few_spenders"
SPEND_NO_FIT = "no_convergence"


@dataclass
class FitResult:
    """Outcome of fitting: method is "model" or "historical"; reason says why not "model".
    `params` holds r, alpha, a, b (BG/NBD) and, when the spend model could be fitted, p, q,
    gamma (Gamma-Gamma, gamma in the currency's unit) and cap (the mean spend above which
    a customer's mean is capped); without them (`spend_reason` says why: SPEND_TOO_FEW or
    SPEND_NO_FIT) each customer's purchases are valued at their own mean purchase value.
    `dropped` counts the rows left out as impossible."""

    method: str
    params: dict = field(default_factory=dict)
    reason: str = ""
    repeat_customers: int = 0
    dropped: int = 0
    spend_reason: str = ""

    @property
    def spend_model(self):
        """Whether the Gamma-Gamma spend model values the purchases."""
        return has_spend_model(self.params)


def has_spend_model(params):
    """Whether fitted parameters hold the Gamma-Gamma spend model."""
    return "p" in (params or {})


def purchase_history(orders, as_of, refunds=()):
    """One customer's (x, t_x, T, first, total) from its orders [(day, amount)] (dates)
    and refunds [amount] (positive amounts, taken off its spend): the orders of a day are
    one purchase worth their sum, as the refresh counts them (the plain-Python definition
    its SQL is tested against)."""
    by_day = {}
    for day, amount in orders:
        by_day[day] = by_day.get(day, 0.0) + amount
    days = sorted(by_day)
    return (
        len(days) - 1,
        (days[-1] - days[0]).days,
        (as_of - days[0]).days,
        by_day[days[0]],
        sum(by_day.values()) - sum(refunds),
    )


def repeat_mean(x, first, total):
    """Gamma-Gamma's m: the mean value of the x repeat purchases, the first purchase (worth
    `first`) left out of the customer's `total` (refunds included); 0 when x = 0 or when
    the repeat purchases are worth nothing once refunded."""
    x = np.asarray(x, dtype=float)
    repeat_value = np.maximum(np.asarray(total, dtype=float) - np.asarray(first, dtype=float), 0)
    return np.divide(repeat_value, x, out=np.zeros_like(repeat_value), where=x > 0)


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
    start = np.clip(np.log(start), -LOG_BOUND, LOG_BOUND)
    result = optimize.minimize(
        neg_ll, start, method="L-BFGS-B", bounds=[(-LOG_BOUND, LOG_BOUND)] * len(start)
    )
    params = np.exp(result.x)
    # L-BFGS-B often stops on "abnormal termination in line search" right at the optimum
    # of a flat likelihood; a finite likelihood better than the start is a usable fit.
    usable = (
        np.isfinite(result.fun)
        and result.fun <= neg_ll(start)
        and bool(np.all(np.isfinite(params)))
    )
    return params, usable


def _sample(rng, size, *arrays):
    if len(arrays[0]) <= size:
        return arrays
    idx = rng.choice(len(arrays[0]), size=size, replace=False)
    return tuple(a[idx] for a in arrays)


def valid_rows(x, t_x, T, m):
    """The rows whose figures can be true: finite, x >= 0, 0 <= t_x <= T, m >= 0."""
    x, t_x, T, m = (np.asarray(v, dtype=float) for v in (x, t_x, T, m))
    with np.errstate(invalid="ignore"):
        return (
            np.isfinite(x)
            & np.isfinite(t_x)
            & np.isfinite(T)
            & np.isfinite(m)
            & (x >= 0)
            & (t_x >= 0)
            & (t_x <= T)
            & (m >= 0)
        )


def spend_cap(m):
    """The mean spend above which a customer is an outlier: Tukey's far fence on the
    logarithms of the positive means, but at least MEDIAN_MULTIPLE times their median (the
    fence does not fall on the common price when most customers pay the same); inf when
    there are too few to tell."""
    positive = np.asarray(m, dtype=float)
    positive = positive[positive > 0]
    if len(positive) < 4:
        return np.inf
    logs = np.log(positive)
    q1, median, q3 = np.percentile(logs, [25, 50, 75])
    return float(np.exp(max(q3 + FENCE * (q3 - q1), median + np.log(MEDIAN_MULTIPLE))))


def fit(x, t_x, T, m, seed=0):
    """Fit BG/NBD on (x, t_x, T) and Gamma-Gamma on the repeat customers' (x, m).

    Returns a FitResult; method "historical" (with a reason) when the data cannot carry
    the model. Impossible rows are left out (counted in `dropped`)."""
    x, t_x, T, m = (np.asarray(v, dtype=float) for v in (x, t_x, T, m))
    ok = valid_rows(x, t_x, T, m)
    dropped = int(np.count_nonzero(~ok))
    x, t_x, T, m = x[ok], t_x[ok], T[ok], m[ok]
    repeat = int(np.count_nonzero(x > 0))
    if repeat < MIN_REPEAT_CUSTOMERS:
        return FitResult(
            "historical", reason="too_few_repeat", repeat_customers=repeat, dropped=dropped
        )
    rng = np.random.default_rng(seed)
    sx, st_x, sT = _sample(rng, MAX_FIT_SAMPLE, x, t_x, T)
    span = max(float(np.mean(sT)), 1.0)

    def bg_neg_ll(log_params):
        return -np.mean(bgnbd_log_likelihood(np.exp(log_params), sx, st_x, sT))

    bg, usable = _fit(bg_neg_ll, [1.0, span, 1.0, 1.0])
    if not usable:
        return FitResult(
            "historical", reason="no_convergence", repeat_customers=repeat, dropped=dropped
        )
    params = dict(zip(("r", "alpha", "a", "b"), bg.tolist(), strict=True))
    spend = fit_spend(x, m, rng)
    params.update(spend)
    return FitResult(
        "model",
        params=params,
        repeat_customers=repeat,
        dropped=dropped,
        spend_reason="" if spend else spend_failure(x, m),
    )


def spend_failure(x, m):
    """Why `fit_spend` gave nothing on these figures: SPEND_TOO_FEW repeat customers with a
    positive spend, or SPEND_NO_FIT (no usable fit)."""
    spenders = (np.asarray(x) > 0) & (np.asarray(m) > 0)
    return SPEND_TOO_FEW if np.count_nonzero(spenders) < MIN_REPEAT_CUSTOMERS else SPEND_NO_FIT


def fit_spend(x, m, rng=None):
    """Gamma-Gamma's p, q, gamma (in the currency's unit) and the outlier cap, from the
    repeat customers (x > 0, m > 0) whose mean spend is not an outlier; {} when fewer
    than MIN_REPEAT_CUSTOMERS or no usable fit. Fitted in units of the median mean spend,
    then scaled back: p and q do not depend on the unit, gamma scales with it."""
    spenders = (np.asarray(x) > 0) & (np.asarray(m) > 0)
    if np.count_nonzero(spenders) < MIN_REPEAT_CUSTOMERS:
        return {}
    rng = rng or np.random.default_rng(0)
    n, spend = np.asarray(x, dtype=float)[spenders], np.asarray(m, dtype=float)[spenders]
    cap = spend_cap(spend)
    # outliers are left out of the fit (and capped for their own prediction)
    n, spend = n[spend <= cap], spend[spend <= cap]
    unit = float(np.median(spend))
    sn, sm = _sample(rng, MAX_FIT_SAMPLE, n, spend / unit)

    def gg_neg_ll(log_params):
        return -np.mean(gamma_gamma_log_likelihood(np.exp(log_params), sn, sm))

    gg, usable = _fit(gg_neg_ll, [2.0, 3.0, float(np.mean(sm))])
    if not usable or gg[1] <= 1:
        return {}
    return {"p": float(gg[0]), "q": float(gg[1]), "gamma": float(gg[2]) * unit, "cap": cap}


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
    """Expected number of purchases in the next `horizon` days, per customer (NaN where
    the formula gives no finite value)."""
    a = params["a"]
    if abs(a - 1) < A_NEAR_ONE:
        # (a + b + x - 1) / (a - 1) is 0/0 at a = 1; the expectation is continuous in a
        below = _expected_purchases(dict(params, a=1 - A_NEAR_ONE), horizon, x, t_x, T)
        above = _expected_purchases(dict(params, a=1 + A_NEAR_ONE), horizon, x, t_x, T)
        return (below + above) / 2
    return _expected_purchases(params, horizon, x, t_x, T)


def _expected_purchases(params, horizon, x, t_x, T):
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


def discounted_purchases(params, horizon, x, t_x, T, annual_rate):
    """The expected purchases of the next `horizon` days, each part of the horizon
    (DISCOUNT_STEPS equal parts) discounted at `annual_rate` (0.1 for 10%) from its middle.
    Returns (discounted, undiscounted)."""
    total = expected_purchases(params, horizon, x, t_x, T)
    if not annual_rate:
        return total, total
    discounted = np.zeros_like(total)
    before = np.zeros_like(total)
    for step in range(1, DISCOUNT_STEPS + 1):
        end = horizon * step / DISCOUNT_STEPS
        upto = total if step == DISCOUNT_STEPS else expected_purchases(params, end, x, t_x, T)
        middle = end - horizon / DISCOUNT_STEPS / 2
        discounted += np.maximum(upto - before, 0) / (1 + annual_rate) ** (middle / 365.0)
        before = upto
    return discounted, total


def expected_spend(params, x, m, own=None, total=None):
    """Expected value of a future purchase per customer: Gamma-Gamma's posterior mean from
    the customer's x repeat purchases of mean value m (capped at params["cap"]; m = 0, repeat
    purchases refunded, gives the posterior at 0, below what any spend gives), the
    population mean for a customer with none; without a spend model, the customer's `own`
    mean value of all purchases (m when not given). A customer whose net `total` spend
    (refunds included, when given) is zero or below is expected to spend nothing: a refund
    never makes a customer worth more."""
    x = np.asarray(x, dtype=float)
    m = np.minimum(np.maximum(np.asarray(m, dtype=float), 0.0), params.get("cap", np.inf))
    if not has_spend_model(params):
        spend = np.maximum(m if own is None else np.asarray(own, dtype=float), 0.0)
    else:
        p, q, gamma = params["p"], params["q"], params["gamma"]
        with np.errstate(divide="ignore", invalid="ignore"):
            posterior = p * (gamma + x * m) / (p * x + q - 1)
        population = p * gamma / (q - 1)
        spend = np.where((x > 0) & np.isfinite(posterior), posterior, population)
    if total is None:
        return spend
    return np.where(np.asarray(total, dtype=float) > 0, spend, 0.0)


def historical_value(horizon, total, T):
    """What the customer's past spend rate would give over the horizon (no model)."""
    total = np.asarray(total, dtype=float)
    T = np.asarray(T, dtype=float)
    return np.maximum(total, 0.0) / np.maximum(T, 90.0) * horizon


@dataclass
class Prediction:
    """Per customer: p_alive and expected_orders (NaN where not estimated: no model, or
    impossible figures), the lifetime value, whether the model made it (`by_model`, else
    the historical value), and whether the mean spend was capped."""

    p_alive: np.ndarray
    expected_orders: np.ndarray
    value: np.ndarray
    by_model: np.ndarray
    capped: np.ndarray


def predict(result, horizon, x, t_x, T, m, total, annual_rate=0.0):
    """The lifetime value of each customer over `horizon` days by the fitted `result`
    (a FitResult): discounted expected purchases x expected spend; the historical value
    (`total` spent over T days) where the model is not used or gives no figure."""
    x, t_x, T, m, total = (np.asarray(v, dtype=float) for v in (x, t_x, T, m, total))
    history = historical_value(horizon, np.nan_to_num(total), np.nan_to_num(T))
    nothing = np.full_like(x, np.nan)
    if result.method != "model":
        no = np.zeros_like(x, dtype=bool)
        return Prediction(nothing, nothing, history, no, no)
    ok = valid_rows(x, t_x, T, m)
    params = result.params
    safe = [np.where(ok, v, 0.0) for v in (x, t_x, T, m)]
    p_alive = np.where(ok, probability_alive(params, *safe[:3]), np.nan)
    discounted, orders = discounted_purchases(params, horizon, *safe[:3], annual_rate)
    by_model = ok & np.isfinite(orders)
    own = np.nan_to_num(total) / (safe[0] + 1)
    spend = expected_spend(params, safe[0], safe[3], own, np.nan_to_num(total))
    value = np.where(by_model, discounted * spend, history)
    capped = ok & (safe[0] > 0) & (safe[3] > params.get("cap", np.inf))
    return Prediction(
        np.where(by_model, p_alive, np.nan), np.where(by_model, orders, np.nan), value,
        by_model, capped,
    )  # fmt: skip
