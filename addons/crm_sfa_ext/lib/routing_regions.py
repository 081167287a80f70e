"""Large field-service problems cut into regions of technicians (see `solve_by_regions`):
the regions are solved with `routing.solve`, in one chain or two side by side, and what
their ends leave is inserted by `route_insertion.insert_leftovers`."""

import multiprocessing
import time
import traceback
from dataclasses import dataclass

import numpy as np

from .route_insertion import insert_leftovers
from .routing import HaversineTravel, Plan, free_stretches, haversine_km, precheck, skilled, solve

# the share of a region's working time its own visits may fill before the nearest other
# region takes the next ones (the rest of the day is travel)
REGION_FILL = 0.87


def regions_for(visit_count, region_visits):
    """How many regions a problem of `visit_count` visits is cut into: one for each
    `region_visits` visits, rounded up (1: none). The regions follow the technicians' home
    bases, so their sizes differ (545 to 1,123 visits in the README's 14-day case)."""
    return max(1, -(-visit_count // region_visits)) if region_visits > 0 else 1


@dataclass
class Regions:
    """A problem cut into regions (see `split_regions`): `unit_region` {unit: region
    number}, `visits` one list per region, `orphans` the visits no unit could ever take
    (no location, nobody with the skills: `precheck` says why)."""

    count: int
    unit_region: dict
    visits: list
    orphans: list

    def shifts(self, shifts, number):
        return [s for s in shifts if self.unit_region[s.unit] == number]


def split_regions(visits, shifts, regions):
    """Cuts a problem into `regions` regions:
    1. the units' home bases are grouped by k-means, regions numbered along the longitude
       of their centres so that neighbouring regions follow each other;
    2. each visit goes to the region of the nearest unit able to do it (skills, crew size),
       a pinned visit to the region of its shift."""
    homes = {}
    for shift in shifts:
        homes.setdefault(shift.unit, (shift.lat, shift.lon))
    region_of_unit = _cluster(homes, regions)
    count = max(region_of_unit.values(), default=-1) + 1
    by_id = {s.id: s for s in shifts}
    units = list(homes)
    unit_pts = np.asarray([homes[u] for u in units], dtype=float)
    unit_shifts = {u: [s for s in shifts if s.unit == u] for u in units}
    region_visits = [[] for _r in range(count)]
    orphans, free = [], []
    for visit in visits:
        if visit.pinned_shift is not None and visit.pinned_shift in by_id:
            region_visits[region_of_unit[by_id[visit.pinned_shift].unit]].append(visit)
            continue
        able = [n for n, u in enumerate(units) if any(skilled(visit, s) for s in unit_shifts[u])]
        if visit.lat is None or not able:
            orphans.append(visit)
            continue
        km = haversine_km(visit.lat, visit.lon, unit_pts[able, 0], unit_pts[able, 1])
        # the nearest able unit of each region, nearest region first
        nearest = {}
        for n in np.argsort(km, kind="stable"):
            nearest.setdefault(region_of_unit[units[able[int(n)]]], float(km[n]))
        free.append((visit, sorted(nearest, key=nearest.get), nearest))
    # each region takes the visits nearest to it up to the share of its working time the
    # whole problem asks of all units (at least REGION_FILL: the rest is travel); a visit
    # whose region is full goes to the next nearest with room, those that would travel
    # furthest if moved placed first
    capacity = [0.0] * count
    for shift in shifts:
        capacity[region_of_unit[shift.unit]] += sum(e - s for s, e in free_stretches(shift))
    demand = sum(v.duration for v in visits) or 1
    fill = max(REGION_FILL, min(1.0, demand / (sum(capacity) or 1)) * 1.02)
    room = [c * fill for c in capacity]
    for region in range(count):
        room[region] -= sum(v.duration for v in region_visits[region])

    def regret(item):
        _visit, order, nearest = item
        return -(nearest[order[1]] - nearest[order[0]]) if len(order) > 1 else -1e9

    for visit, order, _nearest in sorted(free, key=regret):
        region = next((r for r in order if room[r] >= visit.duration), order[0])
        room[region] -= visit.duration
        region_visits[region].append(visit)
    return Regions(count, region_of_unit, region_visits, orphans)


def solve_region(regions, number, shifts, carry, travel=None, **options):
    """Solves region `number` with `solve` (its options): its own visits and those of
    `carry` (visits earlier regions had no room for) that one of its units can do. Returns
    (plan, carry after): the plan's unplanned holds only the reasons other than
    "no_capacity"; the visits it had no room for, and the carried ones it could not take,
    are the carry after it (for the next region; the last region's end unplanned)."""
    region_shifts = regions.shifts(shifts, number)
    offered = regions.visits[number] + [
        v for v in carry if any(skilled(v, s) for s in region_shifts)
    ]
    result = solve(offered, region_shifts, travel, **options)
    planned_ids = {p.visit_id for p in result.planned}
    offered_ids = {v.id for v in offered}
    after = [
        v
        for v in offered
        if v.id not in planned_ids and result.unplanned.get(v.id) == "no_capacity"
    ] + [v for v in carry if v.id not in offered_ids]
    result.unplanned = {
        v_id: reason for v_id, reason in result.unplanned.items() if reason != "no_capacity"
    }
    return result, after


def merge_plan(plan, part):
    """Adds a part's planned visits, unplanned reasons and figures to `plan`."""
    plan.planned.extend(part.planned)
    plan.unplanned.update(part.unplanned)
    for p in part.planned:
        plan.unplanned.pop(p.visit_id, None)
    plan.routes.update(part.routes)
    plan.travel += part.travel
    plan.lateness += part.lateness
    plan.late_visits += part.late_visits
    plan.chunks += part.chunks
    return plan


def region_chains(cut, shifts, workers=1):
    """The order in which the regions are solved, as chains: a region's overflow goes to the
    next region of its chain. One worker: one chain, west to east. Two: the regions are cut
    where the work (visits x technician-days of each region) is halved, the west chain is
    solved west to east and the east chain east to west, side by side; they meet in the
    middle, where the last region of each ends its chain's overflow."""
    numbers = list(range(cut.count))
    if workers < 2 or cut.count < 2:
        return [numbers]
    work = [len(cut.visits[n]) * max(1, len(cut.shifts(shifts, n))) for n in numbers]
    total, acc, middle = sum(work), 0, 1
    for n in numbers[:-1]:
        acc += work[n]
        middle = n + 1
        if acc * 2 >= total:
            break
    return [numbers[:middle], numbers[middle:][::-1]]


def in_parallel(tasks):
    """Runs the callables side by side and returns their results in order: the first in
    the caller's thread (it may report progress to a database cursor), the others each in
    a forked process of its own (pyvroom holds Python's lock while VROOM solves, so threads
    would take turns on one core). A task's error is raised again in the caller once the
    first task has ended. Where processes cannot be forked, the tasks run one after the
    other."""
    if len(tasks) <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        return [task() for task in tasks]
    children = [_fork(task) for task in tasks[1:]]
    try:
        first = tasks[0]()
    finally:
        others = [_result_of(child) for child in children]
    return [first, *others]


def _fork(task):
    """Starts `task` in a forked process; returns (the process, the end its result comes
    from). The child shares the caller's memory as it was (nothing is pickled on the way
    in) and sends back (True, result) or (False, the error's text)."""
    context = multiprocessing.get_context("fork")
    reader, writer = context.Pipe(duplex=False)

    def child():
        try:
            outcome = (True, task())
        except Exception:  # any error: the caller raises it again
            outcome = (False, traceback.format_exc())
        writer.send(outcome)

    process = context.Process(target=child, daemon=True)
    process.start()
    writer.close()
    return process, reader


def _result_of(child):
    process, reader = child
    try:
        done, result = reader.recv()
    except EOFError:
        done, result = False, f"the solving process ended with code {process.exitcode}"
    finally:
        reader.close()
        process.join()
    if not done:
        raise RuntimeError(f"A region's solve failed:\n{result}")
    return result


def solve_by_regions(visits, shifts, travel=None, *, regions=2, workers=1, **options):
    """Plans a large problem region by region: VROOM's time grows much faster than the
    problem, and technicians mostly serve the visits near their home base.

    1. `split_regions` cuts the units and the visits into `regions` regions;
    2. the regions are solved in chains (`region_chains`) with `solve_region` (the options
       of `solve`): with `workers` 2, two chains side by side (`in_parallel`), each VROOM
       solve on one thread; with 1, one chain with VROOM's `threads`. The visits a region
       had no room for (no_capacity) are offered to the next region of its chain;
    3. the visits left at the chains' ends are inserted where routes still have room
       (`insert_leftovers`), the others end unplanned.
    The figures (travel, lateness) are the sums over the regions."""
    started = time.monotonic()
    travel = travel or HaversineTravel()
    cut = split_regions(visits, shifts, regions)
    plan = Plan(unplanned=precheck(cut.orphans, shifts))
    chains = region_chains(cut, shifts, workers)
    if len(chains) > 1:
        options["threads"] = 1
    on_progress = options.pop("on_progress", None)

    def run_chain(chain, report):
        parts, carry = [], []
        for done, number in enumerate(chain, start=1):
            part, carry = solve_region(cut, number, shifts, carry, travel, **options)
            parts.append(part)
            if report and on_progress:
                # the chains advance together: the first one's share stands for all
                on_progress(done * cut.count // len(chain), cut.count)
        return parts, carry

    leftovers = []
    # progress is reported from the caller's process only (the first chain's)
    tasks = [lambda c=c, n=n: run_chain(c, n == 0) for n, c in enumerate(chains)]
    for parts, carry in in_parallel(tasks):
        for part in parts:
            merge_plan(plan, part)
        leftovers += carry
    insert_leftovers(plan, leftovers, shifts, travel)
    if on_progress:
        on_progress(cut.count, cut.count)
    plan.seconds = time.monotonic() - started
    return plan


def _cluster(homes, regions, rounds=20):
    """{unit: region number} by k-means over the home bases (deterministic start: the
    longitude quantiles), regions numbered along their centres' longitude."""
    units = list(homes)
    if regions <= 1 or len(units) <= regions:
        return dict.fromkeys(units, 0)
    pts = np.asarray([homes[u] for u in units], dtype=float)
    order = np.argsort(pts[:, 1], kind="stable")
    centres = np.asarray(
        [pts[order[int((k + 0.5) * len(units) / regions)]] for k in range(regions)]
    )
    for _round in range(rounds):
        labels = np.argmin(((pts[:, None, :] - centres[None, :, :]) ** 2).sum(axis=2), axis=1)
        moved = np.asarray(
            [
                pts[labels == k].mean(axis=0) if (labels == k).any() else centres[k]
                for k in range(regions)
            ]
        )
        if np.allclose(moved, centres):
            break
        centres = moved
    rank = {int(k): n for n, k in enumerate(np.argsort(centres[:, 1], kind="stable"))}
    return {u: rank[int(label)] for u, label in zip(units, labels, strict=True)}
