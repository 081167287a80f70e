from datetime import date, datetime, timedelta

from freezegun import freeze_time

from odoo.tests import tagged

from .test_visit_plan import FRIDAY, MONDAY, VisitPlanCase


@tagged("post_install", "-at_install")
class TestVisitPlanRoutes(VisitPlanCase):
    """Spreading over the working days, route order and travel, customers without
    coordinates, the "not visited as planned" flag clearing, the company's calendar."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # the other salesperson works the same mornings, with no leave and no meeting
        cls.env["resource.resource"].create(
            {
                "name": "Other seller",
                "user_id": cls.other_seller.id,
                "calendar_id": cls.calendar.id,
                "tz": "UTC",
            }
        )
        cls.weekly = cls.env["crm.visit.plan.rule"].create(
            {"name": "Tier C weekly", "value_tier": "c", "interval_weeks": 1}
        )
        cls.short = cls.env["crm.visit.plan.rule"].create(
            {"name": "Tier C half hours", "value_tier": "c", "interval_weeks": 1, "duration": 0.5}
        )

    def located(self, longitudes, user=None, prefix="On the line"):
        customers = self.customers(len(longitudes), "c", user=user or self.other_seller,
                                   prefix=prefix)  # fmt: skip
        for customer, longitude in zip(customers, longitudes, strict=True):
            customer.write({"partner_latitude": 35.7, "partner_longitude": longitude})
        return customers

    def test_a_week_of_ten_visits_is_two_a_day(self):
        self.customers(10, "c", user=self.other_seller)
        plans, messages = self.env["crm.visit.plan"]._generate(
            MONDAY, FRIDAY, self.weekly, self.other_seller
        )
        self.assertEqual(messages, [])
        per_day = {}
        for line in plans.line_ids:
            per_day[line.visit_day] = per_day.get(line.visit_day, 0) + 1
        self.assertEqual(per_day, {MONDAY + timedelta(days=n): 2 for n in range(5)})
        self.assertEqual(
            sorted(plans.line_ids.mapped("visit_day")),
            sorted(line.date_start.date() for line in plans.line_ids),
        )

    def test_a_leave_day_is_skipped(self):
        self.customers(6, "c")
        plans, messages = self.env["crm.visit.plan"]._generate(
            MONDAY, FRIDAY, self.weekly, self.seller
        )
        self.assertEqual(messages, [])
        days = plans.line_ids.mapped("visit_day")
        self.assertNotIn(date(2030, 1, 8), days, "Tuesday is the seller's day off")
        # Monday keeps 2 free hours (the meeting), the other days 4: nothing piles up on one
        self.assertEqual(len(plans.line_ids), 6)
        self.assertLessEqual(max(days.count(day) for day in set(days)), 2)
        for line in plans.line_ids.filtered(lambda line: line.visit_day == MONDAY):
            self.assertGreaterEqual(
                line.date_start, datetime(2030, 1, 7, 10, 0), "after the meeting"
            )

    def test_a_day_is_visited_in_line_order_with_travel_between(self):
        # the day starts at the company's address, west of three customers on a line; they
        # are created out of order
        self.company.partner_id.write({"partner_latitude": 35.7, "partner_longitude": 51.0})
        middle, far, near = self.located([51.06, 51.09, 51.03])
        plans, messages = self.env["crm.visit.plan"]._generate(
            MONDAY, MONDAY, self.short, self.other_seller
        )
        self.assertEqual(messages, [])
        lines = plans.line_ids.sorted("sequence")
        self.assertEqual(lines.mapped("sequence"), [1, 2, 3])
        order = lines.partner_id
        self.assertIn(order, [near | middle | far, far | middle | near])
        self.assertEqual(
            list(order),
            sorted(order, key=lambda p: p.partner_longitude)
            if order[0] == near
            else sorted(order, key=lambda p: -p.partner_longitude),
        )
        self.assertTrue(all(lines.mapped("routed")))
        # about 2.7 km between neighbours: some minutes of travel, counted in the times
        for before, after in zip(lines, lines[1:], strict=False):
            self.assertGreater(after.travel_time, 0.05)
            self.assertEqual(
                after.date_start,
                before.date_end + timedelta(seconds=round(after.travel_time * 3600)),
            )
        self.assertGreaterEqual(
            lines[0].date_start,
            datetime(2030, 1, 7, 8, 0) + timedelta(seconds=round(lines[0].travel_time * 3600)),
        )
        self.assertEqual(lines.event_id.mapped("start"), lines.mapped("date_start"))

    def test_customers_without_coordinates_come_after_the_routed_ones(self):
        self.company.partner_id.write({"partner_latitude": 35.7, "partner_longitude": 51.0})
        routed = self.located([51.03, 51.06])
        lost = self.customers(1, "c", user=self.other_seller, prefix="Nowhere")
        plans, messages = self.env["crm.visit.plan"]._generate(
            MONDAY, MONDAY, self.short, self.other_seller
        )
        lines = plans.line_ids.sorted("sequence")
        self.assertEqual(lines.partner_id[:2], routed)
        self.assertEqual(
            (lines[2].partner_id, lines[2].routed, lines[2].sequence), (lost, False, 3)
        )
        self.assertEqual(lines[2].travel_time, 0)
        self.assertGreaterEqual(lines[2].date_start, lines[1].date_end)
        self.assertEqual(messages, [], "all planned")
        self.assertIn("1 customers of", plans.note)
        self.assertIn("have no coordinates", plans.note)

    def _missed(self):
        customer = self.customers(1, "a")
        plans, _messages = self.generate(self.seller)
        line = plans.line_ids
        line.write({"date_start": datetime(2020, 1, 6, 9), "date_end": datetime(2020, 1, 6, 10)})
        self.env["crm.visit.plan.line"]._cron_flag_missed()
        self.assertTrue(customer.sfa_visit_missed)
        return customer, line

    @freeze_time("2030-01-20 12:00:00")
    def test_flag_clears_when_a_later_planned_visit_is_done(self):
        customer, missed = self._missed()
        later, _messages = self.env["crm.visit.plan"]._generate(
            date(2030, 1, 14), date(2030, 1, 18), self.rules, self.seller
        )
        meeting_activity = self.env["mail.activity"].search(
            [("calendar_event_id", "=", later.line_ids.event_id.id)]
        )
        meeting_activity.with_user(self.seller).action_feedback("Visited")
        self.assertEqual(missed.state, "missed", "the missed visit stays missed in its plan")
        self.assertTrue(missed.visited_after)
        self.assertFalse(customer.sfa_visit_missed)
        self.assertFalse(
            self.env["res.partner"].search(
                [("sfa_visit_missed", "=", True), ("id", "=", customer.id)]
            )
        )

    @freeze_time("2030-01-20 12:00:00")
    def test_flag_clears_when_a_meeting_with_the_customer_is_done(self):
        customer, _missed = self._missed()
        activity = self.env["mail.activity"].create(
            {
                "res_model_id": self.env["ir.model"]._get_id("res.partner"),
                "res_id": customer.id,
                "activity_type_id": self.env.ref("mail.mail_activity_data_meeting").id,
                "user_id": self.seller.id,
                "summary": "Dropped by",
            }
        )
        # a call is not a visit
        call = activity.copy({"activity_type_id": self.env.ref("mail.mail_activity_data_call").id})
        call.action_feedback("Phoned")
        self.assertTrue(customer.sfa_visit_missed)
        activity.action_feedback("Met the buyer")
        self.assertFalse(customer.sfa_visit_missed)

    @freeze_time("2030-01-20 12:00:00")
    def test_a_visit_done_before_the_missed_flag_is_set_clears_it_at_once(self):
        customer = self.customers(1, "a")
        plans, _messages = self.generate(self.seller)
        first = plans.line_ids
        first.write({"date_start": datetime(2030, 1, 2, 9), "date_end": datetime(2030, 1, 2, 10)})
        later = first.copy(
            {
                "date_start": datetime(2030, 1, 9, 9),
                "date_end": datetime(2030, 1, 9, 10),
                "event_id": False,
                "activity_id": False,
            }
        )
        later.action_mark_done()
        self.env["crm.visit.plan.line"]._cron_flag_missed()
        self.assertEqual(first.state, "missed")
        self.assertFalse(customer.sfa_visit_missed)

    def test_a_solar_hijri_company_plans_by_its_month(self):
        company = self.env["res.company"].create(
            {"name": "Tehran branch", "country_id": self.env.ref("base.ir").id}
        )
        if "solar_hijri_periods" not in company._fields:
            self.skipTest("base_solar_hijri is not installed")
        self.assertTrue(company.solar_hijri_periods)
        env = self.env(context=dict(self.env.context, allowed_company_ids=[company.id]))
        wizard = env["crm.visit.plan.generate"].create(
            {"period": "month", "month_day": date(2026, 4, 5)}
        )
        # Farvardin 1405
        self.assertEqual(
            (wizard.date_from, wizard.date_to), (date(2026, 3, 21), date(2026, 4, 20))
        )
        rule = env["crm.visit.plan.rule"].create({"name": "Tehran", "company_id": company.id})
        plan = env["crm.visit.plan"].create(
            {"user_id": self.seller.id, "company_id": company.id, "date_from": wizard.date_from,
             "date_to": wizard.date_to, "rule_ids": [(6, 0, rule.ids)]}
        )  # fmt: skip
        self.assertIn("1405", plan.name)
        # a Gregorian company's month is the Gregorian one
        wizard = self.env["crm.visit.plan.generate"].create(
            {"period": "month", "month_day": date(2026, 4, 5)}
        )
        self.assertEqual((wizard.date_from, wizard.date_to), (date(2026, 4, 1), date(2026, 4, 30)))
