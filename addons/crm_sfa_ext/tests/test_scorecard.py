from datetime import date, datetime, timedelta

from freezegun import freeze_time

from odoo.tests import tagged

from .common import SfaCase
from .test_service_common import FieldServiceCase, at


@tagged("post_install", "-at_install")
@freeze_time("2028-02-29 10:00:00")
class TestScorecardForecast(SfaCase):
    """The scorecard's forecast accuracy: that of the month's salespeople's snapshots."""

    def test_forecast_accuracy_reconciles_with_the_snapshots(self):
        deal = self.opportunity(100000, 50, "commit")
        self.opportunity(30000, 60).action_set_won()
        Snapshot = self.env["crm.forecast.snapshot"]
        Snapshot._take("month", self.today)
        deal.action_set_won()
        Snapshot._update_actuals()
        scorecard = self.env["crm.scorecard"]
        scorecard._compute_months(self.env.company, [date(2028, 2, 1)])
        row = scorecard.search(
            [("company_id", "=", self.env.company.id), ("month", "=", date(2028, 2, 1))]
        )
        [(accuracy,)] = Snapshot._read_group(
            [
                ("company_id", "=", self.env.company.id),
                ("period_type", "=", "month"),
                ("date_from", "=", date(2028, 2, 1)),
                ("user_id", "!=", False),
            ],
            [],
            ["accuracy:avg"],
        )
        self.assertTrue(accuracy)
        self.assertAlmostEqual(row.forecast_accuracy, accuracy)
        mine = Snapshot.search([("user_id", "=", self.seller.id), ("period_type", "=", "month")])
        # 130,000 won against 80,000 weighted (50% of 100,000 and the 30,000 won)
        self.assertAlmostEqual(mine.accuracy, 100 * (1 - 50000 / 130000), places=2)


@tagged("post_install", "-at_install")
class TestScorecardFieldService(FieldServiceCase):
    """The scorecard's field service on a known January 2031: two technicians working 8 hours
    each weekday (23 weekdays, New Year's Day a public holiday, Bahar off on the 20th), four
    visits done (one a recurring contract's), one of them back at a site fixed ten days
    before and arriving three quarters of an hour after its window."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.fs_arrival_window_minutes = 60
        cls.env["resource.calendar.leaves"].create(
            [
                {
                    "name": "New Year",
                    "calendar_id": cls.calendar.id,
                    "date_from": datetime(2031, 1, 1, 0, 0),
                    "date_to": datetime(2031, 1, 1, 23, 59),
                },
                {
                    "name": "Bahar's day off",
                    "resource_id": cls.tech_b.resource_id.id,
                    "calendar_id": cls.calendar.id,
                    "date_from": datetime(2031, 1, 20, 0, 0),
                    "date_to": datetime(2031, 1, 20, 23, 59),
                },
            ]
        )
        repair, site_one, site_two = cls.service_type, cls.customer, cls.customer_two

        def done(day, hours, technician, partner, travel=0, late=0, **values):
            start = at(day, 9)
            return cls.order(
                f"Done on {day}",
                partner=partner,
                hours=hours,
                day=day,
                technician_ids=[(6, 0, technician.ids)],
                planned_start=start,
                planned_arrival=start,
                actual_start=start + timedelta(minutes=late),
                actual_end=start + timedelta(minutes=late, hours=hours),
                travel_minutes=travel,
                state="done",
                **values,
            )

        cls.fixed_twice = done(date(2031, 1, 7), 2, cls.tech_a, site_one, 20, type_id=repair.id)
        cls.back = done(date(2031, 1, 17), 1, cls.tech_a, site_one, 20, 75, type_id=repair.id)
        done(date(2031, 1, 10), 3, cls.tech_b, site_two, 40)
        done(date(2031, 1, 24), 2, cls.tech_b, site_two, origin="contract")
        # outside January, or not a revisit: a visit done in February (35 days after the
        # last at that site), a cancelled one
        done(date(2031, 2, 14), 1, cls.tech_a, site_two, 15)
        cls.order("Cancelled", partner=site_two, state="cancelled", day=9, planned_start=at(9, 9))
        cls.Scorecard = cls.env["crm.scorecard"]

    def row(self, month):
        return self.Scorecard.search([("company_id", "=", self.company.id), ("month", "=", month)])

    def test_field_service_of_a_known_month(self):
        self.Scorecard._compute_months(self.company, [date(2031, 1, 1), date(2031, 2, 1)])
        january = self.row(date(2031, 1, 1))
        self.assertEqual(january.fs_visits_done, 4)
        # three visits that are not a contract's, one of them visited again 10 days later
        self.assertAlmostEqual(january.fs_first_time_fix_rate, 200 / 3, places=4)
        self.assertAlmostEqual(january.fs_travel_per_visit, (20 + 20 + 40 + 0) / 4)
        # 8 hours on site over 22 working days of two technicians less Bahar's day off
        self.assertAlmostEqual(january.fs_utilisation, 100 * 8 / (22 * 8 * 2 - 8), places=4)
        self.assertAlmostEqual(january.fs_late_rate, 25.0)
        # arrived at 10:15, the window told was 8:30 to 9:30
        self.assertAlmostEqual(january.fs_late_minutes, 45.0)
        february = self.row(date(2031, 2, 1))
        self.assertEqual(february.fs_visits_done, 1)
        self.assertEqual(february.fs_late_rate, 0.0)
        self.assertFalse(february.fs_late_minutes)

    def test_field_service_reconciles_with_the_dashboard(self):
        """Visits done and travel per visit as the Field Service dashboard's pivots count
        them (the visits done, grouped by the month of their start)."""
        self.Scorecard._compute_months(self.company, [date(2031, 1, 1)])
        [(count, travel)] = self.env["crm.service.order"]._read_group(
            [
                ("state", "=", "done"),
                ("company_id", "=", self.company.id),
                ("actual_start", ">=", "2031-01-01"),
                ("actual_start", "<", "2031-02-01"),
            ],
            [],
            ["__count", "travel_minutes:sum"],
        )
        january = self.row(date(2031, 1, 1))
        self.assertEqual(january.fs_visits_done, count)
        self.assertAlmostEqual(january.fs_travel_per_visit, travel / count)

    def test_a_solar_hijri_company_counts_its_own_months(self):
        if "solar_hijri_periods" not in self.company._fields:
            self.skipTest("base_solar_hijri is not installed")
        self.company.solar_hijri_periods = True
        months = self.Scorecard._months_to(date(2031, 1, 24), 2, self.company)
        # Dey 1409 (22 December 2030 to 20 January 2031) and Bahman 1409
        self.assertEqual(months, [date(2030, 12, 22), date(2031, 1, 21)])
        self.Scorecard._compute_months(self.company, months)
        dey, bahman = self.row(months[0]), self.row(months[1])
        # Bahman holds the contract's visit of 24 January and the visit of 14 February
        self.assertEqual((dey.fs_visits_done, bahman.fs_visits_done), (3, 2))
        self.assertEqual(bahman.fs_first_time_fix_rate, 100.0)
        self.assertAlmostEqual(dey.fs_late_rate, 100 / 3, places=4)
        self.assertAlmostEqual(dey.fs_first_time_fix_rate, 200 / 3, places=4)
