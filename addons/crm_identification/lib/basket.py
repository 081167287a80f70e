"""Market-basket measures, with no Odoo: the definitions the SQL of the refresh implements.

For products A -> B over N baskets (orders):
    support    = baskets with A and B / N
    confidence = baskets with A and B / baskets with A
    lift       = confidence / (baskets with B / N)
"""

from collections import Counter
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
