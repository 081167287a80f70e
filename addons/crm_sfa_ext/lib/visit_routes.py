"""A salesperson's visits of each day put in route order, with no Odoo.

The visits already have their day (``visit_slots.spread``); this orders each day by
geography with the field-service routing (``routing.solve``, VROOM): every working day is a
shift leaving the salesperson's start (home, work address or the company) at the start of
their working time, the gaps of the day (a meeting, a leave) its breaks; every visit with a
place is a job whose preferred window is its day and whose allowed windows are the free time
of its due window. The days are solved one at a time (``split_days=1``): a visit that does
not fit its day once travel is counted goes on to the next days of its window.

Visits without a place (no coordinates) cannot be routed: they are put after the routed
visits of their day, in the free time left (``visit_slots.place``), later days of their
window when their day is full, with no travel time.
"""

import math
from dataclasses import dataclass
from datetime import timedelta

import numpy as np

from . import routing
from .visit_slots import place, spread, subtract

# VROOM's search effort for one salesperson's day: a handful of visits needs little
EXPLORATION_LEVEL = 2
# travel counted per visit when filling the days, in nearest-neighbour times: measured on
# customers spread at random, a day's round travels about four times that per visit (the
# day's customers are a few of all, and the way out and back home)
ALLOWANCE_NEIGHBOURS = 4


@dataclass
class RoutedVisit:
    key: object
    start: object  # naive datetimes, as the free time given
    end: object
    day: object
    sequence: int  # position in the day's round, from 1
    travel: int  # seconds of travel before the visit (0 when not routed)
    routed: bool


def _middle(points):
    if not points:
        return (0.0, 0.0)
    return (
        sum(lat for lat, _lon in points) / len(points),
        sum(lon for _lat, lon in points) / len(points),
    )


def travel_allowance(places, start_place, straight=None):
    """Seconds of travel to count per visit when filling the days: ALLOWANCE_NEIGHBOURS
    times the mean straight-line time from each place to the nearest other one."""
    points = list(places) + ([start_place] if start_place else [])
    if len(points) < 2:
        return 0
    matrix = (straight or routing.HaversineTravel())(points).astype(float)
    np.fill_diagonal(matrix, np.inf)
    return int(ALLOWANCE_NEIGHBOURS * matrix.min(axis=1)[: len(places)].mean())


def plan_days(days, visits, places, start_place, travel=None, straight=None):
    """Spreads one salesperson's visits over their days (``visit_slots.spread``, a visit
    with a place counting the travel allowance too), then routes each day (`route_days`).
    ``places`` are {key: (lat, lon)}; a key may come back in several visits (a customer
    visited every week). Returns (routed visits, keys left out, once per visit)."""
    points = sorted({places[key] for key, *_rest in visits if key in places})
    allowance = timedelta(seconds=travel_allowance(points, start_place, straight))
    centre = start_place or _middle(points)
    # the visits by their position from here on: a customer's visits share their key
    numbered = [(n, *rest) for n, (_key, *rest) in enumerate(visits)]
    located = {n: places[visits[n][0]] for n, *_rest in numbered if visits[n][0] in places}
    near = {n: math.atan2(lat - centre[0], lon - centre[1]) for n, (lat, lon) in located.items()}
    day_of, unplanned = spread(
        days,
        [
            (n, start, end, duration + allowance if n in located else duration)
            for n, start, end, duration in numbered
        ],
        near,
    )
    routed, left_out = route_days(days, numbered, day_of, located, start_place, travel)
    for visit in routed:
        visit.key = visits[visit.key][0]
    return routed, [visits[n][0] for n in unplanned + left_out]


def route_days(days, visits, day_of, places, start_place, travel=None):
    """Routes one salesperson's visits. ``days`` are (day, free intervals) pairs as for
    ``spread``; ``visits`` (key, window start, window end, duration); ``day_of`` {key: day}
    from ``spread``; ``places`` {key: (lat, lon)} of the visits that have one;
    ``start_place`` (lat, lon) where each day begins and ends (None: the middle of the
    day's visits); ``travel`` a travel-time source (default straight lines).
    Returns (routed visits, keys left out)."""
    visits = [visit for visit in visits if visit[0] in day_of]
    if not visits:
        return [], []
    origin = min(free[0][0] for _day, free in days if free)
    seconds = lambda moment: int((moment - origin).total_seconds())  # noqa: E731
    moment = lambda value: origin + timedelta(seconds=value)  # noqa: E731
    day_index = {day: n for n, (day, _free) in enumerate(days)}
    located = [visit for visit in visits if visit[0] in places]
    if start_place is None and located:
        start_place = _middle([places[visit[0]] for visit in located])
    shifts = []
    for n, (day, free) in enumerate(days):
        if not free or start_place is None:
            continue
        stretches = [(seconds(start), seconds(end)) for start, end in free]
        shifts.append(
            routing.Shift(
                id=n,
                unit=0,
                lat=start_place[0],
                lon=start_place[1],
                start=stretches[0][0],
                end=stretches[-1][1],
                breaks=tuple(
                    (end, following)
                    for (_s, end), (following, _e) in zip(stretches, stretches[1:], strict=False)
                ),
                day=day,
            )
        )
    by_id = {}
    jobs = []
    for number, (key, window_start, window_end, duration) in enumerate(located):
        day_free = days[day_index[day_of[key]]][1]
        by_id[number] = key
        jobs.append(
            routing.Visit(
                id=number,
                lat=places[key][0],
                lon=places[key][1],
                duration=int(duration.total_seconds()),
                # one window for the whole due window: the shifts' bounds and breaks keep
                # the visit in working time
                windows=((max(seconds(window_start), 0), seconds(window_end)),),
                preferred=((seconds(day_free[0][0]), seconds(day_free[-1][1])),),
            )
        )
    result = []
    left_out = set()
    if jobs and shifts:
        solved = routing.solve(
            jobs,
            shifts,
            travel,
            split_days=1,
            exploration_level=EXPLORATION_LEVEL,
            threads=1,
            widen_hours=(),
        )
        day_of_shift = {shift.id: shift.day for shift in shifts}
        for planned in solved.planned:
            result.append(
                RoutedVisit(
                    by_id[planned.visit_id],
                    moment(planned.start),
                    moment(planned.end),
                    day_of_shift[planned.shift_id],
                    planned.sequence,
                    planned.travel,
                    True,
                )
            )
        left_out = {by_id[visit_id] for visit_id in solved.unplanned}
    # the visits without a place: after the routed visits of their day
    busy = [(visit.start - timedelta(seconds=visit.travel), visit.end) for visit in result]
    last_end = {}
    for visit in result:
        last_end[visit.day] = max(last_end.get(visit.day, visit.end), visit.end)
    free = subtract([interval for _day, day_free in days for interval in day_free], busy)
    unrouted = []
    for key, window_start, window_end, duration in visits:
        if key in places:
            continue
        day_free = days[day_index[day_of[key]]][1]
        earliest = max(window_start, last_end.get(day_of[key], day_free[0][0]))
        unrouted.append((key, earliest, window_end, duration))
    placed, unplaced = place(free, unrouted)
    day_starts = [(free_of[0][0], day) for day, free_of in days if free_of]
    for key, start, end in placed:
        day = max((d for first, d in day_starts if first <= start), default=day_of[key])
        result.append(RoutedVisit(key, start, end, day, 0, 0, False))
    # number each day's visits in the order they are made
    result.sort(key=lambda visit: visit.start)
    count = {}
    for visit in result:
        count[visit.day] = visit.sequence = count.get(visit.day, 0) + 1
    return result, [key for key, *_rest in located if key in left_out] + unplaced
