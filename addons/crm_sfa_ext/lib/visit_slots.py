"""Spreading visits over a salesperson's free working time, without the database.

``due_visits`` says when each customer should be visited in a period (every N weeks,
staggered so that a rule's customers do not all fall in the first week); ``place`` puts each
visit in the first free slot of its window and returns what did not fit.
"""

from bisect import bisect_right
from datetime import timedelta


def subtract(intervals, busy):
    """Free intervals: ``intervals`` (sorted, disjoint (start, end) pairs) less every busy
    (start, end) pair."""
    busy = sorted(busy)
    free = []
    for start, end in intervals:
        cursor = start
        for busy_start, busy_end in busy:
            if busy_end <= cursor or busy_start >= end:
                continue
            if busy_start > cursor:
                free.append((cursor, busy_start))
            cursor = max(cursor, busy_end)
            if cursor >= end:
                break
        if cursor < end:
            free.append((cursor, end))
    return free


def due_visits(customers, interval_weeks, period_start, period_end):
    """(customer, window start, window end) for every visit due in the period.

    The k-th customer is first due in week ``k mod interval_weeks`` of the period, then every
    ``interval_weeks`` weeks; each visit may take place from the start of its week until the
    next visit of that customer is due (or the period ends)."""
    visits = []
    step = timedelta(weeks=interval_weeks)
    for index, customer in enumerate(customers):
        window_start = period_start + timedelta(weeks=index % interval_weeks)
        while window_start < period_end:
            visits.append((customer, window_start, min(window_start + step, period_end)))
            window_start += step
    return visits


def place(free, visits):
    """Puts each visit, in order, at the start of the first free interval of its window that
    is long enough. ``free`` is a sorted list of (start, end) pairs and is used up in place;
    ``visits`` are (key, window start, window end, duration). Returns (planned, unplanned):
    planned is a list of (key, start, end), unplanned a list of keys."""
    planned, unplanned = [], []
    starts = [start for start, _end in free]
    for key, window_start, window_end, duration in visits:
        index = max(bisect_right(starts, window_start) - 1, 0)
        slot = None
        while index < len(free) and free[index][0] < window_end:
            start, end = free[index]
            begin = max(start, window_start)
            if begin + duration <= min(end, window_end):
                slot = index, begin
                break
            index += 1
        if slot is None:
            unplanned.append(key)
            continue
        index, begin = slot
        start, end = free[index]
        finish = begin + duration
        pieces = [(a, b) for a, b in ((start, begin), (finish, end)) if b > a]
        free[index : index + 1] = pieces
        starts[index : index + 1] = [a for a, _b in pieces]
        planned.append((key, begin, finish))
    return planned, unplanned
