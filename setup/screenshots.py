"""Take README's screenshots from a running demo (bash setup/run.sh) with headless Chromium.

    python setup/screenshots.py [--url http://localhost:8069] [--db crm_suite_demo]
                                [--only NAME-PREFIX ...] [--debug-port 9333]

Logs in (as admin, or the shot's own login: a portal user for portal pages), opens each
screen and writes docs/screenshots/<name>.png. Runs with the suite's virtual environment (it
needs requests and websocket-client, which Odoo's tests use).
"""

import argparse
import base64
import json
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import requests
import websocket

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
BACKEND = ".o_action_manager .o_view_controller"
WIDTH, HEIGHT = 1440, 1107  # the page inside the 1440 x 1250 window


def open_menu(xmlid):
    """JavaScript that opens a menu item as a click on it would (its app's menus showing)."""
    return (
        "(() => { const menus = odoo.__WOWL_DEBUG__.root.env.services.menu;"
        f" menus.selectMenu(menus.getAll().find((m) => m.xmlid === {json.dumps(xmlid)})); }})()"
    )


# (file name, path, JavaScript run once the page has loaded, language), and optionally a
# dict of extras: "login" (and "password", default the login), "wait" (the CSS selector the
# page shows once loaded, default a backend view), "record" ((model, domain): its first id
# fills {id} in the path), "after" (the CSS selector to wait for once the JavaScript ran),
# "width" (a wider page than the window's, for a wide list), "timezone" (the browser's, which
# the web client shows times in; default UTC). {partner} is a customer with a segment.
SHOTS = [
    (
        "segment-dashboard",
        "/odoo/action-crm_identification.crm_customer_segment_action_dashboard",
        None,
        "en_US",
    ),
    ("customers", "/odoo/action-crm_identification.crm_customer_score_action", None, "en_US"),
    (
        "partner-insight-tab",
        "/odoo/contacts/{partner}",
        "document.querySelector(\".o_notebook a[name='crm_insight']\").click()",
        "en_US",
    ),
    (
        "partner-insight-tab-fa",
        "/odoo/contacts/{partner}",
        "document.querySelector(\".o_notebook a[name='crm_insight']\").click()",
        "fa_IR",
    ),
    ("complaints-kanban", "/odoo/action-crm_complaints.crm_complaint_action", None, "en_US"),
    (
        "complaints-form",
        "/odoo/action-crm_complaints.crm_complaint_action/{id}",
        "document.querySelector(\".o_notebook a[name='remedies']\").click()",
        "en_US",
        {"record": ("crm.complaint", [["subject", "=", "Chair arrived with a broken leg"]])},
    ),
    (
        "complaints-form-fa",
        "/odoo/action-crm_complaints.crm_complaint_action/{id}",
        "document.querySelector(\".o_notebook a[name='similar']\").click()",
        "fa_IR",
        {"record": ("crm.complaint", [["subject", "=", "Chair arrived with a broken leg"]])},
    ),
    (
        "complaints-dashboard",
        "/odoo/action-crm_complaints.crm_complaint_team_action_dashboard",
        None,
        "en_US",
    ),
    (
        "complaints-analysis",
        "/odoo/action-crm_complaints.crm_complaint_action_analysis",
        None,
        "en_US",
    ),
    (
        "complaints-portal",
        "/my/complaints",
        None,
        "en_US",
        {"login": "portal", "wait": "table"},
    ),
    # crm_sfa_ext sales force
    (
        "sfa-forecast-dashboard",
        "/odoo/action-crm_sfa_ext.crm_sales_target_action_dashboard",
        None,
        "en_US",
        {"wait": ".o_kanban_record .o_crm_sfa_weighted"},
    ),
    (
        "sfa-forecast-dashboard-fa",
        "/odoo/action-crm_sfa_ext.crm_sales_target_action_dashboard",
        None,
        "fa_IR",
        {"wait": ".o_kanban_record .o_crm_sfa_weighted"},
    ),
    (
        "sfa-forecast-analysis",
        "/odoo/action-crm_sfa_ext.crm_forecast_report_action",
        None,
        "en_US",
    ),
    ("sfa-win-loss", "/odoo/action-crm_sfa_ext.crm_competitor_report_action", None, "en_US"),
    (
        "sfa-competitor-form",
        "/odoo/action-crm_sfa_ext.crm_competitor_action/{id}",
        "document.querySelector(\".o_notebook a[name='battle_card']\").click()",
        "en_US",
        {"record": ("crm.competitor", [["name", "=", "DeskMasters"]])},
    ),
    (
        "sfa-opportunity-buying-committee",
        "/odoo/action-crm.crm_lead_action_pipeline/{id}",
        "document.querySelector(\".o_notebook a[name='sfa_buying_committee']\").click()",
        "en_US",
        {"record": ("crm.lead", [["buying_role_ids", "!=", False]])},
    ),
    # the forecast sheet opens on the current month (its menu fills it first); a manager
    # adjusted one salesperson's forecast beforehand
    (
        "sfa-forecast-sheet",
        "/odoo/crm",
        open_menu("crm_sfa_ext.menu_crm_forecast_adjustment"),
        "en_US",
        {"after": ".o_crm_forecast_sheet", "width": 1920},
    ),
    (
        "sfa-forecast-sheet-fa",
        "/odoo/crm",
        open_menu("crm_sfa_ext.menu_crm_forecast_adjustment"),
        "fa_IR",
        {"after": ".o_crm_forecast_sheet", "width": 1920},
    ),
    # a plan of Sales Force > Plan Visits with routed visits: Marc Demo made the salesperson
    # of the demo's Tehran customers (the ones with coordinates) and planned by a rule
    # "Tehran customers every week" (domain [('city', '=', 'Tehran')]) over two weeks; his
    # working hours are Tehran's
    (
        "sfa-visit-plan",
        "/odoo/action-crm_sfa_ext.crm_visit_plan_action/{id}",
        None,
        "en_US",
        {
            "record": (
                "crm.visit.plan",
                [["user_id.login", "=", "demo"], ["line_ids.routed", "=", True]],
            ),
            "timezone": "Asia/Tehran",
        },
    ),
    (
        "sfa-visit-plan-fa",
        "/odoo/action-crm_sfa_ext.crm_visit_plan_action/{id}",
        None,
        "fa_IR",
        {
            "record": (
                "crm.visit.plan",
                [["user_id.login", "=", "demo"], ["line_ids.routed", "=", True]],
            ),
            "timezone": "Asia/Tehran",
        },
    ),
    (
        "sfa-visit-planned-vs-done",
        "/odoo/action-crm_sfa_ext.crm_visit_plan_line_action_report",
        None,
        "en_US",
    ),
    (
        "sfa-contact-history",
        "/odoo/contacts/{id}",
        "document.querySelector(\".o_notebook a[name='sfa_contact_history']\").click()",
        "en_US",
        {"record": ("res.partner", [["name", "=", "Deco Addict"]])},
    ),
    (
        "sfa-contact-history-fa",
        "/odoo/contacts/{id}",
        "document.querySelector(\".o_notebook a[name='sfa_contact_history']\").click()",
        "fa_IR",
        {"record": ("res.partner", [["name", "=", "Deco Addict"]])},
    ),
    # crm_sfa_ext field service (a plan is run on the demo visits first: see README)
    # the managers' dashboards in Odoo's Dashboards app (drawn once the figures are)
    *[
        (
            f"dashboard-{key}{suffix}",
            "/odoo/action-spreadsheet_dashboard.ir_actions_dashboard_action?dashboard_id={id}",
            None,
            lang,
            {
                "record": ("spreadsheet.dashboard", [["name", "=", name]]),
                "wait": ".o_renderer .o-figure canvas.o-figure-canvas",
            },
        )
        for key, name in (("sales-force", "Sales Force"), ("scorecard", "CRM Scorecard"))
        for suffix, lang in (("", "en_US"), ("-fa", "fa_IR"))
    ],
    ("fieldservice-board", "/odoo/action-crm_sfa_ext.crm_service_plan_action", None, "en_US"),
    # a plan of more than a week is solved a day at a time: caught between two steps (Odoo
    # served without cron threads, the plan's cron run once by hand), it shows its progress
    (
        "fieldservice-plan-running",
        "/odoo/action-crm_sfa_ext.crm_service_plan_action/{id}",
        None,
        "en_US",
        {"record": ("crm.service.plan", [["state", "=", "running"]])},
    ),
    (
        "fieldservice-plan-running-fa",
        "/odoo/action-crm_sfa_ext.crm_service_plan_action/{id}",
        None,
        "fa_IR",
        {"record": ("crm.service.plan", [["state", "=", "running"]])},
    ),
    (
        "fieldservice-calendar",
        "/odoo/action-crm_sfa_ext.crm_service_order_action_calendar",
        # the demo's plan is for the coming week
        "document.querySelector('.o_calendar_button_next').click()",
        "en_US",
    ),
    (
        "fieldservice-my-day",
        "/odoo/action-crm_sfa_ext.crm_service_order_action_my_day",
        None,
        "en_US",
        {"login": "demo"},
    ),
    (
        "fieldservice-visit-fa",
        "/odoo/action-crm_sfa_ext.crm_service_order_action/{id}",
        None,
        "fa_IR",
        {"record": ("crm.service.order", [["state", "=", "planned"]])},
    ),
    (
        "fieldservice-portal",
        "/my/service-visits/{id}",
        None,
        "en_US",
        {
            "login": "portal",
            "wait": ".o_fs_portal_visit",
            "record": ("crm.service.order", [["partner_id.name", "=", "Joel Willis"]]),
        },
    ),
    (
        "loyalty-dashboard",
        "/odoo/action-crm_loyalty.loyalty_program_action_crm_dashboard",
        None,
        "en_US",
    ),
    ("loyalty-members", "/odoo/action-crm_loyalty.loyalty_card_action_crm", None, "en_US"),
    (
        "loyalty-card",
        "/odoo/action-crm_loyalty.loyalty_card_action_crm/{id}",
        None,
        "en_US",
        {
            "record": (
                "loyalty.card",
                [["partner_id.name", "=", "Joel Willis"], ["points", ">", 100]],
            )
        },
    ),
    (
        "loyalty-card-fa",
        "/odoo/action-crm_loyalty.loyalty_card_action_crm/{id}",
        None,
        "fa_IR",
        {
            "record": (
                "loyalty.card",
                [["partner_id.name", "=", "Joel Willis"], ["points", ">", 100]],
            )
        },
    ),
    (
        "loyalty-points",
        "/odoo/action-crm_loyalty.crm_loyalty_ledger_report_action?view_type=list",
        None,
        "en_US",
    ),
    ("loyalty-ledger", "/odoo/action-crm_loyalty.loyalty_history_action_crm", None, "en_US"),
    (
        "loyalty-portal",
        "/my/loyalty",
        None,
        "en_US",
        {"login": "portal", "wait": ".o_crm_loyalty_card"},
    ),
    (
        "loyalty-portal-fa",
        "/my/loyalty",
        None,
        "fa_IR",
        {"login": "portal", "wait": ".o_crm_loyalty_card"},
    ),
]


class Browser:
    def __init__(self, debug_port):
        self.profile = tempfile.mkdtemp()
        binary = shutil.which("chromium") or shutil.which("chromium-browser")
        self.process = subprocess.Popen(
            [
                binary,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--hide-scrollbars",
                f"--user-data-dir={self.profile}",
                f"--remote-debugging-port={debug_port}",
                # newer Chromium refuses DevTools websockets from an origin it was not told of
                f"--remote-allow-origins=http://127.0.0.1:{debug_port}",
                "--window-size=1440,1250",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(50):
            try:
                pages = requests.get(f"http://127.0.0.1:{debug_port}/json", timeout=1).json()
                target = next(p for p in pages if p["type"] == "page")
                break
            except (requests.ConnectionError, StopIteration):
                time.sleep(0.2)
        self.ws = websocket.create_connection(target["webSocketDebuggerUrl"], timeout=60)
        self.next_id = 0

    def call(self, method, **params):
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == self.next_id:
                return message.get("result", {})

    def wait_for(self, selector, timeout=60):
        """Wait until the page shows an element matching the CSS selector."""
        deadline = time.monotonic() + timeout
        expression = f"!!document.querySelector({json.dumps(selector)})"
        while time.monotonic() < deadline:
            result = self.call("Runtime.evaluate", expression=expression)
            if result.get("result", {}).get("value"):
                return
            time.sleep(0.5)
        raise TimeoutError(f"{selector} did not show up within {timeout} s")

    def close(self):
        self.ws.close()
        self.process.terminate()
        self.process.wait()
        shutil.rmtree(self.profile, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://localhost:8069")
    parser.add_argument("--db", default="crm_suite_demo")
    parser.add_argument("--only", nargs="*", help="take only the shots whose name starts so")
    parser.add_argument("--debug-port", type=int, default=9333, help="Chromium's DevTools port")
    args = parser.parse_args()

    def rpc(session, model, method, *params):
        response = session.post(
            f"{args.url}/web/dataset/call_kw",
            json={
                "jsonrpc": "2.0",
                "params": {"model": model, "method": method, "args": list(params), "kwargs": {}},
            },
            timeout=60,
        ).json()
        return response["result"]

    def login(user="admin", password=None):
        session = requests.Session()
        session.post(
            f"{args.url}/web/session/authenticate",
            json={
                "jsonrpc": "2.0",
                "params": {"db": args.db, "login": user, "password": password or user},
            },
            timeout=60,
        ).raise_for_status()
        return session

    session = login()
    scores = rpc(
        session, "crm.customer.score", "search_read", [["segment_id", "!=", False]], ["partner_id"]
    )
    partner = scores[0]["partner_id"][0]
    admin = rpc(session, "res.users", "search", [["login", "=", "admin"]])[0]
    persian = rpc(
        session, "res.lang", "search", [["code", "=", "fa_IR"], ["active", "in", [True, False]]]
    )
    if not rpc(session, "res.lang", "search", [["code", "=", "fa_IR"]]):
        wizard = rpc(session, "base.language.install", "create", {"lang_ids": [[6, 0, persian]]})
        rpc(session, "base.language.install", "lang_install", [wizard])

    OUT.mkdir(parents=True, exist_ok=True)
    shots = [
        (name, path, script, lang, *extra)
        for name, path, script, lang, *extra in SHOTS
        if not args.only or name.startswith(tuple(args.only))
    ]
    browser = Browser(args.debug_port)
    try:
        browser.call("Network.enable")
        for name, path, script, lang, *extra in shots:
            extra = extra[0] if extra else {}
            user = extra.get("login", "admin")
            # the session takes the user's language (and its direction) when it logs in
            users = rpc(session, "res.users", "search", [["login", "=", user]])
            rpc(session, "res.users", "write", users, {"lang": lang})
            shot_session = login(user, extra.get("password"))
            record = 0
            if extra.get("record"):
                model, domain = extra["record"]
                record = rpc(session, model, "search", domain)[0]
            # no cookie of the previous shot (the portal keeps its language in one)
            browser.call("Network.clearBrowserCookies")
            browser.call(
                "Network.setCookie",
                name="session_id",
                value=shot_session.cookies["session_id"],
                domain="localhost",
                path="/",
            )
            browser.call(
                "Emulation.setDeviceMetricsOverride",
                width=extra.get("width", WIDTH),
                height=HEIGHT,
                deviceScaleFactor=1,
                mobile=False,
            )
            browser.call("Emulation.setTimezoneOverride", timezoneId=extra.get("timezone", "UTC"))
            browser.call("Page.navigate", url=args.url + path.format(partner=partner, id=record))
            try:
                browser.wait_for(extra.get("wait", BACKEND))
            except TimeoutError:
                # what the page showed instead, to see why
                shot = browser.call("Page.captureScreenshot", format="png")
                (OUT / f"{name}-timeout.png").write_bytes(base64.b64decode(shot["data"]))
                raise
            if script:
                browser.call("Runtime.evaluate", expression=script)
            if extra.get("after"):
                browser.wait_for(extra["after"])
            time.sleep(2)
            shot = browser.call("Page.captureScreenshot", format="png")
            (OUT / f"{name}.png").write_bytes(base64.b64decode(shot["data"]))
            print(f"wrote docs/screenshots/{name}.png")
            if user != "admin":
                rpc(session, "res.users", "write", users, {"lang": "en_US"})
    finally:
        rpc(session, "res.users", "write", [admin], {"lang": "en_US"})
        browser.close()


if __name__ == "__main__":
    main()
