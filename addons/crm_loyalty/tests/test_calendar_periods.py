from datetime import date

from odoo.tests import freeze_time, tagged

from .common import LoyaltyCase


@tagged("post_install", "-at_install")
class TestCalendarPeriods(LoyaltyCase):
    """Expiry months, the qualifying window, the grace period and the tier review dates
    follow the company's calendar: Solar Hijri months for a company on that calendar
    (31 Shahrivar plus one month is 30 Mehr; a yearly review on 1 Farvardin), Gregorian
    months otherwise."""

    def set_calendar(self, solar_hijri):
        if "solar_hijri_periods" not in self.company._fields:
            if solar_hijri:
                self.skipTest("the Solar Hijri calendar addon is not installed")
            return
        self.company.solar_hijri_periods = solar_hijri
        self.assertEqual(self.program.company_id, self.company)

    def add_tiers(self):
        self.env["crm.loyalty.tier"].create(
            [
                {"name": "Bronze", "program_id": self.program.id, "qualify_from": 0},
                {"name": "Gold", "program_id": self.program.id, "qualify_from": 1000},
            ]
        )

    def test_points_expire_in_solar_hijri_months(self):
        self.set_calendar(True)
        self.program.crm_expiry_months = 1
        with freeze_time("2026-09-22 09:00:00"):  # 31 Shahrivar 1405
            self.order(amount=100)
            earned = self.lines(self.card(), "earn")
        self.assertEqual(earned.crm_expiry_date, date(2026, 10, 22), "30 Mehr 1405")
        # 30 Bahman 1404 + 1 month: 29 Esfand (1404 is not a leap year), not 19 March
        self.assertEqual(self.program._crm_expiry_date(date(2026, 2, 19)), date(2026, 3, 20))
        self.program.crm_expiry_months = 12
        self.assertEqual(self.program._crm_expiry_date(date(2026, 2, 19)), date(2027, 2, 19))

    def test_points_expire_in_gregorian_months(self):
        self.set_calendar(False)
        self.program.crm_expiry_months = 1
        self.assertEqual(self.program._crm_expiry_date(date(2026, 2, 19)), date(2026, 3, 19))
        self.assertEqual(self.program._crm_expiry_date(date(2026, 1, 31)), date(2026, 2, 28))

    def test_yearly_review_on_1_farvardin(self):
        self.set_calendar(True)
        self.program.write({"crm_review_months": 12, "crm_next_review": False})
        with freeze_time("2026-12-06 10:00:00"):  # 15 Azar 1405
            self.add_tiers()
        self.assertEqual(self.program.crm_next_review, date(2027, 3, 21), "1 Farvardin 1406")
        self.program._crm_review_tiers(date(2027, 3, 21))
        self.assertEqual(self.program.crm_next_review, date(2028, 3, 20), "1 Farvardin 1407")
        # quarterly: each season's first day (1 Dey after 15 Azar), monthly: each month's
        self.program.crm_review_months = 3
        self.assertEqual(self.program._crm_next_review_date(date(2026, 12, 6)), date(2026, 12, 22))
        self.program.crm_review_months = 1
        self.assertEqual(self.program._crm_next_review_date(date(2026, 12, 6)), date(2026, 12, 22))
        self.assertEqual(self.program._crm_next_review_date(date(2026, 12, 22)), date(2027, 1, 21))

    def test_yearly_review_on_1_january(self):
        self.set_calendar(False)
        self.program.write({"crm_review_months": 12, "crm_next_review": False})
        with freeze_time("2026-12-06 10:00:00"):
            self.add_tiers()
        self.assertEqual(self.program.crm_next_review, date(2027, 1, 1))
        self.program.crm_review_months = 3
        self.assertEqual(self.program._crm_next_review_date(date(2027, 1, 1)), date(2027, 4, 1))

    def test_qualifying_window_and_grace_in_solar_hijri_months(self):
        self.set_calendar(True)
        self.program.write({"crm_qualify_months": 1, "crm_grace_months": 1})
        # a month back from 29 Esfand 1404 is 29 Bahman (18 February), not 20 February
        self.assertEqual(self.program._crm_qualifying_since(date(2026, 3, 20)), date(2026, 2, 18))
        # last qualified on 31 Shahrivar: the grace month ends on 30 Mehr, the last day of
        # the next month, so a review on 30 Mehr moves the member down, one on 29 Mehr not
        self.assertEqual(self.program._crm_grace_cutoff(date(2026, 10, 22)), date(2026, 9, 22))
        self.assertEqual(self.program._crm_grace_cutoff(date(2026, 10, 21)), date(2026, 9, 20))

    def test_review_counts_a_solar_hijri_qualifying_month(self):
        self.set_calendar(True)
        self.program.write(
            {"crm_qualify_months": 1, "crm_grace_months": 0, "crm_review_months": 1}
        )
        self.add_tiers()
        gold = self.program.crm_tier_ids.filtered(lambda tier: tier.name == "Gold")
        with freeze_time("2026-09-22 10:00:00"):  # 31 Shahrivar 1405
            self.order(amount=1200)
            card = self.card()
            self.assertEqual(card.crm_tier_id, gold)
        # the month back from 30 Mehr starts on 30 Shahrivar: the points still count
        self.program._crm_review_tiers(date(2026, 10, 22))
        self.assertEqual(card.crm_tier_id, gold)
        self.assertEqual(self.program.crm_next_review, date(2026, 10, 23), "1 Aban 1405")
        # from 1 Aban the window starts on 1 Mehr: out of it, and no grace month
        self.program._crm_review_tiers(date(2026, 10, 23))
        self.assertNotEqual(card.crm_tier_id, gold)
        self.assertEqual(card.crm_tier_since, date(2026, 10, 23))
