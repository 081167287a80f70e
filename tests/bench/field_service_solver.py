"""The scheduling engine alone (crm_sfa_ext/lib/routing.py, VROOM) on the benchmark cases.
Prints figures; asserts nothing.

    python tests/bench/field_service_solver.py a            case (a), one solve of the week
    python tests/bench/field_service_solver.py b --split 1  case (b), one solve per day
    python tests/bench/field_service_solver.py b --split 0  case (b) in one solve (slow)
    python tests/bench/field_service_solver.py b --split 0 --no-wishes --level 0
        case (b) in one VROOM solve with the whole windows (issue #20's reference)
    python tests/bench/field_service_solver.py b --regions 8  case (b) region by region
    python tests/bench/field_service_solver.py b --regions 7 --workers 2   two chains of
        regions side by side, one core each

Prints the wall time, the CPU time (all threads and processes) and the load average: the
machine is shared.
"""

import argparse
import dataclasses
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "unit"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from field_service_cases import cpu_seconds, generate, load_average, to_problem
from lib_loader import load_lib

routing = load_lib("crm_sfa_ext", "routing")
routing_regions = load_lib("crm_sfa_ext", "routing_regions")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("case", choices=("a", "b"))
    parser.add_argument("--split", type=int, default=None, help="days per solve (0: all)")
    parser.add_argument("--level", type=int, default=1, help="VROOM exploration level")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--regions", type=int, default=1, help="regions solved in turn")
    parser.add_argument(
        "--workers", type=int, default=1, help="chains of regions solved side by side (1 or 2)"
    )
    parser.add_argument(
        "--overload", type=float, default=1.0, help="visits offered per day, x its working time"
    )
    parser.add_argument(
        "--region-visits", type=int, default=0, help="one region per this many visits"
    )
    parser.add_argument(
        "--no-wishes",
        action="store_true",
        help="drop the customers' preferred windows: one VROOM solve with the whole windows, "
        "as the whole-period reference of issue #20 (lateness still counted against them)",
    )
    args = parser.parse_args()
    technicians, crews, orders = generate(args.case)
    visits, shifts = to_problem(routing, technicians, crews, orders)
    wished = {v.id: v for v in visits}
    if args.no_wishes:
        visits = [dataclasses.replace(v, preferred=()) for v in visits]
    split = args.split if args.split is not None else (None if args.case == "a" else 1)
    options = {
        "split_days": split or None,
        "exploration_level": args.level,
        "threads": args.threads,
        "overload": args.overload,
    }
    if args.region_visits:
        regions = routing_regions.regions_for(len(visits), args.region_visits)
    else:
        regions = args.regions
    cpu = cpu_seconds()
    if regions > 1:
        started = time.monotonic()

        def report(done, total):
            print(f"  region {done} of {total} at {time.monotonic() - started:.1f} s", flush=True)

        plan = routing_regions.solve_by_regions(
            visits, shifts, regions=regions, workers=args.workers, on_progress=report, **options
        )
    else:
        plan = routing.solve(visits, shifts, **options)
    figures = routing.route_summary(plan, wished)
    reasons = {}
    for reason in plan.unplanned.values():
        reasons[reason] = reasons.get(reason, 0) + 1
    print(
        f"case ({args.case}) VROOM x{args.level}, {len(visits)} orders, {len(shifts)} "
        f"technician-days, split {split or 'none'}, regions {regions}, workers "
        f"{args.workers}: {figures['seconds']} s ({cpu_seconds() - cpu:.0f} s CPU, load "
        f"{load_average()}), planned "
        f"{figures['planned']} of {len(visits)}, travel {figures['travel_h']} h, lateness "
        f"{figures['lateness_h']} h over {figures['late_visits']} visits, unplanned {reasons}"
    )


if __name__ == "__main__":
    main()
