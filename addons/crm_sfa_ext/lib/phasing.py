"""Splitting a quarterly or yearly quota into its months (phasing)."""


def split_by_weights(total, weights, digits=2):
    """``total`` split in proportion to ``weights`` (one per month), each share rounded to
    ``digits`` decimals and the shares adding up to ``total`` exactly: each month gets the
    rounded running total less what the months before it got, so the rounding never
    accumulates. Equal weights split evenly; all-zero weights are taken as equal."""
    if not weights:
        return []
    if not any(weights):
        weights = [1] * len(weights)
    whole = sum(weights)
    shares, given, running = [], 0, 0
    for weight in weights:
        running += weight
        reached = round(total * running / whole, digits)
        if digits <= 0:
            reached = int(reached)
        shares.append(reached - given)
        given = reached
    return shares
