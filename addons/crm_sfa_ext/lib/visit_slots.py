"""Spreading visits over a salesperson's free working time, without the database.

``due_visits`` says when each customer should be visited in a period (every N weeks,
staggered so that a rule's customers do not all fall in the first week); ``spread`` gives
each visit a working day of its window, the days filled evenly (N visits over D working days
make about N/D a day); ``place`` puts each visit in the first free slot of its window and
returns what did not fit (the visits that cannot be routed, after the routed ones).
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


def spread(days, visits, near=None):
    """Gives each visit a day of its window, evenly: ``days`` are (day, free intervals)
    pairs (sorted, disjoint (start, end) pairs of that working day), ``visits`` are (key,
    window start, window end, duration), the first ones served first when the time is short.

    1. Which visits fit: each in turn goes to the day of its window whose free time would be
       the least filled with it, among the days where one free interval still holds it
       (the one it fills best); the others are left out.
    2. With ``near`` ({key: a number}, close numbers for close customers: a bearing from the
       salesperson's start), the visits that fit are given their days again in that order,
       each to the first day of its window filled less than the even share (the visits'
       time over the working time), so that neighbours share a day; a visit that finds no
       such day goes to the least filled one.
    Returns ({key: day}, unplanned keys)."""
    capacity = [sum((end - start for start, end in free), timedelta()) for _day, free in days]
    firsts = [free[0][0] if free else None for _day, free in days]

    def candidates(window_start, window_end, duration, room):
        for n, first in enumerate(firsts):
            # a day belongs to the window where its working time begins
            if first is None or not window_start <= first < window_end:
                continue
            if any(left >= duration for left in room[n]):
                yield n

    def least_filled(visit, room):
        _key, window_start, window_end, duration = visit
        return min(
            candidates(window_start, window_end, duration, room),
            key=lambda n: ((capacity[n] - sum(room[n], timedelta()) + duration) / capacity[n], n),
            default=None,
        )

    def take(room, n, duration):
        """Uses the free interval of day n that the visit fills best (the least left)."""
        index = min(
            (i for i, left in enumerate(room[n]) if left >= duration),
            key=lambda i: room[n][i],
        )
        room[n][index] -= duration

    def fresh():
        return [[end - start for start, end in free] for _day, free in days]

    room = fresh()
    chosen, unplanned = [], []
    for visit in visits:
        best = least_filled(visit, room)
        if best is None:
            unplanned.append(visit[0])
            continue
        take(room, best, visit[3])
        chosen.append((visit, best))
    if near is not None:
        total = sum(capacity, timedelta())
        used = total - sum((left for day_room in room for left in day_room), timedelta())
        share = used / max(total, timedelta(seconds=1))
        room = fresh()
        again = []
        for visit in sorted((visit for visit, _n in chosen), key=lambda v: near.get(v[0], 0)):
            key, window_start, window_end, duration = visit
            best = next(
                (
                    n
                    for n in candidates(window_start, window_end, duration, room)
                    if capacity[n] - sum(room[n], timedelta()) + duration
                    <= capacity[n] * share + duration / 2
                ),
                None,
            )
            if best is None:
                best = least_filled(visit, room)
            if best is None:
                unplanned.append(key)
                continue
            take(room, best, duration)
            again.append((visit, best))
        chosen = again
    return {visit[0]: days[n][0] for visit, n in chosen}, unplanned
