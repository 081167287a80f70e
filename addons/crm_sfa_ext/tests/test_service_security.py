from freezegun import freeze_time

from odoo import http
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, new_test_user, tagged

from .test_service_common import FieldServiceCase, at


@tagged("post_install", "-at_install")
class TestServiceSecurity(FieldServiceCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.mine = cls.order(
            "Ali's visit",
            technician_ids=[(6, 0, cls.tech_a.ids)],
            planned_start=at(0, 9),
            planned_end=at(0, 10),
            state="planned",
        )
        cls.theirs = cls.order(
            "Bahar's visit",
            technician_ids=[(6, 0, cls.tech_b.ids)],
            planned_start=at(0, 9),
            planned_end=at(0, 10),
            state="planned",
        )

    def test_technician_sees_and_works_only_on_own_visits(self):
        Order = self.env["crm.service.order"].with_user(self.tech_user_a)
        self.assertEqual(Order.search([]), self.mine)
        with self.assertRaises(AccessError):
            self.theirs.with_user(self.tech_user_a).read(["summary"])
        with self.assertRaises(AccessError):
            self.theirs.with_user(self.tech_user_a).action_start()
        self.mine.with_user(self.tech_user_a).action_start()
        self.assertEqual(self.mine.state, "in_progress")
        with self.assertRaises(AccessError):
            Order.create({"summary": "New", "partner_id": self.customer.id})
        with self.assertRaises(AccessError):
            self.env["crm.service.plan"].with_user(self.tech_user_a).create({})
        with self.assertRaises(AccessError):
            self.env["crm.service.contract"].with_user(self.tech_user_a).search([])
        with self.assertRaises(AccessError):
            self.mine.with_user(self.tech_user_a).unlink()

    def test_technician_materials_only_on_own_open_visits(self):
        product = self.env["product.product"].create({"name": "Fuse", "type": "consu"})
        Material = self.env["crm.service.material"].with_user(self.tech_user_a)
        line = Material.create({"order_id": self.mine.id, "product_id": product.id})
        self.assertEqual(line.order_id, self.mine)
        with self.assertRaises(AccessError):
            Material.create({"order_id": self.theirs.id, "product_id": product.id})

    def test_dispatcher_sees_all_of_their_companies_only(self):
        Order = self.env["crm.service.order"].with_user(self.dispatcher)
        self.assertEqual(
            Order.search([("id", "in", (self.mine | self.theirs).ids)]), self.mine | self.theirs
        )
        other_company = self.env["res.company"].create({"name": "Other Field Co"})
        foreign = self.order("Abroad", company_id=other_company.id)
        self.assertFalse(Order.search([("id", "=", foreign.id)]))
        with self.assertRaises(AccessError):
            foreign.with_user(self.dispatcher).read(["summary"])
        with self.assertRaises(AccessError):
            self.mine.with_user(self.dispatcher).unlink()

    def test_portal_customer_reads_only_own_visits(self):
        portal = new_test_user(
            self.env, "fs_portal", groups="base.group_portal", partner_id=self.customer.id
        )
        stranger = self.order("Someone else's", partner=self.customer_two)
        Order = self.env["crm.service.order"].with_user(portal)
        self.assertEqual(Order.search([]), self.mine | self.theirs)
        with self.assertRaises(AccessError):
            stranger.with_user(portal).read(["summary"])
        with self.assertRaises(AccessError):
            self.mine.with_user(portal).write({"summary": "Changed"})
        with self.assertRaises(AccessError):
            self.env["crm.service.material"].with_user(portal).search([])


@tagged("post_install", "-at_install")
class TestServicePortal(HttpCase, FieldServiceCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.portal = new_test_user(
            cls.env, "fs_portal_web", groups="base.group_portal", partner_id=cls.customer.id
        )
        cls.planned = cls.order(
            "Boiler check",
            technician_ids=[(6, 0, cls.tech_a.ids)],
            planned_start=at(0, 9),
            planned_end=at(0, 10),
            state="dispatched",
        )
        cls.past = cls.order("Old repair", state="done", actual_end=at(-30, 10))
        cls.stranger = cls.order(
            "Neighbour's visit",
            partner=cls.customer_two,
            technician_ids=[(6, 0, cls.tech_b.ids)],
            planned_start=at(0, 11),
            planned_end=at(0, 12),
            state="dispatched",
        )

    def test_visits_list_and_page_show_only_own(self):
        self.authenticate("fs_portal_web", "fs_portal_web")
        page = self.url_open("/my/service-visits").text
        self.assertIn("Boiler check", page)
        self.assertIn("Old repair", page)
        self.assertNotIn("Neighbour", page)
        self.assertIn("Boiler check", self.url_open(f"/my/service-visits/{self.planned.id}").text)
        response = self.url_open(f"/my/service-visits/{self.stranger.id}")
        self.assertNotIn("Neighbour", response.text)
        self.assertTrue(response.url.endswith("/my"), response.url)

    @freeze_time("2031-01-01 08:00:00")
    def test_confirm_and_ask_another_window(self):
        self.authenticate("fs_portal_web", "fs_portal_web")
        self.url_open(
            f"/my/service-visits/{self.planned.id}/confirm",
            data={"csrf_token": http.Request.csrf_token(self)},
        )
        self.assertEqual(self.planned.customer_response, "confirmed")
        self.url_open(
            f"/my/service-visits/{self.planned.id}/reschedule",
            data={
                "csrf_token": http.Request.csrf_token(self),
                "start": "2031-01-08T13:00",
                "end": "2031-01-08T17:00",
                "note": "Afternoons suit us",
            },
        )
        self.assertEqual(self.planned.customer_response, "change_requested")
        self.assertEqual(
            (self.planned.preferred_start, self.planned.preferred_end), (at(2, 13), at(2, 17))
        )
        self.assertEqual(self.planned.state, "new", "back to the dispatcher to plan again")
        self.assertTrue(self.planned.activity_ids)
        # a window in the past, or shorter than the visit, changes nothing
        self.url_open(
            f"/my/service-visits/{self.planned.id}/reschedule",
            data={
                "csrf_token": http.Request.csrf_token(self),
                "start": "2031-01-09T13:00",
                "end": "2031-01-09T13:30",
            },
        )
        self.assertEqual(self.planned.preferred_start, at(2, 13))

    def test_stranger_visit_cannot_be_confirmed_or_moved(self):
        self.authenticate("fs_portal_web", "fs_portal_web")
        self.url_open(
            f"/my/service-visits/{self.stranger.id}/confirm",
            data={"csrf_token": http.Request.csrf_token(self)},
        )
        self.url_open(
            f"/my/service-visits/{self.stranger.id}/reschedule",
            data={
                "csrf_token": http.Request.csrf_token(self),
                "start": "2031-01-08T13:00",
                "end": "2031-01-08T17:00",
            },
        )
        self.assertFalse(self.stranger.customer_response)
        self.assertFalse(self.stranger.preferred_start)

    def test_token_link_of_the_email_works_without_login(self):
        self.authenticate(None, None)
        self.planned._portal_ensure_token()
        page = self.url_open(
            f"/my/service-visits/{self.planned.id}?access_token={self.planned.access_token}"
        ).text
        self.assertIn("Boiler check", page)
        self.url_open(
            f"/my/service-visits/{self.planned.id}/confirm",
            data={
                "csrf_token": http.Request.csrf_token(self),
                "access_token": self.planned.access_token,
            },
        )
        self.assertEqual(self.planned.customer_response, "confirmed")
        wrong = self.url_open(f"/my/service-visits/{self.stranger.id}?access_token=nope")
        self.assertNotIn("Neighbour", wrong.text)

    def test_rpc_read_of_another_customers_visit_is_refused(self):
        self.authenticate("fs_portal_web", "fs_portal_web")
        for model, method, args in [
            ("crm.service.order", "read", [[self.stranger.id], ["summary"]]),
            ("crm.service.order", "search_read", [[("id", "=", self.stranger.id)], ["summary"]]),
            ("crm.service.material", "search_read", [[], ["product_id"]]),
            ("crm.service.plan", "search_read", [[], ["name"]]),
        ]:
            result = self.opener.post(
                f"{self.base_url()}/web/dataset/call_kw",
                json={
                    "jsonrpc": "2.0",
                    "params": {"model": model, "method": method, "args": args, "kwargs": {}},
                },
                timeout=30,
            ).json()
            if "result" in result:
                self.assertEqual(result["result"], [], f"{model}.{method} leaked")
            else:
                self.assertIn("AccessError", result["error"]["data"]["name"], f"{model}.{method}")

    def rpc(self, model, method, *args, **kwargs):
        return self.opener.post(
            f"{self.base_url()}/web/dataset/call_kw",
            json={
                "jsonrpc": "2.0",
                "params": {"model": model, "method": method, "args": list(args), "kwargs": kwargs},
            },
            timeout=30,
        ).json()

    def test_portal_reads_no_cost_nor_planning_field_of_own_visit(self):
        self.past.sudo().write(
            {
                "technician_ids": [(6, 0, self.tech_a.ids)],
                "actual_start": at(-30, 8),
                "worksheet": "<p>Replaced the valve</p>",
            }
        )
        self.assertTrue(self.past.cost, "the visit has a cost to hide")
        self.authenticate("fs_portal_web", "fs_portal_web")
        internal = [
            "time_cost", "material_cost", "cost", "time_spent", "material_ids",
            "technician_ids", "plan_id",
            "travel_minutes", "route_sequence", "skill_ids", "earliest_start", "latest_end",
            "sale_line_id", "lead_id", "contract_id", "complaint_id", "description",
        ]  # fmt: skip
        for name in internal:
            result = self.rpc("crm.service.order", "read", [self.past.id], [name])
            self.assertIn("error", result, f"{name} read by the customer")
            self.assertIn("AccessError", result["error"]["data"]["name"], name)
            if self.env["crm.service.order"]._fields[name].type in ("one2many", "many2many"):
                continue  # searched through the comodel's own access rights (Odoo's)
            result = self.rpc("crm.service.order", "search_read", [(name, "!=", False)], ["name"])
            self.assertIn("error", result, f"{name} searched by the customer")
        [values] = self.rpc("crm.service.order", "read", [self.past.id])["result"]
        self.assertEqual(values["summary"], "Old repair")
        self.assertFalse(set(internal) & set(values), "a plain read leaves them out")
        described = self.rpc("crm.service.order", "fields_get")["result"]
        self.assertFalse(set(internal) & set(described))
        # the customer's pages still show their visit, and what was done
        page = self.url_open(f"/my/service-visits/{self.past.id}")
        self.assertEqual(page.status_code, 200)
        self.assertIn("Replaced the valve", page.text)
        self.assertIn("Old repair", self.url_open("/my/service-visits").text)

    @freeze_time("2031-01-01 08:00:00")
    def test_reschedule_note_and_window_are_bounded(self):
        self.authenticate("fs_portal_web", "fs_portal_web")

        def ask(start, end, note=""):
            return self.url_open(
                f"/my/service-visits/{self.planned.id}/reschedule",
                data={
                    "csrf_token": http.Request.csrf_token(self),
                    "start": start,
                    "end": end,
                    "note": note,
                },
            )

        page = ask("2031-01-08T13:00", "2031-01-08T17:00", "x" * 1_000_000)
        self.assertEqual(page.status_code, 200)
        self.assertIn("shorten it to 2000 characters", page.text)
        page = ask("2031-01-08T13:00", "9999-12-31T23:59")
        self.assertEqual(page.status_code, 200)
        self.assertIn("ends within 365 days", page.text)
        page = ask("2030-12-20T13:00", "2030-12-20T17:00")
        self.assertIn("in the future", page.text)
        page = ask("2031-01-08T17:00", "2031-01-08T13:00")
        self.assertIn("ends after it starts", page.text)
        self.assertFalse(self.planned.customer_note)
        self.assertFalse(self.planned.preferred_start)
        self.assertEqual(self.planned.state, "dispatched", "nothing changed")
        ask("2031-01-08T13:00", "2031-01-08T17:00", "y" * 2000)
        self.assertEqual(len(self.planned.customer_note), 2000)
        self.assertEqual(self.planned.preferred_end, at(2, 17))
