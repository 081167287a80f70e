# Run inside `odoo shell` (tests/bench/complaints_run.sh): generates open complaints
# set-based (100,000 by default, BENCH_COMPLAINTS), their SLA deadlines spread from a day ago
# to two weeks ahead, and a three-step escalation ladder, then times crm_complaints' SLA and
# escalation cron as the scheduler runs it (called again while it reports escalations left):
# the first run (a backlog: every step already due is done), a run a quarter of an hour later
# (what the cron does in steady state) and a run with nothing to do. Prints figures; asserts
# nothing.
import os
import resource
import time
import tracemalloc
from datetime import timedelta
from unittest.mock import patch

from odoo import fields

COMPLAINTS = int(os.environ.get("BENCH_COMPLAINTS", "100000"))
cr = env.cr
company = env.company
Escalation = env["crm.complaint.escalation"]


def rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


cr.execute("SELECT count(*) FROM crm_complaint WHERE subject LIKE 'Bench complaint %%'")
if not cr.fetchone()[0]:
    print(f"Generating {COMPLAINTS:,} open complaints")
    started = time.perf_counter()
    users = env["res.users"].create(
        [
            {"name": f"Bench agent {i}", "login": f"bench_agent_{i}", "email": f"a{i}@example.com"}
            for i in range(20)
        ]
    )
    team = env["crm.complaint.team"].create(
        {
            "name": "Bench team",
            "alias_name": "bench-sla",
            "member_ids": [(6, 0, users.ids)],
            "user_id": users[0].id,
            "assignment_method": "manual",
        }
    )
    env["crm.complaint.sla"].search([]).active = False
    policy = env["crm.complaint.sla"].create(
        {
            "name": "Bench policy",
            "first_response_hours": 8,
            "resolution_hours": 40,
            "escalation_ids": [
                (
                    0,
                    0,
                    {"level": 1, "name": "At risk", "trigger": "warning", "notify_assignee": True},
                ),
                (
                    0,
                    0,
                    {
                        "level": 2,
                        "name": "Overdue",
                        "trigger": "breach",
                        "notify_assignee": False,
                        "notify_manager": True,
                        "raise_priority": True,
                    },
                ),
                (
                    0,
                    0,
                    {
                        "level": 3,
                        "name": "A day overdue",
                        "trigger": "breach",
                        "delay_hours": 24,
                        "notify_assignee": False,
                        "reassign_user_id": users[0].id,
                    },
                ),
            ],
        }
    )
    customers = env["res.partner"].create(
        [{"name": f"Bench complainer {i}", "email": f"c{i}@example.com"} for i in range(2000)]
    )
    env.flush_all()
    stage = env.ref("crm_complaints.stage_in_progress")
    # resolution deadlines spread from a day ago to two weeks ahead (a team mostly on time),
    # the warning a day before, the first response answered for four complaints in five
    cr.execute(
        """
        INSERT INTO crm_complaint (name, subject, company_id, partner_id, commercial_partner_id,
                                   email_from, channel, severity, priority, team_id, user_id,
                                   stage_id, state, active, sla_policy_id, sla_start,
                                   sla_first_response_deadline, sla_first_response_warning,
                                   sla_resolution_deadline, sla_resolution_warning, sla_status,
                                   date_first_response, escalation_level, reopen_count,
                                   create_date, write_date, create_uid, write_uid)
        SELECT 'BENCH/' || g, 'Bench complaint ' || g, %(company)s, p.id, p.id, p.email,
               'email', 'minor', '0', %(team)s, u.id, %(stage)s, 'in_progress', TRUE,
               %(policy)s, d - INTERVAL '5 days', d - INTERVAL '4 days',
               d - INTERVAL '4 days 2 hours',
               d, d - INTERVAL '1 day', 'on_time',
               CASE WHEN g %% 5 = 0 THEN NULL ELSE d - INTERVAL '4 days 3 hours' END, 0, 0,
               d - INTERVAL '5 days', d - INTERVAL '5 days', 1, 1
          FROM generate_series(1, %(n)s) g
          -- g in the lateral query: a deadline drawn for each complaint
          CROSS JOIN LATERAL (SELECT now() AT TIME ZONE 'UTC'
                                     + (random() * 15 - 1 + 0 * g) * INTERVAL '1 day' AS d) dd
          JOIN res_partner p ON p.id = (%(customers)s)[1 + g %% 2000]
          JOIN res_users u ON u.id = (%(users)s)[1 + g %% 20]
        """,
        {
            "company": company.id,
            "team": team.id,
            "stage": stage.id,
            "policy": policy.id,
            "n": COMPLAINTS,
            "customers": customers.ids,
            "users": users.ids,
        },
    )
    cr.execute("ANALYZE crm_complaint")
    cr.commit()
    print(f"  generated in {time.perf_counter() - started:.1f} s")

cr.execute("SELECT count(*) FROM crm_complaint WHERE state IN ('new', 'in_progress', 'waiting')")
print(f"Open complaints: {cr.fetchone()[0]:,}")


def run(label, now=None):
    """The cron as the scheduler runs it: called again, in a new transaction, while it
    reports escalations left."""
    env.invalidate_all()
    tracemalloc.start()
    started = time.perf_counter()
    calls = changed = escalated = 0
    remaining = 1
    while remaining:
        if now:
            with patch.object(fields.Datetime, "now", return_value=now):
                batch_changed, done, remaining = Escalation._cron_sla_escalation()
        else:
            batch_changed, done, remaining = Escalation._cron_sla_escalation()
        env.flush_all()
        cr.commit()
        env.invalidate_all()
        calls += 1
        changed += batch_changed
        escalated += done
    elapsed = time.perf_counter() - started
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(
        f"  {label}: {elapsed:.1f} s in {calls} call(s), {changed:,} statuses changed,"
        f" {escalated:,} escalation steps done ({escalated / elapsed:,.0f} per second);"
        f" Python allocations peak {peak / 1024 / 1024:.0f} MB"
    )
    return elapsed


rss_before = rss_mb()
print("SLA and escalation cron (crm.complaint.escalation._cron_sla_escalation)")
run("first run (a backlog: every step already due)")
run("a quarter of an hour later (steady state)", fields.Datetime.now() + timedelta(minutes=15))
run("again at once (nothing to do)", fields.Datetime.now() + timedelta(minutes=15))
print(f"Peak memory of the Odoo process: {rss_mb():.0f} MB (before the cron {rss_before:.0f} MB)")
cr.execute(
    "SELECT sla_status, count(*) FROM crm_complaint WHERE subject LIKE 'Bench complaint %%'"
    " GROUP BY 1 ORDER BY 1"
)
print("Statuses:", ", ".join(f"{status} {count:,}" for status, count in cr.fetchall()))
