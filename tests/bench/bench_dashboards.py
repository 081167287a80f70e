# Run inside `odoo shell` (tests/bench/dashboards_run.sh), after bench_refresh.py has built
# and refreshed the customers: the server time of opening each dashboard of the CRM group
# (the read_group requests its pivots and charts send, as a manager: record rules apply),
# then the CRM scorecard's month and its 24-month backfill, with their query counts.
import base64
import json
import time

from odoo.addons.spreadsheet_dashboard_crm_identification.tests.common import (
    dashboard_requests,
)
from odoo.tools import SQL

cr = env.cr
company = env.company
admin = env.ref("base.user_admin")
manager_env = env(user=admin)


def queries():
    return cr.sql_log_count


cr.execute("SELECT count(*) FROM crm_customer_score WHERE company_id = %s", [company.id])
customers = cr.fetchone()[0]
print(f"Customers with figures: {customers:,}")

# Field service: 40 technicians on the company's calendar (through the ORM) and a visit for
# one customer in two over the past two years (rows of the suite's own table, set-based):
# most done, with travel, time on site and an arrival window, some late, some at a site
# visited again within days.
Order = env["crm.service.order"]
if not Order.search_count([("summary", "=like", "Bench visit%")]):
    technicians = env["hr.employee"].create(
        [
            {"name": f"Bench technician {i}", "fs_is_technician": True, "company_id": company.id}
            for i in range(40)
        ]
    )
    env.flush_all()
    visits = customers // 2
    started = time.perf_counter()
    cr.execute(
        """
        INSERT INTO crm_service_order (
            name, summary, partner_id, commercial_partner_id, site_id, duration, crew_size,
            priority, origin, state, company_id, planned_start, planned_end, actual_start,
            actual_end, time_spent, travel_minutes, arrival_window_start, arrival_window_end,
            create_date, write_date)
        SELECT 'BENCH/FS/' || g, 'Bench visit ' || g, p, p, p, 1.5, 1, '0',
               CASE WHEN g %% 5 = 0 THEN 'contract' ELSE 'manual' END,
               CASE WHEN g %% 20 = 0 THEN 'cancelled' WHEN g %% 20 = 1 THEN 'new'
                    ELSE 'done' END,
               %(company)s, start, start + INTERVAL '90 minutes',
               start + (g %% 7 - 2) * INTERVAL '15 minutes',
               start + (g %% 7 - 2) * INTERVAL '15 minutes' + INTERVAL '90 minutes',
               1.5, 10 + g %% 40, start - INTERVAL '30 minutes', start + INTERVAL '30 minutes',
               now(), now()
          FROM (SELECT g, ids.a[1 + floor(random() * cardinality(ids.a) / 4)::int] AS p,
                       date_trunc('day', now() - random() * INTERVAL '730 days')
                           + (8 + g %% 8) * INTERVAL '1 hour' AS start
                  FROM generate_series(1, %(visits)s) g
                 CROSS JOIN (SELECT array_agg(partner_id ORDER BY partner_id) AS a
                               FROM crm_customer_score
                              WHERE company_id = %(company)s) ids) s
        """,
        {"company": company.id, "visits": visits},
    )
    relation = Order._fields["technician_ids"]
    cr.execute(
        SQL(
            """
        INSERT INTO %(table)s (%(order)s, %(employee)s)
        SELECT o.id, (%(technicians)s::int[])[1 + MOD(o.id, %(count)s)]
          FROM crm_service_order o WHERE o.summary LIKE %(visits)s
        """,
            table=SQL.identifier(relation.relation),
            order=SQL.identifier(relation.column1),
            employee=SQL.identifier(relation.column2),
            technicians=technicians.ids,
            count=len(technicians),
            visits="Bench visit %",
        )
    )
    cr.commit()
    print(
        f"Generated {visits:,} visits of 40 technicians in {time.perf_counter() - started:.1f} s"
    )

Scorecard = env["crm.scorecard"]
months = Scorecard._months_to(company.crm_figures_as_of, 24, company)
execute = cr.execute


def timed_execute(query, params=None, log_exceptions=True):
    """cr.execute, remembering how long each statement took (its first words name it)."""
    one = time.perf_counter()
    try:
        return execute(query, params, log_exceptions)
    finally:
        text = " ".join(str(getattr(query, "code", query)).split())[:40]
        statements.append((time.perf_counter() - one, text))


for label, chosen in (("one month", months[-1:]), ("24-month backfill", months)):
    env.invalidate_all()
    statements = []
    cr.execute = timed_execute
    started, count = time.perf_counter(), queries()
    Scorecard._compute_months(company, chosen)
    env.flush_all()
    del cr.execute
    slowest = "; ".join(f"{text!r} {seconds:.2f} s" for seconds, text in sorted(statements)[-3:])
    print(
        f"Scorecard, {label}: {time.perf_counter() - started:.2f} s, "
        f"{queries() - count} queries; slowest {slowest}"
    )
cr.commit()

group = env.ref("spreadsheet_dashboard_crm_identification.spreadsheet_dashboard_group_crm")
for dashboard in group.dashboard_ids.sorted("sequence"):
    data = json.loads(base64.b64decode(dashboard.spreadsheet_binary_data))
    requests = dashboard_requests(data)
    for run in ("cold", "warm"):
        env.invalidate_all()
        env.registry.clear_cache()
        started, count = time.perf_counter(), queries()
        slowest = (0.0, "")
        for label, model, domain, groupby, measures in requests:
            one = time.perf_counter()
            Model = manager_env[model]
            aggregates = [
                m if m == "__count" or ":" in m else f"{m}:{Model._fields[m].aggregator or 'sum'}"
                for m in measures
            ]
            Model.read_group(domain, aggregates, groupby, lazy=False)
            slowest = max(slowest, (time.perf_counter() - one, label))
        print(
            f"Dashboard {dashboard.name} ({run}): {time.perf_counter() - started:.2f} s, "
            f"{len(requests)} requests, {queries() - count} queries; "
            f"slowest {slowest[1]!r} {slowest[0]:.2f} s"
        )
