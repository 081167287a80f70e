# Run inside `odoo shell` (tests/bench/field_service_board_run.sh): the dispatcher's board,
# dragging one visit with 1,000 visits in the week. Loads case (a)'s technicians and sites
# (tests/bench/field_service_cases.py) with the 1,000 visits already planned and dispatched,
# their customers told an arrival window (four a day per technician over six days, no solve),
# then times, as a dispatcher without HR rights:
#   move    crm.service.order.action_board_move (its checks: overlaps, leaves, appointments,
#           hours, skills, windows, travel; then the write, the mail of the new arrival
#           window to the customers whose visit left the window they were told, and the
#           tracking message Odoo posts when the request commits)
#   lane    the board's reload of the two lanes touched (search_read of their week, the
#           fields the board's timeline view reads)
#   board   for comparison, a reload of the whole board (every visit of the week)
# Prints median and worst of each, over 30 drags to another technician and time, with the
# queries and the server's CPU time of a drag (less dependent on the machine's load).
import os
import statistics
import sys
import time
from datetime import datetime, timedelta

sys.path.insert(0, os.environ["FS_BENCH_DIR"])
from field_service_cases import generate

from odoo.addons.crm_sfa_ext.models.crm_service_order import arrival_window

DRAGS = 30
# what the board's timeline view reads (crm_service_board_views.xml, with the dates, the
# grouping and the colors OCA's timeline adds)
FIELDS = [
    "display_name",
    "summary",
    "partner_id",
    "planned_arrival",
    "planned_start",
    "planned_end",
    "technician_ids",
    "travel_minutes",
    "state",
    "priority",
    "pinned",
]
technicians, _crews, orders = generate("a")
origin = datetime(2031, 1, 4)  # a Saturday, 0:00 UTC
week_end = origin + timedelta(days=7)
env = env(context=dict(env.context, tracking_disable=True, mail_notrack=True))
Order = env["crm.service.order"]

if not Order.search_count([("summary", "=like", "Board bench visit %")]):
    env.company.partner_id.tz = "UTC"
    calendar = env["resource.calendar"].create(
        {
            "name": "Board bench week",
            "tz": "UTC",
            "attendance_ids": [(5, 0, 0)]
            + [
                (0, 0, {"name": f"{d} {f}", "dayofweek": str(d), "hour_from": f, "hour_to": t})
                for d in range(7)
                for f, t in ((8, 12), (12.5, 17))
            ],
        }
    )
    employees = env["hr.employee"].create(
        [
            {
                "name": f"Board bench technician {t['id']}",
                "fs_is_technician": True,
                "fs_home_latitude": t["lat"],
                "fs_home_longitude": t["lon"],
                "resource_calendar_id": calendar.id,
                "tz": "UTC",
            }
            for t in technicians
        ]
    )
    partners = env["res.partner"].create(
        [
            {
                "name": f"Board bench customer {o['id']}",
                "partner_latitude": o["lat"],
                "partner_longitude": o["lon"],
            }
            for o in orders
        ]
    )
    slots = (8, 10, 13, 15)  # one-hour visits, four a day
    values = []
    for n, partner in enumerate(partners):
        employee = employees[n % len(employees)]
        k = n // len(employees)  # 0..19: the technician's k-th visit of the week
        start = origin + timedelta(days=k // 4, hours=slots[k % 4])
        told = arrival_window(start, env.company.fs_arrival_window_minutes)
        values.append(
            {
                "summary": f"Board bench visit {n + 1}",
                "partner_id": partner.id,
                "duration": 1.0,
                "technician_ids": [(6, 0, employee.ids)],
                "planned_start": start,
                "planned_end": start + timedelta(hours=1),
                "route_sequence": k % 4 + 1,
                "state": "dispatched",
                "notified_window_start": told[0],
                "notified_window_end": told[1],
            }
        )
    Order.create(values)
    env["res.users"].create(
        {
            "name": "Board bench dispatcher",
            "login": "board_bench_dispatcher",
            "groups_id": [(6, 0, env.ref("crm_sfa_ext.group_fs_dispatcher").ids)],
            "tz": "UTC",
            "email": "dispatcher@example.com",
        }
    )
    env.cr.commit()

dispatcher = env["res.users"].search([("login", "=", "board_bench_dispatcher")])
dispatcher.email = dispatcher.email or "dispatcher@example.com"  # the warnings are posted
# as the web client reads the board, with the visits' tracking
denv = env(user=dispatcher, context={})
week = [
    ("state", "!=", "cancelled"),
    ("planned_start", ">=", origin),
    ("planned_start", "<", week_end),
]
visits = Order.search([("summary", "=like", "Board bench visit %")], order="id")
lanes = visits.technician_ids.sorted("id")
print(f"{len(visits)} visits on {len(lanes)} lanes in the week of {origin.date()}")
timings = {"move": [], "lane": [], "board": [], "drag": []}
queries = {"move": [], "lane": []}
cpu = []
warnings = 0
told_domain = [("model", "=", "crm.service.order"), ("subject", "ilike", "new arrival window")]
mails_before = env["mail.message"].search_count(told_domain)
for i in range(DRAGS):
    visit = visits[i * 7]
    to_lane = lanes[(lanes.ids.index(visit.technician_ids.id) + 1) % len(lanes)]
    from_lane = visit.technician_ids
    # the free hour before lunch, the same day
    start = datetime.combine(visit.planned_start.date(), datetime.min.time()) + timedelta(hours=11)
    env.invalidate_all()
    q0, c0 = env.cr.sql_log_count, time.process_time()
    t0 = time.perf_counter()
    result = (
        denv["crm.service.order"]
        .browse(visit.id)
        .action_board_move(str(start), to_lane.ids, confirm=True)
    )
    denv.flush_all()
    env.cr.precommit.run()  # the tracking message, posted as the request commits
    denv.flush_all()
    t1 = time.perf_counter()
    q1 = env.cr.sql_log_count
    rows = denv["crm.service.order"].search_read(
        [*week, ("technician_ids", "in", (from_lane | to_lane).ids)], FIELDS
    )
    t2 = time.perf_counter()
    queries["move"].append(q1 - q0)
    queries["lane"].append(env.cr.sql_log_count - q1)
    cpu.append(time.process_time() - c0)
    timings["move"].append(t1 - t0)
    timings["lane"].append(t2 - t1)
    timings["drag"].append(t2 - t0)
    warnings += bool(result.get("warning"))
    env.invalidate_all()
    t3 = time.perf_counter()
    board = denv["crm.service.order"].search_read(week, FIELDS)
    timings["board"].append(time.perf_counter() - t3)
told = env["mail.message"].search_count(told_domain) - mails_before
env.cr.rollback()


def ms(values):
    return f"median {statistics.median(values) * 1000:.0f} ms, worst {max(values) * 1000:.0f} ms"


print(f"drag one visit (move + lane reload, {len(rows)} records): {ms(timings['drag'])}")
print(
    f"  server CPU of a drag: median {statistics.median(cpu) * 1000:.0f} ms, "
    f"least {min(cpu) * 1000:.0f} ms"
)
print(
    f"  move (checks, write, customer told, tracking): {ms(timings['move'])}, "
    f"{statistics.median(queries['move']):.0f} queries; "
    f"{warnings}/{DRAGS} with a warning, {told} customers told a new window"
)
print(f"  lane reload: {ms(timings['lane'])}, {statistics.median(queries['lane']):.0f} queries")
print(f"whole board reload ({len(board)} records): {ms(timings['board'])}")
