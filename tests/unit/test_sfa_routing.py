"""Plain unit tests of crm_sfa_ext's scheduling engine (no Odoo, no database): every hard
constraint on small known instances, the known optimum of a tiny one, pins, crews, the
preferred window and the reasons given for what cannot be planned."""

import itertools
import math
import os
from functools import partial

import numpy as np
import pytest
from lib_loader import load_lib

routing = load_lib("crm_sfa_ext", "routing")
routing_regions = load_lib("crm_sfa_ext", "routing_regions")
route_insertion = load_lib("crm_sfa_ext", "route_insertion")
Visit, Shift = routing.Visit, routing.Shift

H = 3600
DAY = (8 * H, 17 * H)
HOME = (35.70, 51.40)


def east(km):
    """A point `km` east of HOME (about 90.3 km a degree of longitude at this latitude)."""
    return HOME[0], HOME[1] + km / (111.32 * np.cos(np.radians(HOME[0])))


def visit(vid, km=5, duration=H, windows=(DAY,), **kw):
    lat, lon = east(km) if km is not None else (None, None)
    return Visit(vid, lat, lon, duration, windows=tuple(windows), **kw)


def shift(sid, unit=None, start=DAY[0], end=DAY[1], at=HOME, **kw):
    return Shift(sid, unit or sid, at[0], at[1], start, end, **kw)


def assert_feasible(plan, visits, shifts, travel=None):
    """Checks a plan against every hard constraint, independently of the engine's timing."""
    travel = travel or routing.HaversineTravel()
    by_visit = {v.id: v for v in visits}
    by_shift = {s.id: s for s in shifts}
    routes = {}
    for p in plan.planned:
        routes.setdefault(p.shift_id, []).append(p)
    for shift_id, route in routes.items():
        s = by_shift[shift_id]
        route.sort(key=lambda p: p.sequence)
        now, here = s.start, (s.lat, s.lon)
        for p in route:
            v = by_visit[p.visit_id]
            place = (v.lat, v.lon)
            leg = int(travel([here, place])[0, 1])
            assert p.arrival - now >= leg, "travel takes its time"
            assert p.start >= p.arrival and p.end == p.start + v.duration
            assert v.skills <= s.skills, "the shift has every skill the visit needs"
            assert v.crew_size <= s.crew_size, "the crew is large enough"
            if v.pinned_shift is None:
                assert any(w0 <= p.start and p.end <= w1 for w0, w1 in v.windows), "in its window"
            else:
                assert (p.shift_id, p.start) == (v.pinned_shift, v.pinned_start)
            assert s.start <= p.start and p.end <= s.end, "inside working hours"
            for b_start, b_end in s.breaks:
                assert p.end <= b_start or p.start >= b_end, "never over a break or a leave"
            now, here = p.end, place
        back = int(travel([here, (s.lat, s.lon)])[0, 1])
        assert now + back <= s.end, "home by the end of the day"
    assert not set(plan.unplanned) & {p.visit_id for p in plan.planned}
    assert set(plan.unplanned) | {p.visit_id for p in plan.planned} == set(by_visit)


def test_haversine_travel_is_pluggable_and_symmetric():
    matrix = routing.HaversineTravel(speed_kmh=60, road_factor=1.0)([HOME, east(60)])
    assert matrix[0, 0] == 0 and abs(matrix[0, 1] - H) < 5 and matrix[0, 1] == matrix[1, 0]
    slower = routing.HaversineTravel(speed_kmh=30, road_factor=1.5)([HOME, east(60)])
    assert abs(slower[0, 1] - 3 * matrix[0, 1]) <= 2


def test_tiny_instance_reaches_the_known_optimum():
    # two technicians at the two ends of a line, five visits along it: the brute-force
    # optimum over every split and order is what the solver must find
    visits = [visit(i, km=km, duration=30 * 60) for i, km in enumerate((3, 9, 21, 27, 33), 1)]
    shifts = [shift(1, at=HOME), shift(2, at=east(36))]
    travel = routing.HaversineTravel()
    plan = routing.solve(visits, shifts, travel)
    assert_feasible(plan, visits, shifts, travel)
    assert not plan.unplanned

    points = [HOME, east(36)] + [(v.lat, v.lon) for v in visits]
    m = travel(points)

    def tour(home, seq):
        stops = [home, *(2 + v - 1 for v in seq), home]
        return sum(m[a, b] for a, b in itertools.pairwise(stops))

    best = math.inf
    for mask in range(2 ** len(visits)):
        first = [n for n in range(1, 6) if mask >> (n - 1) & 1]
        second = [n for n in range(1, 6) if not mask >> (n - 1) & 1]
        cost = min(map(partial(tour, 0), itertools.permutations(first)))
        cost += min(map(partial(tour, 1), itertools.permutations(second)))
        best = min(best, cost)
    assert plan.travel == best


def test_skills_crews_windows_breaks_and_hours_are_respected():
    lunch = (12 * H, 13 * H)
    shifts = [
        shift(1, skills=frozenset({7}), breaks=(lunch,)),
        shift(2, skills=frozenset(), breaks=(lunch,)),
        shift(3, unit="crew", skills=frozenset({7}), crew_size=2, at=east(10), breaks=(lunch,)),
    ]
    visits = [
        visit(1, km=4, skills=frozenset({7})),
        visit(2, km=6, duration=2 * H, windows=((11 * H, 15 * H),)),  # must go around lunch
        visit(3, km=12, crew_size=2),
        visit(4, km=2, windows=((9 * H, 10 * H + 30 * 60),)),
        visit(5, km=8, duration=3 * H, windows=((8 * H, 17 * H),)),
    ]
    plan = routing.solve(visits, shifts)
    assert_feasible(plan, visits, shifts)
    assert not plan.unplanned
    placed = plan.by_visit()
    assert placed[1].shift_id in (1, 3)
    assert placed[3].shift_id == 3
    assert placed[2].start >= 13 * H or placed[2].end <= 12 * H


def test_a_visit_is_never_planned_over_a_leave():
    # the only technician is away 10:00-14:00: a 2.5-hour visit fits only in the afternoon
    shifts = [shift(1, breaks=((10 * H, 14 * H),))]
    visits = [visit(1, duration=150 * 60, windows=((8 * H, 17 * H),))]
    plan = routing.solve(visits, shifts)
    assert_feasible(plan, visits, shifts)
    assert plan.by_visit()[1].start >= 14 * H
    # a 5-hour visit fits neither stretch: unplannable, with the reason
    plan = routing.solve([visit(2, duration=5 * H)], shifts)
    assert plan.unplanned == {2: "too_long"}


def test_pinned_visit_stays_and_the_rest_is_planned_around_it():
    shifts = [shift(1), shift(2)]
    visits = [
        visit(1, km=5, pinned_shift=2, pinned_start=10 * H),
        visit(2, km=5, windows=((10 * H, 11 * H),)),
        visit(3, km=6),
    ]
    plan = routing.solve(visits, shifts)
    assert_feasible(plan, visits, shifts)
    placed = plan.by_visit()
    assert (placed[1].shift_id, placed[1].start) == (2, 10 * H)
    assert placed[2].shift_id == 1  # shift 2 is busy at that hour


def test_pin_on_a_break_is_a_conflict():
    shifts = [shift(1, breaks=((12 * H, 13 * H),))]
    plan = routing.solve([visit(1, pinned_shift=1, pinned_start=12 * H)], shifts)
    assert plan.unplanned == {1: "pin_conflict"}


def test_unplannable_visits_get_their_reason():
    shifts = [shift(1, skills=frozenset({1})), shift(2, skills=frozenset({2}), crew_size=2)]
    visits = [
        visit(1, km=None),
        visit(2, windows=((15 * H, 14 * H),)),
        visit(3, duration=2 * H, windows=((9 * H, 10 * H),)),
        visit(4, skills=frozenset({3})),
        visit(5, crew_size=3),
        visit(6, skills=frozenset({1}), crew_size=2),
        visit(7, duration=10 * H, windows=((6 * H, 20 * H),)),
        visit(8, skills=frozenset({1, 2})),
    ]
    plan = routing.solve(visits, shifts)
    assert plan.unplanned == {
        1: "no_location",
        2: "window_impossible",
        3: "window_impossible",
        4: "no_skill",
        5: "crew_too_large",
        6: "crew_too_large",
        7: "too_long",
        8: "no_skill",
    }
    assert plan.planned == []


def test_full_day_serves_the_highest_priority_and_says_why_the_rest_is_left():
    shifts = [shift(1, start=8 * H, end=12 * H)]
    visits = [visit(i, km=1, duration=3 * H, priority=p) for i, p in ((1, 0), (2, 3), (3, 1))]
    plan = routing.solve(visits, shifts)
    assert_feasible(plan, visits, shifts)
    assert [p.visit_id for p in plan.planned] == [2]
    assert plan.unplanned == {1: "no_capacity", 3: "no_capacity"}


def test_preferred_window_kept_when_possible_else_planned_late():
    shifts = [shift(1, start=9 * H)]
    wish = ((9 * H, 11 * H),)
    visits = [visit(1, km=3, preferred=wish), visit(2, km=3, duration=90 * 60, preferred=wish)]
    plan = routing.solve(visits, shifts)
    assert_feasible(plan, visits, shifts)
    placed = plan.by_visit()
    assert not plan.unplanned
    in_wish = [p for p in placed.values() if 9 * H <= p.start and p.end <= 11 * H]
    assert len(in_wish) == 1, "only one fits the customer's morning; the other comes later"
    late = next(p for p in placed.values() if p.end > 11 * H)
    assert plan.lateness == late.end - 11 * H > 0


def test_split_by_day_carries_visits_to_the_next_day():
    day2 = (DAY[0] + 24 * H, DAY[1] + 24 * H)
    shifts = [shift(1, day=1), shift(2, unit=1, start=day2[0], end=day2[1], day=2)]
    visits = [
        visit(i, km=2 + i, duration=2 * H, windows=((DAY[0], day2[1]),)) for i in range(1, 6)
    ]
    plan = routing.solve(visits, shifts, split_days=1)
    assert_feasible(plan, visits, shifts)
    assert not plan.unplanned and plan.chunks == 2
    assert {p.shift_id for p in plan.planned} == {1, 2}


def test_a_visit_starts_no_earlier_than_the_travel_allows():
    # 60 km away at 40 km/h x 1.3: nearly two hours before the first visit can start
    shifts = [shift(1)]
    visits = [visit(1, km=60)]
    plan = routing.solve(visits, shifts)
    assert_feasible(plan, visits, shifts)
    p = plan.planned[0]
    assert p.arrival == DAY[0] + p.travel and p.travel > 1.9 * H


@pytest.mark.parametrize("split", [None, 1])
def test_nothing_to_plan(split):
    assert routing.solve([], [shift(1)], split_days=split).planned == []
    plan = routing.solve([visit(1)], [], split_days=split)
    assert plan.unplanned == {1: "no_skill"}


def _four_days_with_the_wished_day_full():
    """One technician over four days (0-3); day 1 is full of urgent visits at home. A visit
    20 km east wishes for day 1's morning and may be done any day; another visit at the same
    place must be done on day 3. Offered its whole window, the wished visit would go with it
    on day 3 (two days late, no extra travel); widened a day at a time, it lands on day 0 or
    day 2, a day from its wish at most."""
    day = 24 * H
    shifts = [
        shift(d + 1, unit="tech", start=d * day + DAY[0], end=d * day + DAY[1], day=d)
        for d in range(4)
    ]
    booked = [
        visit(10 + n, km=0, windows=((day + DAY[0], day + DAY[1]),), priority=3) for n in range(9)
    ]
    wished = visit(
        1,
        km=20,
        windows=((DAY[0], 3 * day + DAY[1]),),
        preferred=((day + 8 * H, day + 12 * H),),
    )
    fixed = visit(2, km=20.2, windows=((3 * day + DAY[0], 3 * day + DAY[1]),))
    return [wished, fixed, *booked], shifts


def test_a_visit_that_misses_its_wish_is_widened_a_day_at_a_time_not_to_any_day():
    visits, shifts = _four_days_with_the_wished_day_full()
    at_once = routing.solve(visits, shifts, exploration_level=1, widen_hours=())
    stepwise = routing.solve(visits, shifts, exploration_level=1)
    for plan in (at_once, stepwise):
        assert_feasible(plan, visits, shifts)
        assert not plan.unplanned
    assert at_once.by_visit()[1].shift_id == 4, "with its whole window: day 3, beside visit 2"
    assert stepwise.by_visit()[1].shift_id in (1, 3), "a day from its wish"
    assert stepwise.lateness < at_once.lateness - 24 * H
    assert routing.WIDEN_HOURS == (2, 24, 48)


def test_solving_a_day_at_a_time_skips_the_widening_steps_that_add_nothing():
    """A chunk of one day: widened by a day or by two days the wish is the same whole day,
    so that step is not solved again (five rounds would be; four are)."""
    visits, shifts = _four_days_with_the_wished_day_full()
    reports = []
    routing.solve(
        visits,
        shifts[1:2],
        exploration_level=1,
        on_progress=lambda done, total: reports.append((done, total)),
    )
    assert reports[-1] == (1, 1)
    assert [done for done, _total in reports[:-1]] == [1, 2, 3], "preferred, +-2 h, +-1 day"


def test_regions_side_by_side_share_their_overflow_by_insertion():
    """A technician 30 km west (mornings only), two 30 km east: two regions solved side by
    side (two chains of one region each). The west region has no room for its fourth visit
    and no next region: it is inserted into an east technician's route, which has room."""
    shifts = [
        shift(1, "west", 8 * H, 12 * H, at=east(-30)),
        shift(2, "east", at=east(30)),
        shift(3, "east 2", 8 * H, 12 * H, at=east(32)),
    ]
    morning = ((8 * H, 12 * H),)
    km = {1: -29, 2: -28, 3: -27, 4: -26, 5: 31}
    visits = [visit(n, km=k, windows=morning) for n, k in km.items()]
    cut = routing_regions.split_regions(visits, shifts, 2)
    assert routing_regions.region_chains(cut, shifts, workers=2) == [[0], [1]]
    assert routing_regions.region_chains(cut, shifts, workers=1) == [[0, 1]]
    plan = routing_regions.solve_by_regions(
        visits, shifts, regions=2, workers=2, exploration_level=1
    )
    assert_feasible(plan, visits, shifts)
    assert not plan.unplanned
    assert sum(p.shift_id == 1 for p in plan.planned) == 3, "the fourth went east"
    travel, legs = routing.HaversineTravel(), 0
    for s in shifts:
        route = sorted((p for p in plan.planned if p.shift_id == s.id), key=lambda p: p.sequence)
        places = [(s.lat, s.lon), *(east(km[p.visit_id]) for p in route), (s.lat, s.lon)]
        if route:
            legs += sum(int(travel([a, b])[0, 1]) for a, b in itertools.pairwise(places))
    assert plan.travel == legs, "the figures follow the routes changed by the insertion"


def test_insertion_keeps_every_route_inside_its_windows_or_leaves_the_visit_out():
    shifts = [shift(1)]
    visits = [visit(n, km=2, duration=2 * H) for n in range(1, 5)]
    plan = routing.solve(visits, shifts, exploration_level=1)
    late = visit(9, km=2, duration=H)
    route_insertion.insert_leftovers(plan, [late], shifts, routing.HaversineTravel())
    assert_feasible(plan, visits + [late], shifts)
    assert plan.unplanned.get(9) == "no_capacity", "eight hours of visits and travel: no room"
    early = visit(8, km=2, duration=30 * 60)
    route_insertion.insert_leftovers(plan, [early], shifts, routing.HaversineTravel())
    assert 8 in plan.by_visit() and 8 not in plan.unplanned


def test_side_by_side_tasks_run_in_processes_of_their_own():
    """pyvroom keeps Python's lock while it solves: two chains in threads would take turns
    on one core. The second task runs in a forked process (another pid), its result comes
    back, and its error is raised in the caller with the child's traceback."""
    first, second = routing_regions.in_parallel([os.getpid, os.getpid])
    assert first == os.getpid()
    assert second != os.getpid()
    plan = routing.solve([visit(1, km=2)], [shift(1)], exploration_level=1)
    _mine, theirs = routing_regions.in_parallel(
        [lambda: None, lambda: routing.solve([visit(1, km=2)], [shift(1)], exploration_level=1)]
    )
    assert theirs.by_visit()[1].start == plan.by_visit()[1].start

    def fail():
        raise ValueError("no such region")

    with pytest.raises(RuntimeError, match="no such region"):
        routing_regions.in_parallel([lambda: 1, fail])
