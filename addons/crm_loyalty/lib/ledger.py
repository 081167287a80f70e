"""The arithmetic of the points ledger, without a database: which earning lots a withdrawal
takes points from, what share of an order's points it has earned so far, and which tier a
qualifying value reaches. The Odoo models call these; the addon's tests check them alone."""

import math

# points are kept to two decimals, like sale_loyalty's own rounding of a card's points
DIGITS = 2
EPSILON = 0.005


def round_points(points, whole=False):
    """`points` rounded the way the programme keeps them: whole points round towards zero
    (a customer never earns a fraction the programme does not show), others to cents."""
    if whole:
        return float(math.trunc(points + (EPSILON if points >= 0 else -EPSILON)))
    return round(points + 0.0, DIGITS)


def is_zero(points):
    return abs(points) < EPSILON


def allocate(lots, amount, preferred=()):
    """Take `amount` (> 0) points from `lots`, a list of (lot id, remaining points) in the
    order they were earned: first from the `preferred` lot ids (the order's own lots when
    the order's points are clawed back), then oldest first.

    Returns ([(lot id, points taken), ...], shortfall): the shortfall is what the lots could
    not cover."""
    takes = []
    left = amount
    preferred = list(preferred)
    ordered = [lot for lot in lots if lot[0] in preferred]
    ordered.sort(key=lambda lot: preferred.index(lot[0]))
    ordered += [lot for lot in lots if lot[0] not in preferred]
    for lot_id, remaining in ordered:
        if left < EPSILON:
            break
        take = min(remaining, left)
        if take < EPSILON:
            continue
        takes.append((lot_id, round(take, DIGITS)))
        left = round(left - take, DIGITS)
    return takes, max(0.0, round(left, DIGITS))


def lot_opening(balance_before, points):
    """What a new lot of `points` keeps open when the card's balance before it is
    `balance_before`: a negative balance (points clawed back after they were spent) is
    paid off first."""
    if balance_before >= 0:
        return points
    return max(0.0, round(points + balance_before, DIGITS))


def earned_share(timing, total, invoiced=0.0, refunded=0.0, paid=0.0):
    """The share (0 to 1) of an order's points that the order has earned by now.

    `timing` is the programme's earning moment: "confirm" (the order's confirmation, the
    share it has kept after its credit notes), "invoice" (what is invoiced, less credit
    notes) or "paid" (what is paid, less credit notes). Amounts are the order's total and
    the totals of its posted invoices, credit notes and the paid part of its invoices."""
    if total <= EPSILON:
        # an order paid entirely with points or rewards: earned once it is confirmed,
        # invoiced or paid at all
        if timing == "confirm":
            return 0.0 if refunded > EPSILON else 1.0
        return 1.0 if invoiced > EPSILON and refunded <= EPSILON else 0.0
    if timing == "confirm":
        kept = total - refunded
    elif timing == "invoice":
        kept = invoiced - refunded
    else:
        kept = paid - refunded
    return min(1.0, max(0.0, kept / total))


def kept_share(total, refunded=0.0):
    """The share of an order that its credit notes leave: what its redeemed points stay
    spent on."""
    if total <= EPSILON:
        return 0.0 if refunded > EPSILON else 1.0
    return min(1.0, max(0.0, (total - refunded) / total))


def reached_tier(tiers, value):
    """The tier that `value` reaches among `tiers`, a list of (tier id, threshold): the one
    with the highest threshold not above the value, or None."""
    best = None
    for tier_id, threshold in sorted(tiers, key=lambda t: t[1]):
        if value + EPSILON >= threshold:
            best = tier_id
    return best
