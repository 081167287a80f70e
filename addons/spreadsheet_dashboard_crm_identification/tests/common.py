import base64
import json

from odoo.tests import HttpCase, TransactionCase, new_test_user


def dashboard_requests(data):
    """The data requests the web client sends to open a dashboard, from its spreadsheet
    JSON: for each pivot, one read_group per level of its row and column groupings (the
    pivot's totals and its cells); for each Odoo chart, one read_group over its groupings.
    Global filters left at their empty value (every record: the heaviest case). Returns
    (label, model, domain, groupby, aggregates) tuples."""

    def spec(name, aggregator=None):
        return "__count" if name == "__count" else f"{name}:{aggregator or 'sum'}"

    requests = []
    for pivot in data.get("pivots", {}).values():
        groupings = [
            dim["fieldName"] + (f":{dim['granularity']}" if dim.get("granularity") else "")
            for dim in pivot["rows"] + pivot["columns"]
        ]
        measures = [spec(m["fieldName"], m.get("aggregator")) for m in pivot["measures"]]
        for depth in range(len(groupings) + 1):
            requests.append(
                (pivot["name"], pivot["model"], pivot["domain"], groupings[:depth], measures)
            )
    for sheet in data["sheets"]:
        for figure in sheet["figures"]:
            chart = figure["data"]
            if not chart.get("type", "").startswith("odoo_"):
                continue
            meta = chart["metaData"]
            requests.append(
                (
                    chart["title"]["text"],
                    meta["resModel"],
                    chart["searchParams"]["domain"],
                    meta["groupBy"],
                    [spec(meta["measure"])] if meta["measure"] == "__count" else [meta["measure"]],
                )
            )
    return requests


def load_dashboard(env, dashboard):
    """Runs the dashboard's data requests as its viewer would (the environment's user):
    {label: rows}."""
    data = json.loads(base64.b64decode(dashboard.spreadsheet_binary_data))
    results = {}
    for label, model, domain, groupby, measures in dashboard_requests(data):
        Model = env[model]
        aggregates = []
        for measure in measures:
            if measure == "__count" or ":" in measure:
                aggregates.append(measure)
            else:
                aggregator = Model._fields[measure].aggregator or "sum"
                aggregates.append(f"{measure}:{aggregator}")
        results[label] = Model.read_group(domain, aggregates, groupby, lazy=False)
    return results


class DashboardCase(TransactionCase):
    """Each dashboard's pivots and charts return data on the demo database, for a manager of
    the area."""

    DASHBOARDS = ()  # xml ids
    # figures whose data the demo database does not hold (said here, not skipped silently)
    EMPTY_ON_DEMO = ()

    def assertDashboardsShowData(self, user):
        for xmlid in self.DASHBOARDS:
            dashboard = self.env.ref(xmlid)
            results = load_dashboard(self.env(user=user), dashboard.with_user(user))
            self.assertTrue(results, xmlid)
            empty = [
                label
                for label, rows in results.items()
                if not any(row.get("__count") for row in rows) and label not in self.EMPTY_ON_DEMO
            ]
            self.assertEqual(empty, [], f"{xmlid}: figures without data on the demo database")

    def assertDashboardsForManagersOnly(self, groups):
        """The managers of the area (`groups`) see the dashboards, a plain employee none."""
        user = new_test_user(self.env, "dash_employee", groups="base.group_user")
        manager = new_test_user(self.env, "dash_group_manager", groups=groups)
        Dashboard = self.env["spreadsheet.dashboard"]
        dashboards = Dashboard.browse([self.env.ref(x).id for x in self.DASHBOARDS])
        visible = Dashboard.with_user(manager).search([("id", "in", dashboards.ids)])
        self.assertEqual(visible, dashboards)
        self.assertFalse(Dashboard.with_user(user).search([("id", "in", dashboards.ids)]))


class DashboardTourCase(HttpCase):
    """Open each dashboard in the Dashboards app, in English and in Persian (right to left,
    the dashboard's name and texts from the bridge's fa.po)."""

    MODULES = ()

    def persian(self, user):
        self.env["res.lang"]._activate_lang("fa_IR")
        self.env["ir.module.module"]._load_module_terms(
            ["spreadsheet_dashboard", *self.MODULES], ["fa_IR"], overwrite=True
        )
        user.lang = "fa_IR"
