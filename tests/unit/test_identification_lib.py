"""Plain unit tests of crm_identification's computations (no Odoo, no database)."""

import math
import random
from datetime import date, timedelta
from fractions import Fraction

import numpy as np
import pytest
from lib_loader import load_lib

rfm = load_lib("crm_identification", "rfm")
clv = load_lib("crm_identification", "clv")
basket = load_lib("crm_identification", "basket")
credit = load_lib("crm_identification", "credit")


# ---------------------------------------------------------------- RFM rules


def test_parse_thresholds():
    assert rfm.parse_thresholds("30, 90,180;365") == (30.0, 90.0, 180.0, 365.0)
    for bad, reason in [
        ("30,90,180", "wrong_count"),
        ("30,90,x,365", "not_numbers"),
        ("30,20,180,365", "not_increasing"),
        ("-1,20,180,365", "negative"),
        ("", "not_numbers"),
    ]:
        with pytest.raises(ValueError, match=reason):
            rfm.parse_thresholds(bad)


def test_threshold_scores():
    t = (30, 90, 180, 365)
    assert [rfm.recency_score_by_thresholds(d, t) for d in (0, 30, 31, 90, 200, 365, 366)] == [
        5,
        5,
        4,
        4,
        2,
        2,
        1,
    ]
    f = (2, 3, 5, 10)
    assert [rfm.value_score_by_thresholds(n, f) for n in (1, 2, 3, 4, 5, 9, 10, 50)] == [
        1,
        2,
        3,
        3,
        4,
        4,
        5,
        5,
    ]


def test_quintiles_spread_five_customers_and_tie_equal_values():
    assert rfm.quintile_scores([10, 20, 30, 40, 50]) == [1, 2, 3, 4, 5]
    # recency: fewer days is better
    assert rfm.quintile_scores([5, 400, 60], higher_is_better=False) == [5, 1, 3]
    # equal values share the lowest score of their group
    assert rfm.quintile_scores([1, 1, 1, 1, 9]) == [1, 1, 1, 1, 5]
    assert rfm.quintile_scores([7]) == [1]


def test_quintile_cut_offs_give_the_percent_rank_score():
    # the refresh compares each value with four cut-off values instead of ranking it; on
    # populations with many ties, that is exactly 1 + floor(5 * percent_rank), where
    # percent_rank = (values strictly worse) / (n - 1), computed here in exact fractions
    assert rfm.quintile_cut_positions(0) == rfm.quintile_cut_positions(1) == []
    assert rfm.quintile_cut_positions(6) == [1, 2, 3, 4]
    assert rfm.quintile_cut_positions(11) == [2, 4, 6, 8]
    generator = random.Random(7)
    for _population in range(200):
        values = [generator.randint(0, 12) for _value in range(generator.randint(2, 40))]
        for better in (True, False):
            n = len(values)
            expected = []
            for value in values:
                worse = sum(1 for other in values if (other < value if better else other > value))
                expected.append(min(5, 1 + math.floor(5 * Fraction(worse, n - 1))))
            assert rfm.quintile_scores(values, higher_is_better=better) == expected


def test_value_tiers_by_cumulative_share():
    # 50 + 30 = 80 % -> A, A; then 10 -> share before 80 -> B; 5 (90) -> B; 5 (95) -> C
    assert rfm.value_tiers([50, 30, 10, 5, 5, 0, -20], 80, 95) == [
        "a",
        "a",
        "b",
        "b",
        "c",
        "c",
        "c",
    ]
    assert rfm.value_tiers([0, 0], 80, 95) == ["c", "c"]


def test_tier_cut_offs_give_the_tiers_of_the_cumulative_share():
    def tiers_by_cut_offs(monetary, ids, a_share, b_share):
        cuts = rfm.tier_cut_offs(monetary, ids, (a_share, b_share))

        def within(cut, value, partner):
            return cut is not None and (value > cut[0] or (value == cut[0] and partner <= cut[1]))

        return [
            "a"
            if v > 0 and within(cuts[0], v, p)
            else "b"
            if v > 0 and within(cuts[1], v, p)
            else "c"
            for v, p in zip(monetary, ids, strict=True)
        ]

    def tiers_in_order(monetary, ids, a_share, b_share):
        # value_tiers takes equal values in list order: list them by partner id
        by_id = sorted(range(len(ids)), key=lambda i: ids[i])
        tiers = rfm.value_tiers([monetary[i] for i in by_id], a_share, b_share)
        return [tiers[by_id.index(i)] for i in range(len(ids))]

    assert rfm.tier_cut_offs([50, 30, 10, 5, 5, 0, -20], range(7), (80, 95)) == [
        (30.0, 1),
        (5.0, 3),
    ]
    assert rfm.tier_cut_offs([0, -1], [1, 2], (80, 95)) == [None, None]
    assert rfm.tier_cut_offs([10], [4], (0, 95)) == [None, (10.0, 4)]
    rng = random.Random(11)
    for _ in range(300):
        n = rng.randrange(1, 40)
        monetary = [
            rng.choice([0, -5, 1, 2, 2.5, 7, 10, 0.1 * rng.randrange(1, 90)]) for _ in range(n)
        ]
        ids = rng.sample(range(1, 1000), n)
        a_share, b_share = sorted(rng.choice([0, 20, 50, 80, 95, 100]) for _ in range(2))
        assert tiers_by_cut_offs(monetary, ids, a_share, b_share) == tiers_in_order(
            monetary, ids, a_share, b_share
        )


def test_churn_relative_and_fixed():
    rule = {
        "method": "relative",
        "lost_factor": 3,
        "at_risk_factor": 1.5,
        "lost_days": 365,
        "at_risk_days": 180,
    }
    assert rfm.churn_status(20, 30, rule) == ("active", 90)
    assert rfm.churn_status(50, 30, rule) == ("at_risk", 90)
    assert rfm.churn_status(91, 30, rule) == ("lost", 90)
    # a single purchase: the fixed days apply
    assert rfm.churn_status(200, None, rule) == ("at_risk", 365)
    fixed = dict(rule, method="fixed")
    assert rfm.churn_status(91, 30, fixed) == ("active", 365)


# ---------------------------------------------------------------- market basket


def test_association_rules_on_known_baskets():
    baskets = [{"A", "B"}, {"A", "B"}, {"A", "C"}, {"B", "C"}, {"A", "B", "C"}]
    rules = basket.association_rules(baskets)
    count, support, confidence, lift = rules[("A", "B")]
    assert count == 3
    assert support == pytest.approx(0.6)
    assert confidence == pytest.approx(0.75)
    assert lift == pytest.approx(0.75 / 0.8)
    assert rules[("C", "A")][2] == pytest.approx(2 / 3)
    assert rules[("C", "A")][3] == pytest.approx((2 / 3) / 0.8)
    strong = basket.association_rules(baskets, min_count=3)
    assert set(strong) == {("A", "B"), ("B", "A")}
    assert basket.association_rules([]) == {}


def test_window_months_splits_a_window_into_whole_months_and_partial_ends():
    d = date
    # a year to the 25th: the 25th-30th of November and 1st-25th of next November are
    # partial, the eleven months between are whole
    months, partial = basket.window_months(d(2025, 11, 25), d(2026, 11, 26))
    assert months == [d(2025, 12, 1)] + [d(2026, m, 1) for m in range(1, 11)]
    assert partial == [(d(2025, 11, 25), d(2025, 12, 1)), (d(2026, 11, 1), d(2026, 11, 26))]
    # starting on the 1st and ending with a month's last day: whole months only
    assert basket.window_months(d(2019, 7, 1), d(2020, 7, 1)) == (
        [d(2019, m, 1) for m in range(7, 13)] + [d(2020, m, 1) for m in range(1, 7)],
        [],
    )
    # inside one month, or across a month's end without a whole month
    assert basket.window_months(d(2024, 2, 3), d(2024, 2, 20)) == (
        [],
        [(d(2024, 2, 3), d(2024, 2, 20))],
    )
    assert basket.window_months(d(2024, 1, 20), d(2024, 2, 10)) == (
        [],
        [(d(2024, 1, 20), d(2024, 2, 10))],
    )
    assert basket.window_months(d(2024, 1, 1), d(2024, 1, 1)) == ([], [])
    # every day of a window is in exactly one whole month or one partial range
    rng = random.Random(7)
    for _ in range(200):
        start = d(2023, 1, 1) + timedelta(days=rng.randrange(800))
        end = start + timedelta(days=rng.randrange(500))
        months, partial = basket.window_months(start, end)
        covered = [
            m + timedelta(days=k)
            for m in months
            for k in range(31)
            if (m + timedelta(days=k)).month == m.month
        ]
        covered += [a + timedelta(days=k) for a, b in partial for k in range((b - a).days)]
        assert sorted(covered) == [start + timedelta(days=k) for k in range((end - start).days)]


# ---------------------------------------------------------------- lifetime value


def _reference_bgnbd_ll(r, alpha, a, b, x, t_x, T):
    """The BG/NBD likelihood written out from the paper with math.lgamma, term by term."""
    beta = math.lgamma(a) + math.lgamma(b + x) - math.lgamma(a + b + x)
    beta0 = math.lgamma(a) + math.lgamma(b) - math.lgamma(a + b)
    common = math.lgamma(r + x) - math.lgamma(r) + r * math.log(alpha) + beta - beta0
    like = math.exp(-(r + x) * math.log(alpha + T))
    if x > 0:
        like += (a / (b + x - 1)) * math.exp(-(r + x) * math.log(alpha + t_x))
    return common + math.log(like)


def test_bgnbd_likelihood_matches_the_formula():
    params = (0.8, 40.0, 0.9, 2.5)
    data = [(0, 0, 100), (3, 80, 120), (10, 300, 365), (1, 5, 5)]
    x, t_x, T = (np.array(col, dtype=float) for col in zip(*data, strict=True))
    got = clv.bgnbd_log_likelihood(params, x, t_x, T)
    want = [_reference_bgnbd_ll(*params, *row) for row in data]
    assert got == pytest.approx(want, rel=1e-9)


def _simulate(n, r, alpha, a, b, observe, rng):
    """Customers drawn from the BG/NBD story: a Poisson purchase rate per customer, and a
    chance p of dropping out after each purchase."""
    lam = rng.gamma(r, 1 / alpha, n)
    p = rng.beta(a, b, n)
    x = np.zeros(n)
    t_x = np.zeros(n)
    T = rng.uniform(observe / 2, observe, n)
    for i in range(n):
        t = 0.0
        while True:
            t += rng.exponential(1 / lam[i])
            if t > T[i]:
                break
            x[i] += 1
            t_x[i] = t
            if rng.random() < p[i]:
                break
    return x, t_x, T


def _population(seed=7, n=3000):
    """A simulated customer base with known BG/NBD parameters and Gamma-Gamma spends:
    (x, t_x, T, m) with m the mean value of the repeat purchases, and the total spent."""
    rng = np.random.default_rng(seed)
    x, t_x, T = _simulate(n, 0.5, 20.0, 0.8, 3.0, observe=365, rng=rng)
    # each customer's own mean spend drawn from a Gamma around 50, purchases around it
    own_mean = rng.gamma(6.0, 50.0 / 6.0, n)
    m = np.where(x > 0, rng.gamma(8.0 * np.maximum(x, 1), own_mean / (8.0 * np.maximum(x, 1))), 0)
    first = rng.gamma(8.0, own_mean / 8.0)
    total = first + m * x
    return x, t_x, T, m, total


def test_fit_recovers_the_parameters_it_was_simulated_with():
    rng = np.random.default_rng(7)
    true = {"r": 0.5, "alpha": 20.0, "a": 0.8, "b": 3.0}
    x, t_x, T = _simulate(6000, *true.values(), observe=365, rng=rng)
    spend = rng.gamma(6.0, 1 / (6.0 / 50.0), len(x))  # mean order value around 50
    result = clv.fit(x, t_x, T, np.where(x > 0, spend, 0.0))
    assert result.method == "model"
    assert result.params["r"] == pytest.approx(true["r"], rel=0.25)
    assert result.params["alpha"] == pytest.approx(true["alpha"], rel=0.35)
    assert result.params["a"] / (result.params["a"] + result.params["b"]) == pytest.approx(
        true["a"] / (true["a"] + true["b"]), rel=0.3
    )
    # the model's expected purchases over the next year vs. a fresh simulation of it
    p_alive = clv.probability_alive(result.params, x, t_x, T)
    assert np.all((p_alive > 0) & (p_alive <= 1))
    assert np.all(p_alive[x == 0] == 1)
    expected = clv.expected_purchases(result.params, 365, x, t_x, T)
    assert np.all(np.isfinite(expected)) and np.all(expected >= 0)
    # customers who bought a lot recently are expected to buy more than silent ones
    busy = (x >= 5) & (T - t_x < 30)
    silent = (x >= 5) & (T - t_x > 200)
    assert expected[busy].mean() > 3 * expected[silent].mean()


def test_lifetime_values_do_not_depend_on_the_currency_unit():
    # the same customers in euros, in rials (x 1e4) and in a unit 1e8 times smaller: the
    # spend model is fitted in units of the median spend, so the values scale exactly
    x, t_x, T, m, total = _population()
    values = {}
    for scale in (1.0, 1e4, 1e8):
        result = clv.fit(x, t_x, T, m * scale)
        assert result.method == "model" and "gamma" in result.params
        values[scale] = clv.predict(result, 365, x, t_x, T, m * scale, total * scale, 0.1).value
    for scale in (1e4, 1e8):
        assert values[scale] / scale == pytest.approx(values[1.0], rel=1e-3)


def test_gamma_gamma_is_fitted_on_the_repeat_purchases():
    x, t_x, T, m, total = _population()
    spend = clv.fit_spend(x, m)
    # the simulated spends are Gamma(6, 6/50) per customer: the population mean comes back
    assert spend["p"] * spend["gamma"] / (spend["q"] - 1) == pytest.approx(50, rel=0.15)
    # customers with no repeat purchase are not in the fit: giving them any value changes
    # nothing
    odd = np.where(x > 0, m, 1e6)
    assert clv.fit_spend(x, odd) == pytest.approx(spend)
    # a customer with no repeat purchase is expected to spend the population mean
    params = {"p": 6.0, "q": 4.0, "gamma": 16.0}
    assert clv.expected_spend(params, [0, 3], [0.0, 40.0]).tolist()[0] == pytest.approx(32.0)


def test_one_extreme_order_does_not_move_the_other_customers():
    x, t_x, T, m, total = _population()
    result = clv.fit(x, t_x, T, m)
    typo = m.copy()
    victim = int(np.flatnonzero(x > 2)[0])
    typo[victim] = 1e9  # a typo of 1e9 on one customer's orders
    with_typo = clv.fit(x, t_x, T, typo)
    others = (x > 0) & (np.arange(len(x)) != victim)
    before = clv.expected_spend(result.params, x[others], m[others])
    after = clv.expected_spend(with_typo.params, x[others], m[others])
    assert after == pytest.approx(before, rel=0.01)
    # the customer itself is capped, and said to be
    predicted = clv.predict(with_typo, 365, x, t_x, T, typo, total, 0.0)
    assert predicted.capped[victim] and predicted.capped.sum() == 1
    assert predicted.value[victim] < 1e7


def test_impossible_rows_are_left_out_not_the_whole_company():
    x, t_x, T, m, total = _population()
    bad = x.copy(), t_x.copy(), T.copy(), m.copy()
    bad[2][0] = -5  # T < 0
    bad[1][1] = bad[2][1] + 10  # t_x > T
    bad[0][2] = np.nan
    bad[3][3] = np.inf
    result = clv.fit(*bad)
    assert result.method == "model" and result.dropped == 4
    predicted = clv.predict(result, 365, *bad, total, 0.1)
    assert not predicted.by_model[:4].any() and predicted.by_model[4:].all()
    assert np.isnan(predicted.p_alive[:4]).all() and np.isfinite(predicted.value).all()


def test_a_equal_to_one_gives_a_number():
    params = {"r": 0.5, "alpha": 20.0, "a": 1.0, "b": 3.0}
    x, t_x, T = np.array([0.0, 2.0, 5.0]), np.array([0.0, 50.0, 300.0]), np.full(3, 365.0)
    at_one = clv.expected_purchases(params, 365, x, t_x, T)
    near = clv.expected_purchases(dict(params, a=1.01), 365, x, t_x, T)
    assert np.isfinite(at_one).all()
    assert at_one == pytest.approx(near, rel=0.02)


def test_discounting_lowers_the_value_by_the_rate():
    params = {"r": 0.5, "alpha": 20.0, "a": 0.8, "b": 3.0}
    x, t_x, T = np.array([4.0]), np.array([300.0]), np.array([365.0])
    undiscounted, total = clv.discounted_purchases(params, 365, x, t_x, T, 0.0)
    discounted, same = clv.discounted_purchases(params, 365, x, t_x, T, 0.10)
    assert same == pytest.approx(total) and undiscounted == pytest.approx(total)
    # purchases spread over the year, each discounted from the middle of its quarter:
    # between the year-end factor (1 / 1.1) and no discount at all
    assert total / 1.1 < discounted < total
    assert discounted == pytest.approx(total / 1.1**0.5, rel=0.03)


def test_too_little_history_falls_back_to_historical_value():
    x = np.array([0, 1, 0, 2], dtype=float)
    result = clv.fit(x, x * 10, np.full(4, 100.0), np.full(4, 20.0))
    assert result.method == "historical"
    assert result.reason == "too_few_repeat"
    assert result.repeat_customers == 2
    # 200 spent over 100 days -> 2 a day -> 730 a year; a new customer counts 90 days at least
    assert clv.historical_value(365, [200.0, 90.0], [100.0, 10.0]).tolist() == [730.0, 365.0]
    # no probability of being alive without the model: not estimated, not 0
    predicted = clv.predict(result, 365, x, x * 10, np.full(4, 100.0), x, np.full(4, 60.0))
    assert np.isnan(predicted.p_alive).all() and not predicted.by_model.any()


def test_gamma_gamma_expected_spend_shrinks_towards_the_population():
    params = {"p": 6.0, "q": 4.0, "gamma": 16.0}
    spend = clv.expected_spend(params, np.array([1, 50]), np.array([200.0, 200.0]))
    population_mean = params["p"] * params["gamma"] / (params["q"] - 1)  # 32
    assert population_mean < spend[0] < spend[1] < 200
    assert clv.expected_spend({}, np.array([3]), np.array([-5.0])).tolist() == [0.0]


def test_orders_of_one_day_are_one_purchase():
    # BG/NBD's convention: a customer's orders of one day are one transaction worth their
    # sum; refunds take spend off, never add purchases
    day = date(2024, 3, 1)
    orders = [
        (day, 30.0),
        (day, 20.0),  # the same day: the first purchase is worth 50
        (day + timedelta(days=10), 40.0),
        (day + timedelta(days=10), 60.0),  # one repeat purchase of 100
        (day + timedelta(days=30), 25.0),
    ]
    x, t_x, T, first, total = clv.purchase_history(orders, day + timedelta(days=100), [15.0])
    assert (x, t_x, T, first, total) == (2, 30, 100, 50.0, 160.0)
    assert clv.repeat_mean([x], [first], [total]).tolist() == [55.0]
    # counted order by order it would have been five purchases: the same customer with
    # one order a day is the same customer for the model
    once_a_day = [(day, 50.0), (day + timedelta(days=10), 100.0), (day + timedelta(days=30), 25.0)]
    assert clv.purchase_history(once_a_day, day + timedelta(days=100), [15.0]) == (
        x,
        t_x,
        T,
        first,
        total,
    )


def _same_price_population(n=200, price=19.98, seed=3):
    """Repeat customers of whom most pay the same price: the quartiles of their mean spends
    meet (interquartile range 0)."""
    rng = np.random.default_rng(seed)
    x = rng.integers(1, 6, n).astype(float)
    m = np.full(n, price)
    m[:30] = rng.uniform(40.0, 120.0, 30)  # a few spend more, e.g. 97.99
    m[0] = 97.99
    t_x = x * 20.0
    T = t_x + rng.uniform(10.0, 200.0, n)
    return x, t_x, T, m


def test_the_spend_fence_holds_when_most_customers_pay_the_same_price():
    x, t_x, T, m = _same_price_population()
    q1, q3 = np.percentile(np.log(m), [25, 75])
    assert q3 - q1 == 0  # Tukey's fence alone would fall on 19.98
    cap = clv.spend_cap(m)
    assert cap >= clv.MEDIAN_MULTIPLE * 19.98
    spend = clv.fit_spend(x, m)
    assert spend["cap"] == pytest.approx(cap)
    # the customer averaging 97.99 is neither left out nor capped at the common price
    predicted = clv.expected_spend(spend, x[:1], m[:1])
    assert predicted[0] > 50.0
    result = clv.fit(x, t_x, T, m)
    assert result.method == "model"
    values = clv.predict(result, 365, x, t_x, T, m, m * (x + 1), 0.0)
    assert not values.capped.any()
    # a typo of 1e9 is still an outlier, capped
    typo = m.copy()
    typo[5] = 1e9
    assert clv.spend_cap(typo) < 1e6
    # and a spread population keeps Tukey's far fence
    x, _t_x, _T, m, _total = _population()
    spenders = m[(x > 0) & (m > 0)]
    q1, q3 = np.percentile(np.log(spenders), [25, 75])
    assert clv.spend_cap(spenders) == pytest.approx(np.exp(q3 + clv.FENCE * (q3 - q1)))


def test_a_refund_never_makes_a_customer_worth_more():
    x, t_x, T, m, total = _population()
    result = clv.fit(x, t_x, T, m)
    assert result.spend_model
    before = clv.predict(result, 365, x, t_x, T, m, total, 0.1).value
    # two customers with repeat purchases (one spending little: its own value is under the
    # population mean) and one with a single purchase: refunds bring their net spend to
    # zero and below
    small = int(np.flatnonzero((x > 2) & (m > 0) & (m < np.median(m[x > 0]) / 2))[0])
    single = int(np.flatnonzero(x == 0)[0])
    refunded = total.copy()
    refunded[[small, single]] = [0.0, -10.0]
    first = total - m * x  # the first purchases' value
    m_after = clv.repeat_mean(x, first, refunded)
    after = clv.predict(result, 365, x, t_x, T, m_after, refunded, 0.1).value
    for customer in (small, single):
        assert after[customer] <= before[customer]
        assert after[customer] == 0.0
    # a partial refund of the repeat purchases lowers the value, never raises it
    partial = total.copy()
    partial[small] = first[small] + m[small] * x[small] / 2
    m_partial = clv.repeat_mean(x, first, partial)
    value = clv.predict(result, 365, x, t_x, T, m_partial, partial, 0.1).value[small]
    assert 0 < value < before[small]
    # the others are untouched
    others = np.ones(len(x), dtype=bool)
    others[[small, single]] = False
    assert after[others] == pytest.approx(before[others])


def test_without_a_spend_model_the_fit_says_why():
    x, t_x, T, m, total = _population()
    # too few repeat customers spent anything: BG/NBD alone, each customer's own average
    only_few = np.where(np.arange(len(x)) < 20, m, 0.0)
    result = clv.fit(x, t_x, T, only_few)
    assert result.method == "model" and not result.spend_model
    assert result.spend_reason == clv.SPEND_TOO_FEW
    values = clv.predict(result, 365, x, t_x, T, only_few, total, 0.0)
    own = total / (x + 1)
    assert values.value[values.by_model] == pytest.approx(
        (values.expected_orders * own)[values.by_model]
    )
    # with the spend model, no reason
    assert clv.fit(x, t_x, T, m).spend_reason == ""


# ---------------------------------------------------------------- credit scoring


def test_credit_score_weighs_lateness_delay_and_overdue():
    assert credit.score(0.0, 0.0, 0.0, 1000.0) == 100
    assert credit.score(1.0, 60.0, 1000.0, 1000.0) == 0
    # half the invoices late, 5 days late on average, a tenth overdue
    assert credit.score(0.5, 5.0, 100.0, 1000.0) == 71  # 25 + 27.5 + 18, halves up
    # overdue with nothing invoiced in the window counts as all overdue
    assert credit.score(0.0, 0.0, 50.0, 0.0) == 80
    assert [credit.grade(v) for v in (100, 85, 84, 70, 55, 40, 39, 0)] == list("aabbcdee")


def test_suggested_limit_is_months_of_sales_to_two_digits():
    # 12,000 a year is 1,000 a month: A suggests three months
    assert credit.suggested_limit("a", 12000.0, 365.25, 1.0) == 3000.0
    assert credit.suggested_limit("c", 12345.0, 365.25, 1.0) == 1000.0
    assert credit.round_significant(12345.0) == 12000.0
    assert credit.round_significant(125.0) == 130.0
    assert credit.round_significant(0.0) == 0.0


def test_the_worst_grade_gets_the_lowest_limit_never_no_limit():
    # in Odoo a credit limit of 0 means no limit: grade E (no months of sales) gets the
    # company's lowest limit, and so does any grade with nothing invoiced in the window
    assert credit.suggested_limit("e", 12000.0, 365.25, 1.0) == 1.0
    assert credit.suggested_limit("e", 12000.0, 365.25, 50.0) == 50.0
    assert credit.suggested_limit("b", 0.0, 365.25, 50.0) == 50.0
    for letter, _lowest, _months in credit.GRADES:
        assert credit.suggested_limit(letter, 0.0, 365.0, 0.01) > 0
    with pytest.raises(ValueError, match="above 0"):
        credit.suggested_limit("e", 12000.0, 365.25, 0.0)
