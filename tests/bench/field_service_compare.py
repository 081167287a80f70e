"""VROOM (the addon's solver) against Google OR-Tools (routing with time windows) on the same
benchmark case, the same technician-days as vehicles and the same travel times. Prints
figures; asserts nothing.

    python tests/bench/field_service_compare.py a [--seconds 60]

OR-Tools' model: a vehicle per technician-day starting and ending at its home, a time
dimension (travel + the visit's duration, waiting allowed), each visit's window on its start,
breaks (lunch, leaves) as fixed intervals the visits may not overlap, skills and crews as the
vehicles allowed for each visit, a penalty for leaving a visit out that grows with its
priority, and the customer's preferred window as a soft upper bound. First solution by the
cheapest arc, then guided local search for the given seconds.
"""

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "unit"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from field_service_cases import generate, to_problem
from lib_loader import load_lib

routing = load_lib("crm_sfa_ext", "routing")


def solve_ortools(visits, shifts, travel, seconds):
    from ortools.constraint_solver import pywrapcp, routing_enums_pb2

    started = time.monotonic()
    points = [(s.lat, s.lon) for s in shifts] + [(v.lat, v.lon) for v in visits]
    matrix = travel(points).tolist()
    n_shift = len(shifts)
    service = [0] * n_shift + [v.duration for v in visits]
    starts = list(range(n_shift))
    manager = pywrapcp.RoutingIndexManager(len(points), n_shift, starts, starts)
    model = pywrapcp.RoutingModel(manager)

    def transit(i, j):
        a, b = manager.IndexToNode(i), manager.IndexToNode(j)
        return matrix[a][b] + service[a]

    callback = model.RegisterTransitCallback(transit)
    travel_only = model.RegisterTransitCallback(
        lambda i, j: matrix[manager.IndexToNode(i)][manager.IndexToNode(j)]
    )
    model.SetArcCostEvaluatorOfAllVehicles(travel_only)
    horizon = max(s.end for s in shifts)
    model.AddDimension(callback, horizon, horizon, False, "time")
    dim = model.GetDimensionOrDie("time")
    solver = model.solver()
    node_service = [service[manager.IndexToNode(i)] for i in range(model.Size())]
    for v, shift in enumerate(shifts):
        dim.CumulVar(model.Start(v)).SetRange(shift.start, shift.end)
        dim.CumulVar(model.End(v)).SetRange(shift.start, shift.end)
        breaks = [
            solver.FixedDurationIntervalVar(b0, b0, b1 - b0, False, f"break {v} {b0}")
            for b0, b1 in shift.breaks
        ]
        if breaks:
            dim.SetBreakIntervalsOfVehicle(breaks, v, node_service)
    for k, visit in enumerate(visits):
        index = manager.NodeToIndex(n_shift + k)
        (w0, w1), *_ = visit.windows
        dim.CumulVar(index).SetRange(w0, w1 - visit.duration)
        allowed = [
            v
            for v, s in enumerate(shifts)
            if visit.skills <= s.skills and visit.crew_size <= s.crew_size
        ]
        model.VehicleVar(index).SetValues([-1, *allowed])
        model.AddDisjunction([index], 100_000 * (1 + visit.priority))
        if visit.preferred:
            dim.SetCumulVarSoftUpperBound(index, visit.preferred[0][1] - visit.duration, 1)
    for v in range(n_shift):
        model.AddVariableMinimizedByFinalizer(dim.CumulVar(model.Start(v)))
    params = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = routing_enums_pb2.FirstSolutionStrategy.PATH_CHEAPEST_ARC
    params.local_search_metaheuristic = (
        routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
    )
    params.time_limit.seconds = seconds
    solution = model.SolveWithParameters(params)
    planned, travel_s, lateness = 0, 0, 0
    if solution:
        for v in range(n_shift):
            index = model.Start(v)
            while not model.IsEnd(index):
                nxt = solution.Value(model.NextVar(index))
                travel_s += matrix[manager.IndexToNode(index)][manager.IndexToNode(nxt)]
                node = manager.IndexToNode(nxt)
                if node >= n_shift:
                    planned += 1
                    visit = visits[node - n_shift]
                    if visit.preferred:
                        end = solution.Min(dim.CumulVar(nxt)) + visit.duration
                        lateness += max(0, end - visit.preferred[0][1])
                index = nxt
    return {
        "planned": planned,
        "travel_h": round(travel_s / 3600, 1),
        "lateness_h": round(lateness / 3600, 1),
        "seconds": round(time.monotonic() - started, 1),
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("case", choices=("a", "b"))
    parser.add_argument("--seconds", type=int, default=60, help="OR-Tools' time limit")
    parser.add_argument("--level", type=int, default=1, help="VROOM's exploration level")
    args = parser.parse_args()
    visits, shifts = to_problem(routing, *generate(args.case))
    travel = routing.HaversineTravel()
    # the visits no technician could take are left out of both, as the addon does
    impossible = routing.precheck(visits, shifts)
    visits = [v for v in visits if v.id not in impossible]
    plan = routing.solve(visits, shifts, travel, exploration_level=args.level, threads=2)
    vroom = routing.route_summary(plan, {v.id: v for v in visits})
    print(
        f"case ({args.case}), {len(visits)} orders, {len(shifts)} technician-days\n"
        f"  VROOM x{args.level}:  {vroom['seconds']} s, planned {vroom['planned']}, "
        f"travel {vroom['travel_h']} h, lateness {vroom['lateness_h']} h"
    )
    ortools = solve_ortools(visits, shifts, travel, args.seconds)
    print(
        f"  OR-Tools GLS {args.seconds} s: {ortools['seconds']} s, planned "
        f"{ortools['planned']}, travel {ortools['travel_h']} h, lateness "
        f"{ortools['lateness_h']} h"
    )


if __name__ == "__main__":
    main()
