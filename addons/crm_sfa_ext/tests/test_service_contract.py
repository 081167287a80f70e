from datetime import timedelta

from dateutil.relativedelta import relativedelta
from freezegun import freeze_time

from odoo import fields
from odoo.tests import tagged

from .test_service_common import FieldServiceCase, at


@tagged("post_install", "-at_install")
@freeze_time("2027-12-31 10:00:00")
class TestServiceContract(FieldServiceCase):
    """Contracts start today: the last day of a month and of a year, on a frozen clock (the
    dates generated never depend on the day the tests run)."""

    def contract(self, **vals):
        return self.env["crm.service.contract"].create(
            {
                "name": "Boiler care",
                "partner_id": self.customer.id,
                "type_id": self.service_type.id,
                "interval_number": 1,
                "interval_unit": "months",
                "horizon_days": 70,
                "date_start": self.today,
                **vals,
            }
        )

    def setUp(self):
        super().setUp()
        self.today = fields.Date.context_today(self.env["crm.service.contract"])

    def test_generates_ahead_with_windows_and_only_once(self):
        contract = self.contract()
        contract.action_generate()
        dues = contract.order_ids.sorted("due_date").mapped("due_date")
        self.assertEqual(dues, [self.today + relativedelta(months=m) for m in range(3)])
        first = contract.order_ids.sorted("due_date")[0]
        self.assertEqual(first.earliest_start, at(self.today - timedelta(days=3), 0))
        self.assertEqual(first.latest_end, at(self.today + timedelta(days=4), 0))
        self.assertEqual((first.origin, first.type_id), ("contract", self.service_type))
        contract.action_generate()
        self.env["crm.service.contract"]._cron_generate_orders()
        self.env["crm.service.contract"]._cron_generate_orders()
        self.assertEqual(len(contract.order_ids), 3, "running again creates nothing twice")

    def test_a_visit_done_late_moves_the_next_ones(self):
        contract = self.contract()
        contract.action_generate()
        first, second, third = contract.order_ids.sorted("due_date")
        late = at(self.today + timedelta(days=12), 15)
        first.write(
            {
                "technician_ids": [(6, 0, self.tech_a.ids)],
                "planned_start": late - timedelta(hours=1),
                "planned_end": late,
                "state": "in_progress",
            }
        )
        first.write({"actual_start": late - timedelta(hours=1), "actual_end": late})
        first.action_done()
        done_day = late.date()
        self.assertEqual(second.due_date, done_day + relativedelta(months=1))
        self.assertEqual(third.due_date, done_day + relativedelta(months=2))
        self.assertEqual(second.earliest_start, at(second.due_date - timedelta(days=3), 0))
        self.assertEqual(contract.next_due_date, done_day + relativedelta(months=1))

    def test_a_dispatched_visit_moved_moves_the_next_ones(self):
        contract = self.contract(interval_unit="weeks", interval_number=2, horizon_days=30)
        contract.action_generate()
        first, second = contract.order_ids.sorted("due_date")[:2]
        first.write(
            {
                "technician_ids": [(6, 0, self.tech_a.ids)],
                "planned_start": at(self.today, 9),
                "planned_end": at(self.today, 10),
                "state": "dispatched",
            }
        )
        moved = at(self.today + timedelta(days=5), 9)
        first.write({"planned_start": moved, "planned_end": moved + timedelta(hours=1)})
        self.assertEqual(second.due_date, moved.date() + timedelta(weeks=2))

    def test_no_context_key_stops_the_contract_following_its_visits(self):
        contract = self.contract(interval_unit="weeks", interval_number=2, horizon_days=30)
        contract.action_generate()
        first, second = contract.order_ids.sorted("due_date")[:2]
        first.write(
            {
                "technician_ids": [(6, 0, self.tech_a.ids)],
                "planned_start": at(self.today, 9),
                "planned_end": at(self.today, 10),
                "state": "dispatched",
            }
        )
        moved = at(self.today + timedelta(days=5), 9)
        first.with_user(self.dispatcher).with_context(fs_no_follow=True).write(
            {"planned_start": moved, "planned_end": moved + timedelta(hours=1)}
        )
        self.assertEqual(second.due_date, moved.date() + timedelta(weeks=2))

    def test_frequency_by_value_tier(self):
        self.company.write({"fs_tier_a_months": 1, "fs_tier_c_months": 6})
        self.customer.with_company(self.company).crm_value_tier = "a"
        gold = self.contract(frequency="value_tier", horizon_days=65)
        gold.action_generate()
        self.assertEqual(len(gold.order_ids), 3)
        small = self.located_partner("Small shop", 3)
        small.with_company(self.company).crm_value_tier = "c"
        rare = self.contract(frequency="value_tier", partner_id=small.id, horizon_days=200)
        rare.action_generate()
        self.assertEqual(
            rare.order_ids.sorted("due_date").mapped("due_date"),
            [self.today, self.today + relativedelta(months=6)],
        )

    def test_contract_ends(self):
        contract = self.contract(date_end=self.today + timedelta(days=40))
        contract.action_generate()
        self.assertEqual(len(contract.order_ids), 2)
