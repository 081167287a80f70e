"""Field-service scheduling with no Odoo: build a routing problem from plain data, solve it with
VROOM (pyvroom), read the routes back with realistic times.

The model: every *shift* (one technician, or one crew travelling together, on one day) is a
vehicle that leaves its home base at the start of its working time and is back by its end;
the gaps inside the day (lunch, a leave, another appointment) are fixed breaks. Every *visit*
(a service order) is a job with a duration, the skills it needs, the crew size it needs and the
windows in which it may start. Times are whole seconds from an origin the caller chooses.

Steps of `solve`:
1. `precheck` gives every visit that no shift could ever take its reason (no location, an
   impossible window, nobody with the skills, no crew that large, no free stretch long enough).
2. The shifts are cut into chunks (every shift, or the shifts of `split_days` days at a time);
   each chunk is one VROOM problem over the visits still unplanned that fit one of its shifts.
3. Each chunk is solved first with the customers' preferred windows; the visits left out are
   offered their preferred window widened by WIDEN_HOURS on both sides, step by step (two
   hours, a day, two days), then their whole allowed window, each step a solve that starts
   from the routes before it (a visit that misses its wish lands as close to it as the
   routes allow, not anywhere in a window of two weeks).
4. The routes are timed again, as early as each visit allows (VROOM may start a day late to
   avoid waiting), and each visit gets its start, end and the travel before it.
5. Visits the solver could not fit anywhere get the reason "no_capacity" (or "pin_conflict").

Problems too large for one solve are cut into regions by `routing_regions.solve_by_regions`,
whose leftovers `route_insertion.insert_leftovers` places without a solve.
"""

import time
from dataclasses import dataclass, field
from datetime import timedelta

import numpy as np

EARTH_KM = 6371.0088

# VROOM knows only skills (integers) and priorities (0..100): crews and pins become skills.
CREW_SKILL = 1_000_000_000
PIN_SKILL = 2_000_000_000
PRIORITY_WEIGHT = 20  # priority 0..3 -> 0..60
LAST_CHANCE = 30  # a visit whose windows end inside the days being solved goes first
PINNED_PRIORITY = 100
OVERLOAD = 1.0  # day by day, a chunk is offered visits for at most its working time
# how far around their preferred window (before and after) the visits left out may be
# planned, step by step (2 hours, a day, two days), before they are offered their whole window
WIDEN_HOURS = (2, 24, 48)
# VROOM's exploration level of the rounds after the first (they start from its routes, and
# each round re-runs the whole local search: see the README's benchmark)
RETRY_LEVEL = 0

REASONS = (
    "no_location",
    "window_impossible",
    "no_skill",
    "crew_too_large",
    "too_long",
    "no_capacity",
    "pin_conflict",
    "no_home_base",
)


@dataclass(frozen=True)
class Visit:
    """A service order to plan. `windows` are (earliest start, latest end) pairs; `preferred`
    is the customer's wish inside them. A pinned visit keeps `pinned_shift` at `pinned_start`."""

    id: int
    lat: float | None
    lon: float | None
    duration: int
    windows: tuple = ()
    preferred: tuple = ()
    skills: frozenset = frozenset()
    crew_size: int = 1
    priority: int = 0
    pinned_shift: int | None = None
    pinned_start: int | None = None


@dataclass(frozen=True)
class Shift:
    """One planning unit (a technician, or a crew) on one day: available from `start` to
    `end` except the `breaks` ((start, end) pairs), starting and ending at its home base."""

    id: int
    unit: object
    lat: float
    lon: float
    start: int
    end: int
    breaks: tuple = ()
    skills: frozenset = frozenset()
    crew_size: int = 1
    day: object = None


@dataclass
class PlannedVisit:
    visit_id: int
    shift_id: int
    sequence: int
    arrival: int
    start: int
    end: int
    travel: int


@dataclass
class Plan:
    planned: list = field(default_factory=list)
    unplanned: dict = field(default_factory=dict)
    travel: int = 0
    lateness: int = 0
    late_visits: int = 0
    seconds: float = 0.0
    chunks: int = 0
    left: list = field(default_factory=list)  # ids of the visits for the next chunks
    # {shift id: [(Visit, the windows it was planned in), ...]} in route order
    routes: dict = field(default_factory=dict)

    def by_visit(self):
        return {p.visit_id: p for p in self.planned}


# ------------------------------------------------------------------ travel times


def haversine_km(lat1, lon1, lat2, lon2):
    """Great-circle distance in km; works on numpy arrays (broadcast) as on floats."""
    lat1, lon1, lat2, lon2 = map(np.radians, (lat1, lon1, lat2, lon2))
    a = (
        np.sin((lat2 - lat1) / 2) ** 2
        + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_KM * np.arcsin(np.sqrt(np.minimum(a, 1.0)))


@dataclass(frozen=True)
class HaversineTravel:
    """Travel time between points as the crow flies, times a road factor (roads are longer
    than straight lines), at an average speed. Any callable taking a list of (lat, lon) and
    returning a square matrix of whole seconds can replace it."""

    speed_kmh: float = 40.0
    road_factor: float = 1.3

    def __call__(self, points):
        if not points:
            return np.zeros((0, 0), dtype=np.int64)
        pts = np.asarray(points, dtype=float)
        km = haversine_km(pts[:, None, 0], pts[:, None, 1], pts[None, :, 0], pts[None, :, 1])
        return np.rint(km * self.road_factor / self.speed_kmh * 3600).astype(np.int64)


# ------------------------------------------------------------------ feasibility


def free_stretches(shift):
    """The shift's working time less its breaks, as sorted (start, end) pairs."""
    stretches, cursor = [], shift.start
    for b_start, b_end in sorted(shift.breaks):
        if b_start > cursor:
            stretches.append((cursor, min(b_start, shift.end)))
        cursor = max(cursor, b_end)
    if cursor < shift.end:
        stretches.append((cursor, shift.end))
    return [(s, e) for s, e in stretches if e > s]


def fits(visit, shift, windows):
    """Whether the visit could start in one of the windows inside one free stretch of the
    shift (travel aside): the whole visit must fall in working time, not only its start."""
    for s, e in free_stretches(shift):
        for w_start, w_end in windows:
            if min(e, w_end) - max(s, w_start) >= visit.duration:
                return True
    return False


def skilled(visit, shift):
    return visit.skills <= shift.skills and visit.crew_size <= shift.crew_size


def precheck(visits, shifts):
    """{visit id: reason} for the visits that no shift can take, whatever else is planned."""
    reasons = {}
    by_id = {s.id: s for s in shifts}
    max_crew = max((s.crew_size for s in shifts), default=0)
    for visit in visits:
        if visit.pinned_shift is not None:
            shift = by_id.get(visit.pinned_shift)
            window = ((visit.pinned_start, visit.pinned_start + visit.duration),)
            if shift is None or visit.lat is None or not fits(visit, shift, window):
                reasons[visit.id] = "pin_conflict"
            continue
        if visit.lat is None or visit.lon is None:
            reasons[visit.id] = "no_location"
        elif visit.duration <= 0 or not any(e - s >= visit.duration for s, e in visit.windows):
            reasons[visit.id] = "window_impossible"
        elif not any(visit.skills <= s.skills for s in shifts):
            reasons[visit.id] = "no_skill"
        elif visit.crew_size > max_crew:
            reasons[visit.id] = "crew_too_large"
        elif not any(skilled(visit, s) for s in shifts):
            # people with the skills exist, and crews that large, but not the two together
            reasons[visit.id] = "crew_too_large"
        elif not any(skilled(visit, s) and fits(visit, s, visit.windows) for s in shifts):
            reasons[visit.id] = "too_long"
    return reasons


# ------------------------------------------------------------------ solving


def _import_vroom():
    import vroom  # a heavy import, only where a solve happens

    return vroom


def _start_windows(visit, windows):
    """VROOM's windows bound the start of service: (earliest start, latest end - duration)."""
    return [(s, e - visit.duration) for s, e in windows if e - s >= visit.duration]


def _clip(windows, bounds):
    lo, hi = bounds
    return [(max(s, lo), min(e, hi)) for s, e in windows if min(e, hi) > max(s, lo)]


class _Chunk:
    """One VROOM problem: some shifts and the visits that fit them."""

    def __init__(self, shifts, visits, points_index, matrix):
        self.shifts = shifts
        self.visits = visits
        self.matrix = matrix
        self.index = points_index
        self.span = (min(s.start for s in shifts), max(s.end for s in shifts))

    def build(self, vroom, windows_of, initial=None):
        problem = vroom.Input()
        problem.set_durations_matrix("car", self.matrix)
        shift_no = {s.id: n for n, s in enumerate(self.shifts, start=1)}
        for shift in self.shifts:
            skills = set(shift.skills) | {CREW_SKILL + k for k in range(2, shift.crew_size + 1)}
            skills.add(PIN_SKILL + shift_no[shift.id])
            home = self.index[("shift", shift.id)]
            kwargs = {}
            if initial and shift.id in initial:
                kwargs["steps"] = [
                    vroom.VehicleStepStart(),
                    *(
                        vroom.VehicleStepSingle(n) if kind == "job" else vroom.VehicleStepBreak(n)
                        for kind, n in initial[shift.id]
                    ),
                    vroom.VehicleStepEnd(),
                ]
            problem.add_vehicle(
                vroom.Vehicle(
                    shift_no[shift.id],
                    start=home,
                    end=home,
                    time_window=vroom.TimeWindow(shift.start, shift.end),
                    skills=skills,
                    breaks=[
                        vroom.Break(
                            shift_no[shift.id] * 1000 + n,
                            time_windows=[vroom.TimeWindow(b_start, b_start)],
                            service=b_end - b_start,
                        )
                        for n, (b_start, b_end) in enumerate(_clip(shift.breaks, self.span))
                        if shift.start <= b_start and b_end <= shift.end
                    ],
                    **kwargs,
                )
            )
        jobs = []
        for n, visit in enumerate(self.visits, start=1):
            skills = set(visit.skills)
            if visit.crew_size > 1:
                skills.add(CREW_SKILL + visit.crew_size)
            if visit.pinned_shift is not None:
                skills.add(PIN_SKILL + shift_no[visit.pinned_shift])
                windows = [(visit.pinned_start, visit.pinned_start)]
                priority = PINNED_PRIORITY
            else:
                windows = _start_windows(visit, _clip(windows_of(visit), self.span))
                priority = visit.priority * PRIORITY_WEIGHT
                if not _due_later(visit, self.span[1]):
                    priority += LAST_CHANCE
            jobs.append(
                vroom.Job(
                    n,
                    location=self.index[("visit", visit.id)],
                    default_service=visit.duration,
                    skills=skills,
                    priority=priority,
                    time_windows=[vroom.TimeWindow(s, e) for s, e in windows],
                )
            )
        problem.add_job(jobs)
        return problem

    def routes(self, solution):
        """{shift id: [(step type, id), ...]} in route order; a job's id is the visit's
        position (1-based) in self.visits."""
        result = {}
        for route in solution.to_dict()["routes"]:
            shift = self.shifts[route["vehicle"] - 1]
            result[shift.id] = [
                (step["type"], step["id"])
                for step in route["steps"]
                if step["type"] in ("job", "break")
            ]
        return result


def time_route(shift, route, home, locations, matrix):
    """Times a route of (visit, windows the solver used) as early as it goes: leave home at
    the start of the shift, travel, wait for the window, step over the breaks."""
    timed, now, here = [], shift.start, home
    breaks = sorted(shift.breaks)
    for sequence, (visit, windows) in enumerate(route, start=1):
        place = locations[visit.id]
        leg = int(matrix[here, place])
        arrival = travel_through(now, leg, breaks)
        if visit.pinned_shift is not None:
            start = max(arrival, visit.pinned_start)
        else:
            start = _earliest_start(arrival, visit.duration, windows, breaks)
        timed.append(
            PlannedVisit(visit.id, shift.id, sequence, arrival, start, start + visit.duration, leg)
        )
        now, here = start + visit.duration, place
    back = int(matrix[here, home]) if route else 0
    return timed, back


def travel_through(now, leg, breaks):
    """Arrival time of a leg started at `now`: a break met on the way pauses the travel."""
    for b_start, b_end in breaks:
        if b_end <= now:
            continue
        if b_start >= now + leg:
            break
        leg -= max(0, b_start - now)
        now = max(now, b_end)
    return now + leg


def _earliest_start(arrival, duration, windows, breaks):
    """The first moment from `arrival` when the whole visit fits one of its windows without
    overlapping a break: it is the arrival itself, a window's start or a break's end."""
    candidates = sorted({arrival, *(s for s, _e in windows), *(e for _s, e in breaks)})
    for moment in candidates:
        if moment < arrival:
            continue
        end = moment + duration
        if any(s <= moment and end <= e for s, e in windows) and not any(
            moment < b_end and b_start < end for b_start, b_end in breaks
        ):
            return moment
    return arrival  # the solver's route says it fits; keep its order all the same


def lateness_of(visit, planned):
    """How long after the customer's preferred window the visit ends (0 without one)."""
    if not visit.preferred:
        return 0
    return max(0, planned.end - max(e for _s, e in visit.preferred))


def solve(
    visits,
    shifts,
    travel=None,
    *,
    exploration_level=5,
    threads=2,
    timeout=None,
    split_days=None,
    on_progress=None,
    widen_hours=WIDEN_HOURS,
    overload=OVERLOAD,
    chunk=None,
    budget=None,
):
    """Plans the visits onto the shifts; returns a Plan. `split_days` solves the shifts of
    that many days at a time (visits left over go on to the next days); `timeout` (seconds)
    bounds each VROOM solve; `on_progress(done, total)` is called after each solve (a
    chunk's rounds count as parts of it); `widen_hours` are the steps by which the preferred
    windows of the visits left out widen (empty: straight to their whole window); `chunk`
    (0-based) solves only that chunk of days (a step of a plan solved in several calls):
    the visits it leaves, unless it is the last chunk, are in the plan's `left`, not
    unplanned. `budget` (seconds) bounds the whole call: each VROOM solve gets what is left
    of it (at least a second) and the widening rounds stop when it is spent."""
    started = time.monotonic()
    deadline = started + budget if budget else None
    travel = travel or HaversineTravel()
    vroom = _import_vroom()
    plan = Plan(unplanned=precheck(visits, shifts))
    open_visits = [v for v in visits if v.id not in plan.unplanned]

    # one matrix over every place; each chunk takes its rows
    points, index = [], {}
    for shift in shifts:
        index[("shift", shift.id)] = len(points)
        points.append((shift.lat, shift.lon))
    for visit in open_visits:
        index[("visit", visit.id)] = len(points)
        points.append((visit.lat, visit.lon))
    full = np.asarray(travel(points), dtype=np.int64)
    locations = {v.id: index[("visit", v.id)] for v in open_visits}

    chunks = _chunks(shifts, split_days)
    todo = {v.id: v for v in open_visits}
    rounds = len(widen_hours) + 2
    for number, chunk_shifts in enumerate(chunks, start=1):
        if chunk is not None and number != chunk + 1:
            continue
        candidates = _candidates(todo.values(), chunk_shifts, split_days is not None, overload)

        def tick(done_rounds, number=number):
            if on_progress:
                on_progress((number - 1) * rounds + done_rounds, len(chunks) * rounds)

        if candidates:
            routes = _solve_chunk(
                vroom,
                chunk_shifts,
                candidates,
                index,
                full,
                (exploration_level, threads, timeout, deadline),
                widen_hours,
                tick,
            )
            by_shift = {s.id: s for s in chunk_shifts}
            for shift_id, route in routes.items():
                shift = by_shift[shift_id]
                timed, back = time_route(shift, route, index[("shift", shift.id)], locations, full)
                plan.planned.extend(timed)
                plan.routes[shift_id] = route
                plan.travel += sum(p.travel for p in timed) + back
                for (visit, _windows), planned in zip(route, timed, strict=True):
                    late = lateness_of(visit, planned)
                    plan.lateness += late
                    plan.late_visits += bool(late)
                    todo.pop(visit.id, None)
        plan.chunks = number
        if on_progress:
            on_progress(number, len(chunks))
    if chunk is not None and chunk + 1 < len(chunks):
        plan.left = list(todo)
        todo = {}
    plan.chunks = len(chunks)
    for visit in todo.values():
        plan.unplanned[visit.id] = (
            "pin_conflict" if visit.pinned_shift is not None else "no_capacity"
        )
    plan.seconds = time.monotonic() - started
    return plan


def _due_later(visit, moment):
    """Neither the visit's window nor its customer's preferred window ends by `moment`."""
    return max(e for _s, e in visit.windows) > moment and not any(
        e <= moment for _s, e in visit.preferred
    )


def _candidates(visits, shifts, rolling, overload=OVERLOAD):
    """The visits this chunk may take. Solving day by day (`rolling`), a visit waits for its
    customer's preferred day when that is still ahead, and when the visits would fill the
    chunk's working time more than OVERLOAD times, only the most urgent go in (those whose
    window or preferred window ends in the chunk, the highest priorities first): VROOM slows
    down a lot on problems far bigger than their vehicles; the others go to the next chunk."""
    span_end = max(s.end for s in shifts)
    chosen = []
    for v in visits:
        if v.pinned_shift is not None:
            if any(v.pinned_shift == s.id for s in shifts):
                chosen.append(v)
            continue
        if rolling and v.preferred and min(s for s, _e in v.preferred) >= span_end:
            continue
        if any(skilled(v, s) and fits(v, s, v.windows) for s in shifts):
            chosen.append(v)
    if not rolling:
        return chosen
    capacity = sum(e - s for shift in shifts for s, e in free_stretches(shift)) * overload
    chosen.sort(
        key=lambda v: (
            v.pinned_shift is None,
            _due_later(v, span_end),
            -v.priority,
            max(e for _s, e in v.windows),
            v.id,
        )
    )
    taken, load = [], 0
    for v in chosen:
        if v.pinned_shift is None and load + v.duration > capacity:
            continue
        taken.append(v)
        load += v.duration
    return taken


def _chunks(shifts, split_days):
    if not split_days:
        return [list(shifts)] if shifts else []
    days = sorted({s.day for s in shifts})
    groups = [days[i : i + split_days] for i in range(0, len(days), split_days)]
    return [[s for s in shifts if s.day in group] for group in groups]


def _solve_chunk(vroom, shifts, visits, index, full, settings, widen_hours, tick):
    """{shift id: [(Visit, its windows), ...]} for one chunk: the customers' preferred
    windows first; then, for the visits left out, those windows widened step by step
    (`widen_hours`), then their whole allowed window. Each round starts from the routes
    before it and is kept only when it plans more visits. `settings` are VROOM's
    (exploration level, threads, timeout in seconds, deadline on time.monotonic() or None);
    `tick(rounds done)` reports progress."""
    exploration_level, threads, timeout, deadline = settings
    rows = sorted(
        {index[("shift", s.id)] for s in shifts} | {index[("visit", v.id)] for v in visits}
    )
    local = {row: n for n, row in enumerate(rows)}
    chunk_index = {key: local[row] for key, row in index.items() if row in local}
    chunk = _Chunk(shifts, visits, chunk_index, full[np.ix_(rows, rows)])

    def limit():
        seconds = timeout
        if deadline is not None:
            left = max(1.0, deadline - time.monotonic())
            seconds = min(seconds, left) if seconds else left
        return timedelta(seconds=seconds) if seconds else None

    whole = len(widen_hours) + 1
    step = {}  # visit id -> widening step of its windows (absent: its preferred window)

    def wish(visit, extra):
        windows = [
            (max(s, ps - extra), min(e, pe + extra))
            for s, e in visit.windows
            for ps, pe in visit.preferred
            if min(e, pe + extra) - max(s, ps) >= visit.duration
        ]
        return windows or visit.windows

    def windows_of(visit):
        level = step.get(visit.id, 0)
        if level >= whole:
            return visit.windows
        return wish(visit, 3600 * (widen_hours[level - 1] if level else 0))

    def run(initial=None):
        # the rounds after the first start from its routes: a lighter search is enough
        level = min(exploration_level, RETRY_LEVEL) if initial else exploration_level

        def attempt(start):
            problem = chunk.build(vroom, windows_of, initial=start)
            return problem.solve(exploration_level=level, nb_threads=threads, timeout=limit())

        try:
            return chunk.routes(attempt(initial))
        except vroom._vroom.VroomInputException:
            if not initial:
                raise
            # VROOM refused the routes before as a start: solve this round afresh
            return chunk.routes(attempt(None))

    def jobs(routes):
        return {n for route in routes.values() for kind, n in route if kind == "job"}

    routes = run()
    planned = jobs(routes)
    tick(1)
    for level in range(1, whole + 1):
        left = [
            visit
            for n, visit in enumerate(visits, start=1)
            if n not in planned and visit.preferred and visit.pinned_shift is None
        ]
        if not left or (deadline is not None and time.monotonic() >= deadline):
            break
        before = [_clip(windows_of(visit), chunk.span) for visit in left]
        step.update((visit.id, level) for visit in left)
        if before == [_clip(windows_of(visit), chunk.span) for visit in left]:
            continue  # inside this chunk's days the wider step offers nothing more
        again = run(initial=routes)
        if len(jobs(again)) > len(planned):
            routes, planned = again, jobs(again)
        tick(level + 1)
    return {
        shift_id: [
            (visits[n - 1], windows_of(visits[n - 1])) for kind, n in route if kind == "job"
        ]
        for shift_id, route in routes.items()
        if any(kind == "job" for kind, _n in route)
    }


def route_summary(plan, visits_by_id):
    """Figures of a plan: visits planned, travel hours, lateness hours (for the benchmarks)."""
    late = [lateness_of(visits_by_id[p.visit_id], p) for p in plan.planned]
    return {
        "planned": len(plan.planned),
        "unplanned": len(plan.unplanned),
        "travel_h": round(plan.travel / 3600, 1),
        "lateness_h": round(sum(late) / 3600, 1),
        "seconds": round(plan.seconds, 1),
        "late_visits": sum(1 for seconds in late if seconds),
    }
