"""Repairs the ends of split solves: the visits no region had room for are inserted, one at a
time, where a route of the plan still has room (no solve)."""

import numpy as np

from .routing import fits, free_stretches, lateness_of, skilled, time_route, travel_through


def insert_leftovers(plan, leftovers, shifts, travel):
    """Inserts the visits no solve had room for where the plan's routes still have room,
    one visit at a time (highest priority first): at the place that keeps it closest to
    its customer's preferred window (in whole hours), then adds the least travel, every
    visit of the route still inside the windows it was planned in and the route back home
    by the end of its shift. The visits that fit nowhere get the reason "no_capacity". No
    solve: it repairs the ends of split solves, where a region had no room left for them."""
    leftovers = sorted(
        (v for v in leftovers if v.id not in plan.unplanned),
        key=lambda v: (-v.priority, max(e for _s, e in v.windows), v.id),
    )
    able = {
        v.id: [s for s in shifts if skilled(v, s) and fits(v, s, v.windows)] for v in leftovers
    }
    candidates = {s.id: s for v in leftovers for s in able[v.id] if v.pinned_shift is None}
    points, index = [], {}
    for shift in candidates.values():
        index[("shift", shift.id)] = len(points)
        points.append((shift.lat, shift.lon))
    for shift_id in candidates:
        for visit, _windows in plan.routes.get(shift_id, ()):
            index[("visit", visit.id)] = len(points)
            points.append((visit.lat, visit.lon))
    for visit in leftovers:
        index[("visit", visit.id)] = len(points)
        points.append((visit.lat, visit.lon))
    matrix = np.asarray(travel(points), dtype=np.int64) if points else None
    locations = {key[1]: row for key, row in index.items() if key[0] == "visit"}
    used = {
        s.id: sum(v.duration for v, _w in plan.routes.get(s.id, ())) for s in candidates.values()
    }
    for visit in leftovers:
        best = None
        for shift in able[visit.id] if visit.pinned_shift is None else ():
            route = plan.routes.get(shift.id, [])
            home = index[("shift", shift.id)]
            old = _route_cost(shift, route, home, locations, matrix)
            room = sum(e - s for s, e in free_stretches(shift)) - used[shift.id] - old
            if room < visit.duration:
                continue
            for position in range(len(route) + 1):
                trial = [*route[:position], (visit, visit.windows), *route[position:]]
                timed = _feasible_timing(shift, trial, home, locations, matrix)
                if timed is None:
                    continue
                late = lateness_of(visit, timed[position])
                key = (-(-late // 3600), _route_cost(shift, trial, home, locations, matrix) - old)
                if best is None or key < best[0]:
                    best = (key, shift, trial)
        if best is None:
            plan.unplanned[visit.id] = "no_capacity"
            continue
        _key, shift, trial = best
        _replace_route(plan, shift, trial, index[("shift", shift.id)], locations, matrix)
        used[shift.id] += visit.duration
        plan.unplanned.pop(visit.id, None)
    return plan


def _route_cost(shift, route, home, locations, matrix):
    """Travel seconds of a route from home and back (the order alone decides it)."""
    places = [home, *(locations[v.id] for v, _w in route), home]
    return int(sum(matrix[a, b] for a, b in zip(places, places[1:], strict=False)))


def _feasible_timing(shift, route, home, locations, matrix):
    """The route timed as early as it goes (`time_route`), or None when a visit would
    leave its windows, cross a break, or the technician be home after the shift's end."""
    timed, back = time_route(shift, route, home, locations, matrix)
    for (visit, windows), planned in zip(route, timed, strict=True):
        if visit.pinned_shift is not None:
            if planned.start != visit.pinned_start:
                return None
        elif not any(s <= planned.start and planned.end <= e for s, e in windows):
            return None
        if any(planned.start < b_end and b_start < planned.end for b_start, b_end in shift.breaks):
            return None
    end = timed[-1].end if timed else shift.start
    if travel_through(end, back, sorted(shift.breaks)) > shift.end:
        return None
    return timed


def _replace_route(plan, shift, route, home, locations, matrix):
    """Puts the shift's new route (timed again) in the plan in place of its old one (which
    may be in `plan.routes` only: a route of an earlier step of a plan solved in steps);
    the plan's figures change by the difference."""
    for sign, visits in ((-1, plan.routes.get(shift.id, [])), (1, route)):
        timed, back = time_route(shift, visits, home, locations, matrix)
        plan.travel += sign * (sum(p.travel for p in timed) + back)
        for (visit, _windows), planned in zip(visits, timed, strict=True):
            late = lateness_of(visit, planned)
            plan.lateness += sign * late
            plan.late_visits += sign * bool(late)
    plan.planned = [p for p in plan.planned if p.shift_id != shift.id] + timed
    plan.routes[shift.id] = route
