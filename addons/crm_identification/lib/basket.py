"""Market-basket measures, with no Odoo: the definitions the SQL of the refresh implements.

For products A -> B over N baskets (orders):
    support    = baskets with A and B / N
    confidence = baskets with A and B / baskets with A
    lift       = confidence / (baskets with B / N)
"""

from collections import Counter
from datetime import timedelta
from itertools import permutations


def association_rules(baskets, min_support=0.0, min_confidence=0.0, min_lift=0.0, min_count=1):
    """{(a, b): (count, support, confidence, lift)} for every ordered pair of products
    bought together that meets all the thresholds."""
    baskets = [set(b) for b in baskets if b]
    n = len(baskets)
    if not n:
        return {}
    items = Counter(p for b in baskets for p in b)
    pairs = Counter(pair for b in baskets for pair in permutations(sorted(b), 2))
    rules = {}
    for (a, b), count in pairs.items():
        support = count / n
        confidence = count / items[a]
        lift = confidence / (items[b] / n)
        if (
            count >= min_count
            and support >= min_support
            and confidence >= min_confidence
            and lift >= min_lift
        ):
            rules[(a, b)] = (count, support, confidence, lift)
    return rules


def window_months(start, end):
    """Split the days [start, end) into the calendar months wholly inside them and the
    partial ranges left at either end: (first days of the whole months, [(from, to)]).
    The refresh keeps the pair counts of whole months and counts the partial ranges from
    the order lines each time."""
    first_whole = start if start.day == 1 else next_month(start)
    end_whole = end.replace(day=1)
    if first_whole >= end_whole:
        return [], [(start, end)] if start < end else []
    months = []
    month = first_whole
    while month < end_whole:
        months.append(month)
        month = next_month(month)
    partial = []
    if start < first_whole:
        partial.append((start, first_whole))
    if end_whole < end:
        partial.append((end_whole, end))
    return months, partial


def next_month(day):
    """The first day of the month after the one of `day`."""
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def merge_ranges(ranges):
    """Day ranges [(from, to)] with the ranges that touch or overlap joined, in order."""
    merged = []
    for start, end in sorted(ranges):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged
