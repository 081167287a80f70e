"""The addon tried as an attacker would: a portal customer (A) against another customer's (B)
visits, the lowest Sales Force user against another salesperson's plans, targets and
snapshots, and a technician against another technician's visits. Every route of the addon,
and every public method of its models (the ones it defines or overrides) with the other
people's ids and the context keys the code reads, over /web/dataset/call_kw and /jsonrpc:
nothing leaks, nothing is written, no call ends in an unexpected error."""

import json
from datetime import date, datetime

from odoo import Command, http
from odoo.tests import HttpCase, new_test_user, tagged

from .test_service_common import FieldServiceCase, at

# what a refused call may answer
REFUSALS = {
    "odoo.exceptions.AccessError",
    "odoo.exceptions.MissingError",
    "odoo.exceptions.UserError",
    "odoo.exceptions.ValidationError",
}
# every context key the addon reads, and the usual suspects
CONTEXT = {
    "fs_no_follow": True,
    "force_geo_localize": True,
    "active_test": False,
    "tracking_disable": True,
    "mail_create_nosubscribe": True,
    "no_mail_to_attendees": True,
    "mail_activity_quick_update": True,
}
# what a write tries, per model (a field every model of the list has otherwise: name)
WRITES = {
    "crm.service.order": {"summary": "Pwned", "state": "done", "pinned": True},
    "crm.service.material": {"quantity": 99},
    "crm.service.plan": {"date_to": "2031-01-31"},
    "crm.service.contract": {"name": "Pwned", "interval_number": 9},
    "crm.service.type": {"name": "Pwned", "duration": 9},
    "crm.visit.plan": {"note": "Pwned"},
    "crm.visit.plan.line": {"state": "done"},
    "crm.visit.plan.rule": {"name": "Pwned"},
    "crm.sales.target": {"target_revenue": 1},
    "crm.forecast.snapshot": {"weighted": 1},
    "crm.competitor": {"strengths": "Pwned"},
    "crm.competitor.link": {"url": "https://pwned.example.com"},
    "crm.lead.buying.role": {"stance": "opponent"},
    "crm.lead": {"name": "Pwned", "lost_to_competitor_id": False},
    "calendar.event": {"name": "Pwned"},
    "hr.employee": {"fs_hourly_cost": 1},
    "res.partner": {"name": "Pwned"},
    "sale.order": {"note": "Pwned"},
    "crm.service.plan.progress": {"percent": 100},
    "crm.visit.plan.generate": {"date_to": "2031-02-01"},
    "crm.forecast.snapshot.wizard": {"period_type": "year"},
    "crm.competitor.report": {"outcome": "won"},
    "crm.forecast.report": {"weighted": 1},
}
# what a create tries, per model whose create the addon overrides
CREATES = {
    "crm.service.order": lambda case: {"summary": "Pwned", "partner_id": case.customer_two.id},
    "crm.service.type": lambda case: {"name": "Pwned"},
    "crm.sales.target": lambda case: {"user_id": case.seller_other.id, "target_revenue": 1},
    "crm.lead": lambda case: {
        "name": "Pwned",
        "user_id": case.seller_other.id,
        "lost_to_competitor_id": case.competitor.id,
    },
}


@tagged("post_install", "-at_install")
class TestAdversarial(HttpCase, FieldServiceCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        # --- the people
        cls.portal_a = new_test_user(
            env, "adv_portal_a", groups="base.group_portal", partner_id=cls.customer.id
        )
        cls.portal_b = new_test_user(
            env, "adv_portal_b", groups="base.group_portal", partner_id=cls.customer_two.id
        )
        cls.seller_low = new_test_user(
            env, "adv_seller", groups="crm_sfa_ext.group_crm_sfa_ext_user"
        )
        cls.seller_other = new_test_user(
            env, "adv_seller_other", groups="crm_sfa_ext.group_crm_sfa_ext_user"
        )
        # --- field service: A's visit, B's visit with its materials, costs and worksheet
        cls.visit_a = cls.order(
            "A own visit",
            technician_ids=[Command.set(cls.tech_a.ids)],
            planned_start=at(0, 9),
            planned_end=at(0, 10),
            state="dispatched",
        )
        cls.visit_b = cls.order(
            "B secret visit",
            partner=cls.customer_two,
            technician_ids=[Command.set(cls.tech_b.ids)],
            planned_start=at(0, 11),
            planned_end=at(0, 12),
            actual_start=at(0, 11),
            actual_end=at(0, 12, 30),
            state="in_progress",
            worksheet="<p>B secret worksheet</p>",
            customer_note="B secret note",
        )
        product = env["product.product"].create(
            {"name": "B secret part", "type": "consu", "standard_price": 43219.87}
        )
        env["crm.service.material"].create(
            {"order_id": cls.visit_b.id, "product_id": product.id, "quantity": 2}
        )
        cls.visit_a._portal_ensure_token()
        cls.visit_b._portal_ensure_token()
        cls.contract_b = env["crm.service.contract"].create(
            {
                "name": "B secret contract",
                "partner_id": cls.customer_two.id,
                "type_id": cls.service_type.id,
                "date_start": date(2031, 1, 6),
            }
        )
        cls.plan_b = env["crm.service.plan"].create(
            {"date_from": date(2031, 1, 6), "date_to": date(2031, 1, 6)}
        )
        cls.plan_b.message_post(body="B secret plan note")
        cyrus = cls.technician("Cyrus Roof", cls.roofing)
        cls.crew = env["crm.service.crew"].create(
            {"name": "B crew", "member_ids": [Command.set((cls.tech_b | cyrus).ids)]}
        )
        # --- sales force: the other salesperson's plan, target, snapshot, deal
        rule = env["crm.visit.plan.rule"].create({"name": "Adversarial rule"})
        stranger = env["res.partner"].create(
            {"name": "Other's customer", "user_id": cls.seller_other.id}
        )
        cls.visit_plan = env["crm.visit.plan"].create(
            {
                "user_id": cls.seller_other.id,
                "date_from": date(2031, 1, 6),
                "date_to": date(2031, 1, 10),
                "note": "Other's secret plan note",
            }
        )
        cls.event = env["calendar.event"].create(
            {
                "name": "Other's secret meeting",
                "start": datetime(2031, 1, 6, 9),
                "stop": datetime(2031, 1, 6, 10),
                "user_id": cls.seller_other.id,
                "privacy": "private",
                "partner_ids": [Command.set((stranger | cls.seller_other.partner_id).ids)],
            }
        )
        cls.plan_line = env["crm.visit.plan.line"].create(
            {
                "plan_id": cls.visit_plan.id,
                "user_id": cls.seller_other.id,
                "partner_id": stranger.id,
                "rule_id": rule.id,
                "company_id": cls.company.id,
                "date_start": datetime(2031, 1, 6, 9),
                "date_end": datetime(2031, 1, 6, 10),
                "event_id": cls.event.id,
            }
        )
        cls.target = env["crm.sales.target"].create(
            {
                "user_id": cls.seller_other.id,
                "date_from": date(2031, 1, 1),
                "target_revenue": 777777,
            }
        )
        cls.snapshot = env["crm.forecast.snapshot"].create(
            {
                "date": date(2031, 1, 1),
                "period_type": "month",
                "date_from": date(2031, 1, 1),
                "date_to": date(2031, 1, 31),
                "user_id": cls.seller_other.id,
                "company_id": cls.company.id,
                "weighted": 654321,
            }
        )
        cls.competitor = env["crm.competitor"].create({"name": "Adversarial rival"})
        cls.link = env["crm.competitor.link"].create(
            {"competitor_id": cls.competitor.id, "name": "Prices", "url": "https://r.example"}
        )
        cls.lead = env["crm.lead"].create(
            {
                "name": "Other's secret deal",
                "type": "opportunity",
                "user_id": cls.seller_other.id,
                "partner_id": stranger.id,
                "expected_revenue": 555555,
                "competitor_ids": [Command.set(cls.competitor.ids)],
            }
        )
        cls.lead.message_post(
            body="Other's secret deal terms", message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )  # fmt: skip
        cls.role = env["crm.lead.buying.role"].create(
            {"lead_id": cls.lead.id, "partner_id": stranger.id, "note": "Other's secret role"}
        )
        cls.order_b = env["sale.order"].create(
            {
                "partner_id": cls.customer_two.id,
                "user_id": cls.seller_other.id,
                "note": "B secret order note",
            }
        )
        boss = new_test_user(env, "adv_boss", groups="crm_sfa_ext.group_crm_sfa_ext_manager")
        cls.generate = (
            env["crm.visit.plan.generate"]
            .with_user(boss)
            .create({"rule_ids": [Command.set(rule.ids)]})
        )
        cls.snapshot_wizard = env["crm.forecast.snapshot.wizard"].create({})

    # --- how to call

    def call_kw(self, login, model, method, args, kwargs):
        # the session is the attacker's (`attack` logs them in once)
        return self.url_open(
            "/web/dataset/call_kw",
            data=json.dumps(
                {
                    "jsonrpc": "2.0",
                    "method": "call",
                    "params": {"model": model, "method": method, "args": args, "kwargs": kwargs},
                }
            ),  # fmt: skip
            headers={"Content-Type": "application/json"},
        )

    def jsonrpc(self, login, model, method, args, kwargs):
        uid = self.env["res.users"].search([("login", "=", login)]).id
        return self.url_open(
            "/jsonrpc",
            data=json.dumps(
                {
                    "jsonrpc": "2.0",
                    "method": "call",
                    "params": {
                        "service": "object",
                        "method": "execute_kw",
                        "args": [self.env.cr.dbname, uid, login, model, method, args, kwargs],
                    },
                }
            ),
            headers={"Content-Type": "application/json"},
        )

    # --- what the attackers aim at

    def victims(self):
        """{model: the records of other people, per attacker kind}."""
        field_service = {
            "crm.service.order": self.visit_b,
            "crm.service.material": self.visit_b.material_ids,
            "crm.service.plan": self.plan_b,
            "crm.service.contract": self.contract_b,
            "crm.service.crew": self.crew,
            "crm.service.type": self.service_type,
            "crm.service.plan.progress": self.env["crm.service.plan.progress"],
            "hr.employee": self.tech_b,
            "res.partner": self.customer_two,
            "sale.order": self.order_b,
        }
        sales_force = {
            "crm.visit.plan": self.visit_plan,
            "crm.visit.plan.line": self.plan_line,
            "crm.visit.plan.rule": self.plan_line.rule_id,
            "crm.sales.target": self.target,
            "crm.forecast.snapshot": self.snapshot,
            "crm.competitor": self.competitor,
            "crm.competitor.link": self.link,
            "crm.lead.buying.role": self.role,
            "crm.lead": self.lead,
            "calendar.event": self.event,
            "crm.visit.plan.generate": self.generate,
            "crm.forecast.snapshot.wizard": self.snapshot_wizard,
            "crm.contact.history": self.env["crm.contact.history"].search(
                [("res_model", "=", "crm.lead"), ("res_id", "=", self.lead.id)]
            ),
            "crm.competitor.report": self.env["crm.competitor.report"].search(
                [("lead_id", "=", self.lead.id)]
            ),
            "crm.forecast.report": self.env["crm.forecast.report"].search(
                [("user_id", "=", self.seller_other.id)]
            ),
        }
        return {**field_service, **sales_force}

    def secrets(self):
        """Strings and figures only the victims may see."""
        return [
            "B secret visit", "B secret worksheet", "B secret note", "B secret part",
            "B secret contract", "B secret plan note", "B secret order note", "43219.87",
            "86439.74",
            "Other's secret plan note", "Other's secret meeting", "Other's secret deal",
            "Other's secret role", "Other's secret deal terms", "777777", "654321", "555555",
        ]  # fmt: skip

    def state(self):
        """What the attackers must not change, read as the system."""
        visit = self.visit_b
        return {
            "visit": visit.read(
                ["summary", "state", "pinned", "customer_response", "preferred_start",
                 "customer_note", "technician_ids", "cost"]
            ),
            "materials": self.visit_b.material_ids.read(["quantity", "move_id"]),
            "plan": self.plan_b.read(["state", "date_to"]),
            "contract": self.contract_b.read(["name", "interval_number", "generated_on"]),
            "contract_visits": len(self.contract_b.order_ids),
            "crew": self.crew.read(["name", "member_ids", "active"]),
            "type": self.service_type.read(["name", "duration", "active"]),
            "visit_plan": self.visit_plan.read(["note", "state"]),
            "line": self.plan_line.read(["state", "done_date"]),
            "target": self.target.read(["target_revenue"]),
            "snapshot": self.snapshot.read(["weighted"]),
            "competitor": self.competitor.read(["strengths", "active"]),
            "link": self.link.read(["url"]),
            "role": self.role.read(["stance"]),
            "lead": self.lead.read(["name", "lost_to_competitor_id", "competitor_ids"]),
            "event": self.event.read(["name", "active"]),
            "employee": self.tech_b.read(["fs_hourly_cost"]),
            "partner": self.customer_two.read(["name"]),
            "order": self.order_b.read(["note", "state"]),
        }  # fmt: skip

    def calls(self, model, records):
        """(method, args, kwargs) an attacker tries on ``records`` of ``model``: on the
        addon's own models the ORM's read, search, write, unlink and copy; on every model
        every public method crm_sfa_ext defines or overrides (create and write with values
        aimed at the victims)."""
        ids = records.ids
        methods = self.addon_methods(model)
        if self.env[model]._original_module == "crm_sfa_ext":
            yield "read", [ids, []], {}
            yield "search_read", [[("id", "in", ids)], []], {}
            methods |= {"write", "unlink"}
            if ids and not self.env[model]._transient:
                yield "copy", [ids[:1]], {}
        for method in sorted(methods):
            if not ids and method not in ("write", "unlink", "create"):
                continue  # nothing to aim at
            if method == "write":
                yield method, [ids, WRITES.get(model, {"name": "Pwned"})], {}
            elif method == "create":
                yield method, [CREATES[model](self)], {}
            else:
                yield method, [ids], {}

    def addon_methods(self, model):
        """Public methods that crm_sfa_ext defines or overrides on ``model``."""
        names = set()
        for cls in type(self.env[model]).__mro__:
            if cls.__module__.startswith("odoo.addons.crm_sfa_ext."):
                names |= {
                    name
                    for name, value in vars(cls).items()
                    if callable(value) and not name.startswith("_") and name != "init"
                }
        return names

    def attack(self, login, models):
        victims = self.victims()
        secrets = self.secrets()
        self.authenticate(login, login)
        tried = 0
        for model in models:
            records = victims[model]
            for method, args, kwargs in self.calls(model, records):
                for endpoint in (self.call_kw, self.jsonrpc):
                    kwargs = {**kwargs, "context": CONTEXT}
                    response = endpoint(login, model, method, args, kwargs)
                    where = f"{login}: {model}.{method} {args!r} over {endpoint.__name__}"
                    self.assertEqual(response.status_code, 200, where)
                    answer = response.json()
                    if "error" in answer:
                        self.assertIn(answer["error"]["data"]["name"], REFUSALS, where)
                    else:
                        self.assertNotEqual(method, "create", f"{where} created a record")
                    text = json.dumps(answer)
                    for secret in secrets:
                        self.assertNotIn(secret, text, f"{where} leaked {secret!r}")
                    tried += 1
        return tried

    # --- the attacks

    def test_portal_customer_against_another_customer(self):
        before = self.state()
        tried = self.attack("adv_portal_a", list(self.victims()))
        self.assertGreater(tried, 100)
        self.assertEqual(self.state(), before, "nothing written")

    def test_lowest_sales_force_user_against_another_salesperson(self):
        before = self.state()
        self.attack("adv_seller", list(self.victims()))
        self.assertEqual(self.state(), before, "nothing written")

    def test_technician_against_another_technician(self):
        before = self.state()
        self.attack("fs_tech_a", list(self.victims()))
        self.assertEqual(self.state(), before, "nothing written")

    def test_portal_routes_against_another_customer(self):
        before = self.state()
        self.authenticate("adv_portal_a", "adv_portal_a")
        csrf = http.Request.csrf_token(self)
        responses = [
            self.url_open("/my/service-visits"),
            self.url_open("/my/home"),
            self.url_open(f"/my/service-visits/{self.visit_b.id}"),
            self.url_open(
                f"/my/service-visits/{self.visit_b.id}?access_token={self.visit_a.access_token}"
            ),
            self.url_open(
                f"/my/service-visits/{self.visit_b.id}/confirm", data={"csrf_token": csrf}
            ),
            self.url_open(
                f"/my/service-visits/{self.visit_b.id}/confirm",
                data={"csrf_token": csrf, "access_token": self.visit_a.access_token},
            ),
            self.url_open(
                f"/my/service-visits/{self.visit_b.id}/reschedule",
                data={
                    "csrf_token": csrf,
                    "start": "2031-01-08T13:00",
                    "end": "2031-01-08T17:00",
                    "note": "Pwned",
                },
            ),  # fmt: skip
            self.url_open(
                f"/my/service-visits/{self.visit_a.id}/reschedule",
                data={"csrf_token": csrf, "start": "9999-12-31T23:59", "end": "9999-12-31T23:59"},
            ),
            self.url_open(f"/my/service-visits/{self.visit_b.id + 100000}"),
        ]
        for response in responses:
            self.assertNotEqual(response.status_code, 500, response.url)
            for secret in self.secrets():
                self.assertNotIn(secret, response.text, response.url)
        self.assertIn("A own visit", responses[0].text)
        self.assertEqual(
            self.make_jsonrpc_request("/my/counters", {"counters": ["fs_visit_count"]}),
            {"fs_visit_count": 1},
        )
        # the public user with a wrong or another visit's token
        self.authenticate(None, None)
        for url in (
            f"/my/service-visits/{self.visit_b.id}",
            f"/my/service-visits/{self.visit_b.id}?access_token=wrong",
            f"/my/service-visits/{self.visit_b.id}?access_token={self.visit_a.access_token}",
        ):
            response = self.url_open(url)
            self.assertNotEqual(response.status_code, 500, url)
            self.assertNotIn("B secret visit", response.text, url)
        self.assertEqual(self.state(), before, "nothing written")
