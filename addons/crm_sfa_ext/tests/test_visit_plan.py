from datetime import date, datetime

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged

from .common import SfaCase

MONDAY = date(2030, 1, 7)
FRIDAY = date(2030, 1, 11)


class VisitPlanCase(SfaCase):
    """The seller works 08:00-12:00 (UTC) Monday to Friday: 20 one-hour slots in the week of
    7 January 2030. A meeting holds Monday 08:00-10:00 and Tuesday is a day off."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.calendar = cls.env["resource.calendar"].create(
            {
                "name": "Mornings",
                "tz": "UTC",
                "attendance_ids": [
                    (0, 0, {"name": f"Day {day}", "dayofweek": str(day), "hour_from": 8,
                            "hour_to": 12, "day_period": "morning"})
                    for day in range(5)
                ],
            }
        )  # fmt: skip
        cls.resource = cls.env["resource.resource"].create(
            {
                "name": "Seller",
                "user_id": cls.seller.id,
                "calendar_id": cls.calendar.id,
                "tz": "UTC",
            }
        )
        cls.env["resource.calendar.leaves"].create(
            {
                "name": "Day off",
                "resource_id": cls.resource.id,
                "calendar_id": cls.calendar.id,
                "date_from": datetime(2030, 1, 8, 0, 0),
                "date_to": datetime(2030, 1, 8, 23, 59),
            }
        )
        cls.env["calendar.event"].create(
            {
                "name": "Team meeting",
                "start": datetime(2030, 1, 7, 8, 0),
                "stop": datetime(2030, 1, 7, 10, 0),
                "user_id": cls.seller.id,
                "partner_ids": [(6, 0, cls.seller.partner_id.ids)],
            }
        )
        cls.rule_a = cls.env["crm.visit.plan.rule"].create(
            {"name": "Tier A weekly", "sequence": 1, "value_tier": "a", "interval_weeks": 1}
        )
        cls.rule_b = cls.env["crm.visit.plan.rule"].create(
            {"name": "Tier B weekly", "sequence": 2, "value_tier": "b", "interval_weeks": 1,
             "visit_type": "activity"}
        )  # fmt: skip
        cls.rules = cls.rule_a | cls.rule_b

    @classmethod
    def customers(cls, count, tier, user=None, prefix="Visited"):
        partners = cls.env["res.partner"].create(
            [
                {
                    "name": f"{prefix} {tier} {i}",
                    "is_company": True,
                    "user_id": (user or cls.seller).id,
                }
                for i in range(count)
            ]
        )
        partners.sudo().write({"crm_value_tier": tier})
        return partners

    def generate(self, users=None, rules=None):
        return self.env["crm.visit.plan"]._generate(MONDAY, FRIDAY, rules or self.rules, users)


@tagged("post_install", "-at_install")
class TestVisitPlan(VisitPlanCase):
    def test_visits_in_working_hours_around_meetings_and_leaves(self):
        tier_a = self.customers(3, "a")
        tier_b = self.customers(1, "b")
        plans, messages = self.generate(self.seller)
        self.assertEqual(messages, [])
        self.assertEqual(len(plans), 1)
        lines = plans.line_ids.sorted("date_start")
        self.assertEqual(
            [(line.partner_id, line.date_start) for line in lines],
            # spread over the working days, one a day (Monday from 10:00, after the
            # meeting; Tuesday is off), not first-fit into Monday and Wednesday
            [
                (tier_a[0], datetime(2030, 1, 7, 10, 0)),
                (tier_a[1], datetime(2030, 1, 9, 8, 0)),
                (tier_a[2], datetime(2030, 1, 10, 8, 0)),
                (tier_b, datetime(2030, 1, 11, 8, 0)),
            ],
        )
        # tier A as meetings with the customer, tier B as an activity on the customer
        self.assertEqual(lines[:3].event_id.mapped("partner_ids"), tier_a | self.seller.partner_id)
        self.assertEqual(lines[:3].mapped("event_id.user_id"), self.seller)
        self.assertEqual(lines[3].activity_id.res_id, tier_b.id)
        self.assertEqual(lines[3].activity_id.date_deadline, date(2030, 1, 11))
        self.assertEqual(plans.planned_count, 4)

    def test_too_many_visits_plans_what_fits(self):
        self.customers(25, "a")
        plans, messages = self.generate(self.seller)
        # 20 morning hours less the 2-hour meeting and the 4-hour day off
        self.assertEqual(len(plans.line_ids), 14)
        self.assertEqual(len(messages), 1)
        self.assertIn("asks for 25 visits", messages[0])
        self.assertIn("14 planned, 11 left out", messages[0])
        self.assertTrue(plans.note.startswith(messages[0]))
        starts = sorted(plans.line_ids.mapped("date_start"))
        self.assertEqual(len(set(starts)), 14, "never two visits at once")
        self.assertFalse([start for start in starts if start.day == 8], "nothing on the day off")

    def test_every_other_week(self):
        rule = self.env["crm.visit.plan.rule"].create(
            {"name": "Fortnightly", "value_tier": "c", "interval_weeks": 2}
        )
        customers = self.customers(4, "c")
        plans, _messages = self.env["crm.visit.plan"]._generate(
            MONDAY, date(2030, 1, 20), rule, self.seller
        )
        # each customer once in the two weeks, spread over both
        self.assertEqual(plans.line_ids.partner_id, customers)
        weeks = [line.date_start.isocalendar()[1] for line in plans.line_ids]
        self.assertEqual(sorted(weeks), [2, 2, 3, 3])

    def test_salesperson_without_calendar(self):
        self.customers(2, "a", user=self.other_seller, prefix="Uncalendared")
        self.customers(1, "a")
        plans, messages = self.generate(self.seller | self.other_seller)
        self.assertEqual(plans.user_id, self.seller)
        self.assertEqual(len(messages), 1)
        self.assertIn(f"{self.other_seller.name} has no working hours", messages[0])

    def test_no_double_plan(self):
        self.customers(2, "a")
        plans, _messages = self.generate(self.seller)
        again, messages = self.generate(self.seller)
        self.assertFalse(again)
        self.assertIn("already has the plan", messages[0])
        self.assertEqual(len(plans.line_ids), 2)

    def test_bad_input(self):
        with self.assertRaisesText(UserError, "ends before it starts"):
            self.env["crm.visit.plan"]._generate(FRIDAY, MONDAY, self.rules, self.seller)
        with self.assertRaisesText(ValidationError, "at least 1"):
            self.rule_a.interval_weeks = 0
        with self.assertRaisesText(ValidationError, "not a valid filter"):
            self.rule_b.partner_domain = "[('no_such_field', '=', 1)]"

    def test_done_missed_and_flagged(self):
        tier_a = self.customers(2, "a")
        tier_b = self.customers(1, "b")
        plans, _messages = self.generate(self.seller)
        by_partner = {line.partner_id: line for line in plans.line_ids}
        # the meeting's activity on the customer is marked done: the visit is done
        meeting_activity = self.env["mail.activity"].search(
            [("calendar_event_id", "=", by_partner[tier_a[0]].event_id.id)]
        )
        meeting_activity.action_feedback("Visited")
        by_partner[tier_b].activity_id.action_feedback("Visited")
        self.assertEqual(by_partner[tier_a[0]].state, "done")
        self.assertEqual(by_partner[tier_b].state, "done")
        # the other visit's slot is moved into the past, and nobody went
        by_partner[tier_a[1]].write(
            {"date_start": datetime(2020, 1, 6, 9), "date_end": datetime(2020, 1, 6, 10)}
        )
        self.env["crm.visit.plan.line"]._cron_flag_missed()
        self.assertEqual(by_partner[tier_a[1]].state, "missed")
        self.assertTrue(tier_a[1].sfa_visit_missed)
        self.assertFalse(tier_a[0].sfa_visit_missed)
        self.assertEqual(
            self.env["res.partner"].search([("sfa_visit_missed", "=", True)]), tier_a[1]
        )
        self.assertEqual((plans.done_count, plans.missed_count), (2, 1))
        self.assertAlmostEqual(plans.completion, 200 / 3)

    def test_wizard_and_security(self):
        self.customers(1, "a")
        wizard = (
            self.env["crm.visit.plan.generate"]
            .with_user(self.manager)
            .create(
                {
                    "date_from": MONDAY,
                    "date_to": FRIDAY,
                    "rule_ids": [(6, 0, self.rules.ids)],
                    "user_ids": [(6, 0, self.seller.ids)],
                }
            )
        )
        cron = self.env.ref("crm_sfa_ext.ir_cron_crm_visit_plan_fill")
        triggers = self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)])
        wizard.action_generate()
        self.assertIn("1 plans queued", wizard.result)
        plan = wizard.plan_ids
        # the visits are planned in the background, not in the request
        self.assertEqual((plan.state, plan.planned_count), ("queued", 0))
        self.assertEqual(
            self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)]), triggers + 1
        )
        self.env["crm.visit.plan"]._cron_fill_plans()
        self.assertEqual((plan.state, plan.planned_count), ("done", 1))
        self.assertEqual(plan.with_user(self.seller).line_ids.partner_id.name, "Visited a 0")
        with self.assertRaises(AccessError):
            plan.with_user(self.other_seller).read(["name"])
        with self.assertRaises(AccessError):
            self.env["crm.visit.plan.generate"].with_user(self.seller).create({})
        # the salesperson marks their own visit done from the meeting
        plan.line_ids.event_id.with_user(self.seller).action_sfa_visit_done()
        self.assertEqual(plan.line_ids.state, "done")

    def test_meetings_and_activities_are_made_as_odoo_makes_them_without_emails(self):
        tier_a = self.customers(2, "a")
        tier_b = self.customers(1, "b")
        (tier_a | tier_b).write({"email": "buyer@example.com"})
        mails = self.env["mail.mail"].search_count([])
        plans, _messages = self.generate(self.seller)
        self.env.flush_all()
        by_partner = {line.partner_id: line for line in plans.line_ids}
        for customer in tier_a:
            event = by_partner[customer].event_id
            self.assertEqual(
                {attendee.partner_id: attendee.state for attendee in event.attendee_ids},
                {self.seller.partner_id: "accepted", customer: "needsAction"},
            )
            self.assertEqual(event.duration, 1.0)
            # the calendar's own followers and the meeting's activity on the customer
            self.assertIn(customer, event.message_partner_ids)
            self.assertEqual(
                (event.activity_ids.res_id, event.activity_ids.user_id),
                (customer.id, self.seller),
            )
        activity = by_partner[tier_b].activity_id
        self.assertEqual((activity.res_model, activity.user_id), ("res.partner", self.seller))
        self.assertIn(self.seller.partner_id, tier_b.message_partner_ids)
        self.assertEqual(
            self.env["mail.mail"].search_count([]), mails, "no invitation nor notice emailed"
        )

    def test_background_plans_are_filled_a_batch_at_a_time_and_once(self):
        sellers = self.seller
        for i in range(11):
            seller = new_test_user(
                self.env, f"batch_seller_{i}", groups="crm_sfa_ext.group_crm_sfa_ext_user"
            )
            self.env["resource.resource"].create(
                {"name": seller.name, "user_id": seller.id, "calendar_id": self.calendar.id}
            )
            self.customers(1, "a", user=seller, prefix=f"Batch {i}")
            sellers |= seller
        self.customers(1, "a")
        Plan = self.env["crm.visit.plan"]
        plans, messages = Plan._generate(MONDAY, FRIDAY, self.rules, sellers, background=True)
        self.assertEqual((len(plans), messages), (12, []))
        self.assertEqual(set(plans.mapped("state")), {"queued"})
        Plan._cron_fill_plans()
        self.assertEqual(len(plans.filtered(lambda plan: plan.state == "done")), 10)
        Plan._cron_fill_plans()
        Plan._cron_fill_plans()
        self.assertEqual(set(plans.mapped("state")), {"done"})
        self.assertEqual(len(plans.line_ids), 12, "one visit each, none twice")
        # asked again for the same days: refused, the plans are there
        again, messages = Plan._generate(MONDAY, FRIDAY, self.rules, sellers, background=True)
        self.assertFalse(again)
        self.assertEqual(len(messages), 12)

    def test_colleagues_are_not_customers(self):
        colleague = self.other_seller.partner_id
        colleague.write({"user_id": self.seller.id, "is_company": True})
        colleague.sudo().write({"crm_value_tier": "a"})
        self.seller.partner_id.write({"user_id": self.seller.id})
        self.seller.partner_id.sudo().write({"crm_value_tier": "a"})
        branch = self.env["res.company"].create({"name": "Our branch"})
        branch.partner_id.write({"user_id": self.seller.id})
        branch.partner_id.sudo().with_company(self.company).write({"crm_value_tier": "a"})
        customer = self.customers(1, "a")
        plans, _messages = self.generate(self.seller)
        self.assertEqual(plans.line_ids.partner_id, customer)
