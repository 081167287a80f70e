import json
from datetime import timedelta

from odoo.exceptions import UserError
from odoo.tests import TransactionCase, tagged

from ..lib import routing
from .test_service_common import HOME, MONDAY, FieldServiceCase, at, east


@tagged("post_install", "-at_install")
class TestServicePlanSteps(FieldServiceCase):
    """A plan larger than a region is solved in regions, two side by side (one per chain of
    regions) per call of the cron, committed in between (each call stays within a prefork
    cron worker's limits), and tells the dispatchers' screens as it goes."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tech_c = cls.technician("Cyrus Far East", cls.electrical, home=east(60))
        cls.tech_d = cls.technician("Dara Far West", cls.electrical, home=east(-60))
        cls.far = cls.located_partner("Far Customer", 58)
        cls.west = cls.located_partner("Far West Customer", -58)
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

    def test_a_plan_of_three_regions_is_solved_in_two_cron_steps(self):
        """Three regions (west, home, east): the two far ones make the first step side by
        side (two chains), the home region, the larger (two technicians), the second."""
        near = [self.order(f"Near {n}", skills=self.electrical) for n in (1, 2)]
        far = [self.order(f"Far {n}", partner=self.far, skills=self.electrical) for n in (1, 2)]
        west = [self.order(f"West {n}", partner=self.west, skills=self.electrical) for n in (1, 2)]
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
        self.assertEqual(plan.progress, 50, "one step of two done")
        self.assertEqual({o.state for o in far + west}, {"planned"})
        self.assertEqual(far[0].technician_ids | far[1].technician_ids, self.tech_c)
        self.assertEqual(west[0].technician_ids | west[1].technician_ids, self.tech_d)
        self.assertEqual({o.state for o in near}, {"new"}, "the home region waits its step")
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
        self.assertEqual((plan.order_count, plan.planned_count, plan.unplanned_count), (6, 6, 0))
        self.assertEqual({o.state for o in near}, {"planned"})
        self.assertEqual(set(near[0].technician_ids | near[1].technician_ids), {self.tech_a})
        self.assertEqual({o.plan_id for o in near + far + west}, {plan})
        self.assertIn("2 steps", plan.message)
        # the regions' travel summed: 2 x 5 km near home, 2 x 2 km far east and far west,
        # x 1.3 at 40 km/h
        self.assertAlmostEqual(plan.travel_hours, 18 * 1.3 / 40, delta=0.02)
        self.assertEqual(self.plan_changes(), [(plan.id, "running"), (plan.id, "done")])

    def test_a_region_without_room_hands_its_visits_to_the_next(self):
        """Seven and a half hours of visits near home for the one electrician there (two
        fit in a morning, two in an afternoon), two visits in each far region: the west and
        home regions are one chain (two steps), the east region the other (the first step).
        What the home region cannot take, at the end of its chain, goes where a route of
        the earlier step still has room: the far east technician's day."""
        self.company.fs_region_visits = 3
        near = [self.order(f"Near {n}", skills=self.electrical, hours=1.5) for n in range(5)]
        self.order("Far", partner=self.far, skills=self.electrical)
        self.order("West", partner=self.west, skills=self.electrical)
        self.order("Far again", partner=self.far, skills=self.electrical)
        self.order("West again", partner=self.west, skills=self.electrical)
        plan = self.plan()
        self.assertEqual(plan.unplanned_count, 0, plan.message)
        self.assertEqual(plan.planned_count, 9)
        overflow = [o for o in near if o.technician_ids != self.tech_a]
        self.assertEqual([o.technician_ids for o in overflow], [self.tech_c])
        self.assertIn("2 steps", plan.message)

    def test_the_overflow_at_the_end_of_both_chains_is_inserted_where_there_is_room(self):
        """Two regions, one per chain, solved in one step: the home region's overflow has
        no next region; it goes where a route solved in the step still has room (the far
        technician's day), no solve needed."""
        self.company.fs_region_visits = 3
        near = [self.order(f"Near {n}", skills=self.electrical, hours=1.5) for n in range(5)]
        self.order("Far", partner=self.far, skills=self.electrical)
        self.tech_d.fs_is_technician = False
        plan = self.plan()
        self.assertEqual((plan.planned_count, plan.unplanned_count), (6, 0), plan.message)
        self.assertEqual(len([o for o in near if o.technician_ids == self.tech_c]), 1)
        self.assertNotIn("steps", plan.message or "")

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
