"""The field-service benchmark cases, generated the same way for every script (seeded):

(a) 1,000 orders, 50 technicians, one week (6 working days, Saturday to Thursday)
(b) 4,000 orders, 50 technicians, 14 days (12 working days)

Technicians live spread over a 60 x 60 km city and work 8:00-17:00 with lunch at 12:00-12:30;
one technician-day in twenty is a leave (half of them a whole day, half a morning). Five
skills; each technician has two or three, four pairs of technicians work as crews of two.
Orders: 30 to 90 minutes; 70 % need one skill, 3 % a crew of two; windows: 55 % the whole
period, 30 % one given day, 15 % a morning or afternoon of a day; a fifth of the orders
carry a customer's preferred window (a morning or an afternoon inside their window,
 when it spans a day or more).
Priorities 0-3 in proportions 60/25/10/5.

Also the machine figures the field-service benchmarks print beside their own."""

import os
import random

H = 3600
DAY = 24 * H
CENTRE = (35.70, 51.40)
CASES = {"a": (1000, 50, 6), "b": (4000, 50, 12)}


def _point(rng):
    # about 60 x 60 km around the centre
    return CENTRE[0] + rng.uniform(-0.27, 0.27), CENTRE[1] + rng.uniform(-0.33, 0.33)


def generate(case, seed=7):
    """(technicians, crews, orders) as plain dicts; times in seconds from the first day 0:00."""
    n_orders, n_techs, n_days = CASES[case]
    rng = random.Random(seed)
    technicians = []
    for t in range(n_techs):
        lat, lon = _point(rng)
        days = {}
        for d in range(n_days):
            leave = rng.random()
            if leave < 0.025:
                continue
            start, end = d * DAY + 8 * H, d * DAY + 17 * H
            breaks = [(d * DAY + 12 * H, d * DAY + 12 * H + 1800)]
            if leave < 0.05:
                start = d * DAY + 13 * H  # the morning off
                breaks = []
            days[d] = (start, end, breaks)
        technicians.append(
            {
                "id": t + 1,
                "lat": lat,
                "lon": lon,
                "skills": set(rng.sample(range(1, 6), rng.choice((2, 3)))),
                "days": days,
            }
        )
    crews = [(2 * k + 1, 2 * k + 2) for k in range(4)]
    orders = []
    for o in range(n_orders):
        lat, lon = _point(rng)
        duration = rng.choice((30, 45, 45, 60, 60, 90)) * 60
        kind, day = rng.random(), rng.randrange(n_days)
        if kind < 0.55:
            window = (8 * H, (n_days - 1) * DAY + 17 * H)
        elif kind < 0.85:
            window = (day * DAY + 8 * H, day * DAY + 17 * H)
        else:
            half = rng.choice((8, 13))
            window = (day * DAY + half * H, day * DAY + (half + 4) * H)
        preferred = None
        if rng.random() < 0.2 and kind < 0.85:
            d = rng.randrange(n_days) if kind < 0.55 else day
            half = rng.choice((8, 13))
            preferred = (d * DAY + half * H, d * DAY + (half + 4) * H)
        orders.append(
            {
                "id": o + 1,
                "lat": lat,
                "lon": lon,
                "duration": duration,
                "window": window,
                "preferred": preferred,
                "skills": {rng.randint(1, 5)} if rng.random() < 0.7 else set(),
                "crew": 2 if rng.random() < 0.03 else 1,
                "priority": rng.choices((0, 1, 2, 3), (60, 25, 10, 5))[0],
            }
        )
    return technicians, crews, orders


def to_problem(routing, technicians, crews, orders):
    """The routing library's visits and shifts (technician-days and crew-days)."""
    by_id = {t["id"]: t for t in technicians}
    in_crew = {member for crew in crews for member in crew}
    units = [((t["id"],), [t]) for t in technicians if t["id"] not in in_crew]
    units += [(crew, [by_id[m] for m in crew]) for crew in crews]
    shifts = []
    for unit, members in units:
        days = set.intersection(*(set(m["days"]) for m in members))
        for d in sorted(days):
            start = max(m["days"][d][0] for m in members)
            end = min(m["days"][d][1] for m in members)
            breaks = sorted({b for m in members for b in m["days"][d][2]})
            shifts.append(
                routing.Shift(
                    len(shifts) + 1,
                    unit,
                    members[0]["lat"],
                    members[0]["lon"],
                    start,
                    end,
                    breaks=tuple(breaks),
                    skills=frozenset(set().union(*(m["skills"] for m in members))),
                    crew_size=len(members),
                    day=d,
                )
            )
    visits = [
        routing.Visit(
            o["id"],
            o["lat"],
            o["lon"],
            o["duration"],
            windows=(o["window"],),
            preferred=(o["preferred"],) if o["preferred"] else (),
            skills=frozenset(o["skills"]),
            crew_size=o["crew"],
            priority=o["priority"],
        )
        for o in orders
    ]
    return visits, shifts


def cpu_seconds():
    """CPU time of this process's threads and of its ended child processes (a chain of
    regions solves in a forked process)."""
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def load_average():
    """The machine's load average over 1, 5 and 15 minutes (it is shared), as printed."""
    with open("/proc/loadavg") as loadavg:
        return " ".join(loadavg.read().split()[:3])
