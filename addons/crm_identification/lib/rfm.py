"""RFM scoring rules, with no Odoo: what the SQL of the refresh implements, in plain Python,
so that the rules can be read, validated and unit-tested on their own."""

import math

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
