# Run inside `odoo shell` (tests/bench/field_service_run.sh): benchmark (c), the whole round
# trip in Odoo for case (a): read the visits and technicians, solve, write the plan. Loads
# case (a) (tests/bench/field_service_cases.py) as Odoo records first: 50 technicians with
# their skills, working hours, leaves and crews, 1,000 visits. Prints figures.
import os
import sys
import time
from datetime import datetime, timedelta

sys.path.insert(0, os.environ["FS_BENCH_DIR"])
from field_service_cases import DAY, H, cpu_seconds, generate, load_average

CASE = os.environ.get("FS_BENCH_CASE", "a")
technicians, crews, orders = generate(CASE)
n_days = max(d for t in technicians for d in t["days"]) + 1
origin = datetime(2031, 1, 4)  # a Saturday, 0:00 UTC
env = env(context=dict(env.context, tracking_disable=True, mail_notrack=True))
company = env.company
company.partner_id.tz = "UTC"
Order = env["crm.service.order"]


def moment(seconds):
    return origin + timedelta(seconds=seconds)


if not Order.search_count([("summary", "=like", "Bench visit %")]):
    started = time.monotonic()
    calendar = env["resource.calendar"].create(
        {
            "name": "Bench week",
            "tz": "UTC",
            "attendance_ids": [(5, 0, 0)]
            + [
                (
                    0,
                    0,
                    {
                        "name": f"{day} {frm}",
                        "dayofweek": str(day),
                        "hour_from": frm,
                        "hour_to": to,
                    },
                )
                for day in range(7)
                for frm, to in ((8, 12), (12.5, 17))
            ],
        }
    )
    skill_type = env["hr.skill.type"].create(
        {
            "name": "Bench trades",
            "skill_ids": [(0, 0, {"name": f"Bench skill {i}"}) for i in range(1, 6)],
            "skill_level_ids": [(0, 0, {"name": "Bench level", "level_progress": 100})],
        }
    )
    skill = {
        i: skill_type.skill_ids.filtered(lambda s, i=i: s.name == f"Bench skill {i}")
        for i in range(1, 6)
    }
    level = skill_type.skill_level_ids
    employees = env["hr.employee"].create(
        [
            {
                "name": f"Bench technician {t['id']}",
                "fs_is_technician": True,
                "fs_home_latitude": t["lat"],
                "fs_home_longitude": t["lon"],
                "resource_calendar_id": calendar.id,
                "tz": "UTC",
                "employee_skill_ids": [
                    (
                        0,
                        0,
                        {
                            "skill_id": skill[s].id,
                            "skill_type_id": skill_type.id,
                            "skill_level_id": level.id,
                        },
                    )
                    for s in t["skills"]
                ],
            }
            for t in technicians
        ]
    )
    by_id = dict(zip([t["id"] for t in technicians], employees, strict=True))
    leaves = []
    for t in technicians:
        for d in range(n_days):
            day = origin + timedelta(days=d)
            if d not in t["days"]:
                leaves.append((t, day, day + timedelta(days=1)))
            elif t["days"][d][0] > d * DAY + 8 * H:
                leaves.append((t, day, day + timedelta(hours=13)))
    env["resource.calendar.leaves"].create(
        [
            {
                "name": "Bench leave",
                "resource_id": by_id[t["id"]].resource_id.id,
                "calendar_id": calendar.id,
                "date_from": start,
                "date_to": end,
            }
            for t, start, end in leaves
        ]
    )
    env["crm.service.crew"].create(
        [
            {"name": f"Bench crew {n}", "member_ids": [(6, 0, [by_id[m].id for m in crew])]}
            for n, crew in enumerate(crews, start=1)
        ]
    )
    partners = env["res.partner"].create(
        [
            {
                "name": f"Bench customer {o['id']}",
                "partner_latitude": o["lat"],
                "partner_longitude": o["lon"],
            }
            for o in orders
        ]
    )
    Order.create(
        [
            {
                "summary": f"Bench visit {o['id']}",
                "partner_id": partner.id,
                "duration": o["duration"] / 3600,
                "crew_size": o["crew"],
                "priority": str(o["priority"]),
                "skill_ids": [(6, 0, [skill[s].id for s in o["skills"]])],
                "earliest_start": moment(o["window"][0]),
                "latest_end": moment(o["window"][1]),
                "preferred_start": moment(o["preferred"][0]) if o["preferred"] else False,
                "preferred_end": moment(o["preferred"][1]) if o["preferred"] else False,
            }
            for o, partner in zip(orders, partners, strict=True)
        ]
    )
    env.cr.commit()
    print(f"loaded case ({CASE}) in {time.monotonic() - started:.0f} s")

plan = env["crm.service.plan"].create(
    {"date_from": origin.date(), "date_to": (origin + timedelta(days=n_days - 1)).date()}
)
if os.environ.get("FS_BENCH_QUEUE"):
    # field_service_prefork.sh: the plan is queued for the cron worker of a prefork server
    plan.action_plan()
    env.cr.commit()
    sys.exit(0)
planner = env["crm.service.planner"]
env.invalidate_all()  # read from the database, not from what loading left in the cache
steps = {}
t0 = time.monotonic()
problem = planner._fs_problem(plan)
steps["read"] = time.monotonic() - t0
from odoo.addons.crm_sfa_ext.lib import routing_regions  # noqa: E402

t1, cpu = time.monotonic(), cpu_seconds()
result = planner._fs_solve(plan, problem, planner._fs_travel(company))
steps["solve"] = time.monotonic() - t1
cpu = cpu_seconds() - cpu  # the machine is shared, see the load
t2 = time.monotonic()
planner._fs_write_plan(plan, problem, result)
env.flush_all()
steps["write"] = time.monotonic() - t2
total = time.monotonic() - t0
env.cr.commit()
planned = Order.search_count([("summary", "=like", "Bench visit %"), ("state", "=", "planned")])
print(
    f"round trip in Odoo, case ({CASE}): {total:.1f} s (read {steps['read']:.1f} s, solve "
    f"{steps['solve']:.1f} s ({cpu:.1f} s CPU), write {steps['write']:.1f} s; load "
    f"{load_average()}); {len(problem.visits)} visits, "
    f"{len(problem.shifts)} technician-days; planned {planned}, travel "
    f"{result.travel / 3600:.1f} h, lateness {result.lateness / 3600:.1f} h, unplanned "
    f"{len(result.unplanned)}, regions "
    f"{routing_regions.regions_for(len(problem.visits), company.fs_region_visits)}"
)
