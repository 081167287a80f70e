import json
from datetime import timedelta

from odoo.exceptions import UserError
from odoo.tests import TransactionCase, tagged

from ..lib import routing
from .test_service_common import HOME, MONDAY, FieldServiceCase, at, east


@tagged("post_install", "-at_install")
class TestServicePlanSteps(FieldServiceCase):
    """A plan larger than a region is solved one region per call of the cron, committed in
    between (each call stays within a prefork cron worker's limits), and tells the
    dispatchers' screens as it goes."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tech_c = cls.technician("Cyrus Far East", cls.electrical, home=east(60))
        cls.far = cls.located_partner("Far Customer", 58)
        cls.company.fs_region_visits = 2

    def plan_changes(self):
        """The plan_changed messages sent to the dispatchers so far, as (state, progress)."""
        self.env.flush_all()
        self.env.cr.precommit.run()
        group = self.env.ref("crm_sfa_ext.group_fs_dispatcher")
        messages = (
            self.env["bus.bus"]
            .sudo()
            .search([("message", "like", "crm_sfa_ext.plan_changed")], order="id")
        )
        result = []
        for bus in messages:
            channel = json.loads(bus.channel)
            self.assertEqual(channel[1:], ["res.groups", group.id], "to the dispatchers only")
            payload = json.loads(bus.message)["payload"]
            result.append((payload["id"], payload["state"]))
        return result

    def test_a_plan_of_two_regions_is_solved_in_two_cron_steps(self):
        near = [self.order(f"Near {n}", skills=self.electrical) for n in (1, 2)]
        far = [self.order(f"Far {n}", partner=self.far, skills=self.electrical) for n in (1, 2)]
        plan = (
            self.env["crm.service.plan"]
            .with_user(self.dispatcher)
            .create({"date_from": MONDAY, "date_to": MONDAY})
        )
        plan.action_plan()
        cron = self.env.ref("crm_sfa_ext.ir_cron_field_service_plan")
        Trigger = self.env["ir.cron.trigger"]
        triggers = Trigger.search_count([("cron_id", "=", cron.id)])

        self.env["crm.service.plan"]._cron_run_plans()
        self.assertEqual(plan.state, "running")
        self.assertEqual(plan.progress, 50, "one region of two done")
        self.assertEqual(set(near[0].technician_ids | near[1].technician_ids), {self.tech_a})
        self.assertEqual({o.state for o in near}, {"planned"})
        self.assertEqual({o.state for o in far}, {"new"}, "the far region waits its step")
        self.assertEqual(
            Trigger.search_count([("cron_id", "=", cron.id)]),
            triggers + 1,
            "the cron is called again for the next step",
        )
        self.assertEqual(self.plan_changes(), [(plan.id, "running")])
        with self.assertRaises(UserError):
            plan.action_plan()

        self.env["crm.service.plan"]._cron_run_plans()
        self.assertEqual(plan.state, "done", plan.message)
        self.assertEqual(plan.progress, 100)
        self.assertEqual((plan.order_count, plan.planned_count, plan.unplanned_count), (4, 4, 0))
        self.assertEqual({o.state for o in far}, {"planned"})
        self.assertEqual(far[0].technician_ids | far[1].technician_ids, self.tech_c)
        self.assertEqual({o.plan_id for o in near + far}, {plan})
        self.assertIn("2 steps", plan.message)
        # both regions' travel summed: 2 x 5 km near home, 2 x 2 km far east, x 1.3 at 40 km/h
        self.assertAlmostEqual(plan.travel_hours, 14 * 1.3 / 40, delta=0.02)
        self.assertEqual(self.plan_changes(), [(plan.id, "running"), (plan.id, "done")])

    def test_a_region_without_room_hands_its_visits_to_the_next(self):
        """Seven and a half hours of visits near home for the one electrician there (two
        fit in a morning, two in an afternoon): what the near region cannot take is carried
        to the far technician's step."""
        self.company.fs_region_visits = 3
        near = [self.order(f"Near {n}", skills=self.electrical, hours=1.5) for n in range(5)]
        self.order("Far", partner=self.far, skills=self.electrical)
        plan = self.plan()
        self.assertEqual(plan.unplanned_count, 0, plan.message)
        self.assertEqual(plan.planned_count, 6)
        by_far = [o for o in near if o.technician_ids == self.tech_c]
        self.assertEqual(len(by_far), 1, "the overflow went to the next region")
        self.assertIn("2 steps", plan.message)

    def test_a_plan_longer_than_a_week_is_solved_a_day_per_step(self):
        """Nine days, Monday to the next Tuesday: seven working days, one cron step each; a
        visit whose window is the second Tuesday waits for its day's step, one that no day
        had room for ends with its reason."""
        self.company.fs_region_visits = 0
        first = self.order("Monday's", skills=self.electrical)
        last = self.order("Next Tuesday's", skills=self.electrical, day=8)
        late = self.order(
            "Too long for any day", skills=self.electrical, hours=5, earliest_start=at(0, 0)
        )
        late.latest_end = at(8, 23, 59)
        plan = self.plan(days=9)
        self.assertIn("7 steps", plan.message)
        self.assertEqual((first.state, last.state), ("planned", "planned"))
        self.assertEqual(last.planned_start.date(), at(8, 0).date())
        self.assertEqual(late.unplanned_reason, "too_long")
        self.assertEqual((plan.planned_count, plan.unplanned_count), (2, 1))

    def plan(self, days=1, start=MONDAY, **vals):
        plan = (
            self.env["crm.service.plan"]
            .with_user(self.dispatcher)
            .create({"date_from": start, "date_to": start + timedelta(days=days - 1), **vals})
        )
        plan.action_plan()
        for _step in range(10):
            if plan.state not in ("queued", "running"):
                break
            self.env["crm.service.plan"]._cron_run_plans()
        self.assertEqual(plan.state, "done", plan.message)
        return plan


@tagged("post_install", "-at_install")
class TestServicePlanProgress(TransactionCase):
    def test_a_solve_reports_progress_after_each_round_not_only_at_the_end(self):
        """A week or less is one solve: its rounds (preferred windows, widened, whole) each
        report, so the plan's progress moves while it runs."""
        hour = 3600
        shift = routing.Shift(1, "tech", *HOME, 8 * hour, 17 * hour)
        visits = [
            routing.Visit(1, *east(20), hour, windows=((8 * hour, 10 * hour),), priority=3),
            routing.Visit(
                2,
                *east(-20),
                hour,
                windows=((8 * hour, 17 * hour),),
                preferred=((8 * hour, 10 * hour),),
            ),
        ]
        reports = []
        routing.solve(
            visits,
            [shift],
            exploration_level=1,
            on_progress=lambda done, total: reports.append(done / total),
        )
        self.assertGreater(len(reports), 2)
        self.assertLess(reports[0], 1, "the first report comes before the end")
        self.assertEqual(reports, sorted(reports))
        self.assertEqual(reports[-1], 1)
