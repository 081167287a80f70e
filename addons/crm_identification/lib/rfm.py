"""RFM scoring rules, with no Odoo: what the SQL of the refresh implements, in plain Python,
so that the rules can be read, validated and unit-tested on their own."""

import math

import numpy as np

SCORES = 5


def parse_thresholds(text, count=SCORES - 1):
    """'30, 90, 180, 365' -> (30.0, 90.0, 180.0, 365.0); ValueError when it is not
    `count` strictly increasing non-negative numbers."""
    try:
        values = tuple(float(part) for part in (text or "").replace(";", ",").split(","))
    except ValueError as error:
        raise ValueError("not_numbers") from error
    if len(values) != count:
        raise ValueError("wrong_count")
    if any(v < 0 or math.isnan(v) for v in values):
        raise ValueError("negative")
    if any(b <= a for a, b in zip(values, values[1:], strict=False)):
        raise ValueError("not_increasing")
    return values


def recency_score_by_thresholds(days, thresholds):
    """5 when days <= thresholds[0], 4 when <= thresholds[1], ... 1 beyond the last."""
    return SCORES - sum(1 for t in thresholds if days > t)


def value_score_by_thresholds(value, thresholds):
    """1 below thresholds[0], 2 from thresholds[0], ... 5 from the last (frequency, monetary)."""
    return 1 + sum(1 for t in thresholds if value >= t)


def quintile_cut_positions(count):
    """Where a population of `count` values, sorted worst first, is cut into the 1-5
    quintile scores: the positions (1-based) p1..p4 such that a value scores at least k + 1
    when at least p_k values come strictly before it. That is 1 + floor(5 * percent_rank)
    in whole numbers: percent_rank = before / (count - 1), so the score reaches k + 1 when
    before >= k * (count - 1) / 5. Empty when everyone scores 1 (fewer than two values)."""
    if count < 2:
        return []
    return [-(-k * (count - 1) // SCORES) for k in range(1, SCORES)]


def quintile_scores(values, higher_is_better=True):
    """Scores 1-5 by position in the population, as the refresh gives them: equal values
    share the score of the first of them; the best value gets 5. A value scores one more
    for each cut-off value (at quintile_cut_positions) that it is strictly better than."""
    ordered = sorted(values, reverse=not higher_is_better)
    cuts = [ordered[position - 1] for position in quintile_cut_positions(len(ordered))]
    if higher_is_better:
        return [1 + sum(1 for cut in cuts if value > cut) for value in values]
    return [1 + sum(1 for cut in cuts if value < cut) for value in values]


def value_tiers(monetary, a_share, b_share):
    """A/B/C: customers sorted by value; A while the share of revenue before them is below
    a_share (%), B below b_share, C after, and C for customers who brought nothing."""
    total = sum(v for v in monetary if v > 0)
    order = sorted(range(len(monetary)), key=lambda i: -monetary[i])
    tiers = ["c"] * len(monetary)
    before = 0.0
    for i in order:
        if monetary[i] <= 0 or not total:
            break
        share = 100.0 * before / total
        tiers[i] = "a" if share < a_share else "b" if share < b_share else "c"
        before += monetary[i]
    return tiers


def tier_cut_offs(monetary, partner_ids, shares):
    """The last customer of each value tier, for SQL to compare every customer with instead
    of sorting them all: per share (%), the (value, partner id) of the last customer whose
    share of revenue before it is below that share, or None when there is none. The
    customers who brought something are taken highest value first, equal values by partner
    id. A customer is within the tier when its value is above the last one's, or equal with
    a partner id not above it.

    The shares are computed as PostgreSQL computes them in a window over that order (a
    running float sum, one addition after another, the total being its last value), so
    the tiers are those the window function gave, to the last bit; they are the tiers of
    `value_tiers` for customers listed in that order."""
    monetary = np.asarray(monetary, dtype=float)
    partner_ids = np.asarray(partner_ids, dtype=np.int64)
    spent = monetary > 0
    monetary, partner_ids = monetary[spent], partner_ids[spent]
    if not len(monetary):
        return [None for _share in shares]
    order = np.lexsort((partner_ids, -monetary))
    monetary, partner_ids = monetary[order], partner_ids[order]
    running = np.cumsum(monetary)
    before = 100 * (running - monetary) / running[-1]
    cut_offs = []
    for share in shares:
        within = int(np.searchsorted(before, share, side="left"))
        cut_offs.append(
            (float(monetary[within - 1]), int(partner_ids[within - 1])) if within else None
        )
    return cut_offs


def churn_status(days_since_last, usual_interval, rule):
    """'active', 'at_risk' or 'lost', and the number of days after the last purchase at which
    the customer counts as lost. `rule` is a dict: method ('relative' or 'fixed'),
    lost_factor, at_risk_factor, lost_days, at_risk_days. One-purchase customers (no usual
    interval) follow the fixed days under both methods."""
    if rule["method"] == "relative" and usual_interval:
        lost_after = rule["lost_factor"] * usual_interval
        at_risk_after = rule["at_risk_factor"] * usual_interval
    else:
        lost_after = rule["lost_days"]
        at_risk_after = rule["at_risk_days"]
    if days_since_last > lost_after:
        return "lost", lost_after
    if days_since_last > at_risk_after:
        return "at_risk", lost_after
    return "active", lost_after
