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

cr = env.cr
company = env.company
admin = env.ref("base.user_admin")
manager_env = env(user=admin)


def queries():
    return cr.sql_log_count


cr.execute("SELECT count(*) FROM crm_customer_score WHERE company_id = %s", [company.id])
print(f"Customers with figures: {cr.fetchone()[0]:,}")

Scorecard = env["crm.scorecard"]
months = Scorecard._months_to(company.crm_figures_as_of, 24)
for label, chosen in (("one month", months[-1:]), ("24-month backfill", months)):
    env.invalidate_all()
    started, count = time.perf_counter(), queries()
    Scorecard._compute_months(company, chosen)
    env.flush_all()
    print(
        f"Scorecard, {label}: {time.perf_counter() - started:.2f} s, "
        f"{queries() - count} queries"
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
