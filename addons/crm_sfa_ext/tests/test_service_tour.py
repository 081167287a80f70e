from datetime import datetime, time, timedelta

from odoo import fields
from odoo.tests import HttpCase, tagged

from .test_service_common import FieldServiceCase


@tagged("post_install", "-at_install")
class TestServiceTours(HttpCase, FieldServiceCase):
    def test_dispatcher_board(self):
        self.order("Socket repair", skills=self.electrical)
        self.order("Tap repair", partner=self.customer_two, skills=self.plumbing)
        self.order("Roof job", skills=self.roofing)
        plan = self.plan()
        self.assertEqual((plan.planned_count, plan.unplanned_count), (2, 1))
        self.start_tour(
            "/odoo/action-crm_sfa_ext.crm_service_plan_action",
            "crm_sfa_ext_field_service_dispatcher_tour",
            login="fs_dispatcher",
        )

    def test_technician_day(self):
        # the browser's today (it runs in UTC), not the test user's (ahead of UTC, the next
        # day late in the evening)
        today = fields.Date.today()
        start = datetime.combine(today, time(9))
        for n, (summary, partner) in enumerate(
            [("First stop", self.customer), ("Second stop", self.customer_two)]
        ):
            self.order(
                summary,
                partner=partner,
                technician_ids=[(6, 0, self.tech_a.ids)],
                earliest_start=False,
                latest_end=False,
                planned_start=start + timedelta(hours=2 * n),
                planned_end=start + timedelta(hours=2 * n + 1),
                route_sequence=n + 1,
                state="dispatched",
            )
        self.order(
            "Someone else's stop",
            technician_ids=[(6, 0, self.tech_b.ids)],
            earliest_start=False,
            latest_end=False,
            planned_start=start,
            planned_end=start + timedelta(hours=1),
            state="dispatched",
        )
        self.start_tour(
            "/odoo/action-crm_sfa_ext.crm_service_order_action_my_day",
            "crm_sfa_ext_field_service_technician_tour",
            login="fs_tech_a",
        )
        first = self.env["crm.service.order"].search([("summary", "=", "First stop")])
        self.assertEqual(first.state, "done")
