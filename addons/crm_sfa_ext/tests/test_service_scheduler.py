from datetime import timedelta

from odoo.tests import tagged

from .test_service_common import MONDAY, FieldServiceCase, at


@tagged("post_install", "-at_install")
class TestServiceScheduler(FieldServiceCase):
    def assertInsideWorkingHours(self, order):
        day = order.planned_start.date()
        morning = (at(day, 8), at(day, 12))
        afternoon = (at(day, 13), at(day, 17))
        self.assertTrue(
            any(
                s <= order.planned_start and order.planned_end <= e
                for s, e in (morning, afternoon)
            ),
            f"{order.summary} {order.planned_start}-{order.planned_end} outside working hours",
        )

    def test_plan_runs_in_the_background_not_in_the_request(self):
        order = self.order("Fix the lights", skills=self.electrical)
        plan = (
            self.env["crm.service.plan"]
            .with_user(self.dispatcher)
            .create({"date_from": MONDAY, "date_to": MONDAY})
        )
        cron = self.env.ref("crm_sfa_ext.ir_cron_field_service_plan")
        triggers = self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)])
        plan.action_plan()
        self.assertEqual(plan.state, "queued")
        self.assertEqual(order.state, "new", "nothing is planned inside the request")
        self.assertEqual(
            self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)]), triggers + 1
        )
        self.env["crm.service.plan"]._cron_run_plans()
        self.assertEqual(plan.state, "done")
        self.assertEqual(plan.progress, 100)
        self.assertEqual(order.state, "planned")
        self.assertEqual(order.plan_id, plan)

    def test_progress_of_a_plan_run_in_its_own_transaction_leaves_no_row(self):
        """The plan is created and run in the test's transaction, which is rolled back: its
        progress must not be committed beside it (another transaction would see it)."""
        self.order("Fix the fuse box", skills=self.electrical)
        plan = self.plan()
        query = "SELECT count(*) FROM crm_service_plan_progress WHERE plan_id = %s"
        with self.env.registry.cursor() as other:
            other.execute(query, [plan.id])
            self.assertEqual(other.fetchone()[0], 0, "no progress committed for the plan")
        self.env.cr.execute(query, [plan.id])
        self.assertEqual(self.env.cr.fetchone()[0], 0, "nor left in its transaction")
        self.assertEqual(plan.progress, 100)

    def test_skills_hours_leaves_and_appointments_are_respected(self):
        # Ali (electrical) is on leave Monday until 10:00; Bahar (plumbing) has a meeting
        # 13:00-15:00
        self.env["resource.calendar.leaves"].create(
            {
                "name": "Dentist",
                "resource_id": self.tech_a.resource_id.id,
                "calendar_id": self.calendar.id,
                "date_from": at(0, 0),
                "date_to": at(0, 10),
            }
        )
        self.env["calendar.event"].create(
            {
                "name": "Team meeting",
                "start": at(0, 13),
                "stop": at(0, 15),
                "partner_ids": [(6, 0, self.tech_user_b.partner_id.ids)],
            }
        )
        electric = [
            self.order(f"Electric {i}", skills=self.electrical, hours=1.5) for i in range(3)
        ]
        plumbing = [
            self.order(f"Plumbing {i}", partner=self.customer_two, skills=self.plumbing)
            for i in range(4)
        ]
        self.plan()
        for order in electric:
            self.assertEqual(order.state, "planned")
            self.assertEqual(order.technician_ids, self.tech_a)
            self.assertGreaterEqual(order.planned_start, at(0, 10), "not during the leave")
            self.assertInsideWorkingHours(order)
        for order in plumbing:
            self.assertEqual(order.technician_ids, self.tech_b)
            self.assertTrue(
                order.planned_end <= at(0, 13) or order.planned_start >= at(0, 15),
                "not during the meeting",
            )
            self.assertInsideWorkingHours(order)
        # a technician's visits never overlap, and each leaves time to travel
        for technician in (self.tech_a, self.tech_b):
            route = (
                self.env["crm.service.order"]
                .search([("technician_ids", "in", technician.ids)])
                .sorted("planned_start")
            )
            self.assertEqual(route.mapped("route_sequence"), list(range(1, len(route) + 1)))
            for before, after in zip(route, route[1:], strict=False):
                self.assertLessEqual(before.planned_end, after.planned_start)
            self.assertGreater(route[0].travel_minutes, 0)
            self.assertGreater(route[0].planned_start, at(0, 8), "the first trip takes time")

    def test_visit_is_never_planned_across_lunch(self):
        # one 3.5-hour visit: fits 8-12 or 13-17, never across 12-13
        order = self.order("Long job", skills=self.electrical, hours=3.5)
        self.plan()
        self.assertInsideWorkingHours(order)

    def test_unplannable_orders_get_their_reason(self):
        nowhere = self.env["res.partner"].create({"name": "No Address Ltd"})
        cases = {
            "no_location": self.order("No coordinates", partner=nowhere),
            "no_skill": self.order("Roof", skills=self.roofing),
            "crew_too_large": self.order("Big job", crew_size=3),
            "window_impossible": self.order(
                "Too tight", hours=2, earliest_start=at(0, 9), latest_end=at(0, 10)
            ),
            "too_long": self.order("Marathon", hours=6),
        }
        planned = self.order("Fine", skills=self.electrical)
        plan = self.plan()
        for reason, order in cases.items():
            self.assertEqual(order.unplanned_reason, reason, order.summary)
            self.assertEqual(order.state, "new")
            self.assertFalse(order.planned_start)
        self.assertEqual(planned.state, "planned")
        self.assertFalse(planned.unplanned_reason)
        self.assertEqual((plan.planned_count, plan.unplanned_count), (1, 5))
        self.assertEqual(
            plan.action_view_unplanned()["domain"],
            [("plan_id", "=", plan.id), ("unplanned_reason", "!=", False)],
        )

    def test_pinned_order_stays_and_the_rest_is_planned_around_it(self):
        pinned = self.order(
            "Pinned at two",
            skills=self.electrical,
            technician_ids=[(6, 0, self.tech_a.ids)],
            planned_start=at(0, 14),
            planned_end=at(0, 15),
            state="planned",
        )
        pinned.action_toggle_pin()
        others = [self.order(f"Other {i}", skills=self.electrical) for i in range(4)]
        self.plan()
        self.assertEqual(
            (pinned.planned_start, pinned.technician_ids, pinned.state),
            (at(0, 14), self.tech_a, "planned"),
        )
        self.assertTrue(pinned.route_sequence)
        for order in others:
            self.assertEqual(order.state, "planned")
            self.assertTrue(
                order.planned_end <= at(0, 14) or order.planned_start >= at(0, 15),
                f"{order.summary} overlaps the pinned visit",
            )

    def test_crew_is_planned_together_and_alone_when_a_member_is_away(self):
        crew = self.env["crm.service.crew"].create(
            {"name": "Install team", "member_ids": [(6, 0, (self.tech_a | self.tech_b).ids)]}
        )
        big = self.order("Install a boiler", crew_size=2, skills=self.electrical | self.plumbing)
        self.plan()
        self.assertEqual(big.technician_ids, crew.member_ids)
        # Tuesday Bahar is away all day: Ali works alone and the two-person job waits
        self.env["resource.calendar.leaves"].create(
            {
                "name": "Holiday",
                "resource_id": self.tech_b.resource_id.id,
                "calendar_id": self.calendar.id,
                "date_from": at(1, 0),
                "date_to": at(2, 0),
            }
        )
        tuesday_big = self.order("Second boiler", crew_size=2, day=1)
        tuesday_small = self.order("Socket", skills=self.electrical, day=1)
        self.plan(start=MONDAY + timedelta(days=1))
        self.assertEqual(tuesday_big.unplanned_reason, "crew_too_large")
        self.assertEqual(tuesday_small.technician_ids, self.tech_a)

    def test_customer_preferred_window_is_kept(self):
        wish = self.order(
            "Afternoon please",
            skills=self.electrical,
            preferred_start=at(0, 15),
            preferred_end=at(0, 17),
        )
        self.plan()
        self.assertGreaterEqual(wish.planned_start, at(0, 15))
        self.assertLessEqual(wish.planned_end, at(0, 17))

    def test_priorities_win_when_the_day_is_full(self):
        urgent = self.order("Urgent", skills=self.electrical, hours=3.5, priority="3")
        routine = [self.order(f"Routine {i}", skills=self.electrical, hours=3.5) for i in range(2)]
        self.plan()
        self.assertEqual(urgent.state, "planned")
        self.assertEqual(sorted(o.state for o in routine), ["new", "planned"])
        self.assertEqual(
            [o.unplanned_reason for o in routine if o.state == "new"], ["no_capacity"]
        )

    def test_planning_again_is_stable_and_dispatch_tells_the_customer(self):
        orders = [self.order(f"Visit {i}", skills=self.electrical) for i in range(3)]
        first = self.plan()
        routes = {o.id: o.technician_ids for o in orders}
        again = self.plan()
        self.assertEqual(routes, {o.id: o.technician_ids for o in orders})
        self.assertEqual(
            (again.planned_count, again.travel_hours), (first.planned_count, first.travel_hours)
        )
        orders[0].with_user(self.dispatcher).action_dispatch()
        self.assertEqual(orders[0].state, "dispatched")
        self.assertEqual(orders[0].customer_response, "pending")
        message = orders[0].message_ids.filtered(lambda m: "is planned" in (m.subject or ""))
        self.assertTrue(message)
        self.assertIn(self.customer, message.partner_ids | orders[0].message_partner_ids)
        self.assertIn("/my/service-visits/", message.body)

    def test_writing_the_plan_is_set_based(self):
        orders = [self.order(f"Batch {i}", skills=self.electrical, hours=0.5) for i in range(6)]
        self.order("Nowhere", partner=self.env["res.partner"].create({"name": "Lost"}))
        plan = self.env["crm.service.plan"].create({"date_from": MONDAY, "date_to": MONDAY})
        planner = self.env["crm.service.planner"]
        problem = planner._fs_problem(plan)
        from ..lib import routing

        result = routing.solve(problem.visits, problem.shifts, planner._fs_travel(self.company))
        self.env.flush_all()
        # one UPDATE for the visits, one DELETE and one INSERT for their technicians, the
        # costs computed again and the complaint remedies that count them looked up, and
        # the technicians' hourly cost when not in cache (the employees' field-service
        # fields are not prefetched: hr refuses a non-HR dispatcher the whole read when
        # they come with the employee's other fields), whatever the number of visits
        with self.assertQueryCount(8):
            planner._fs_write_plan(plan, problem, result)
            self.env.flush_all()
        self.assertTrue(all(o.state == "planned" for o in orders))
