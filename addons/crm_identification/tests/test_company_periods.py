from datetime import date

from odoo.tests import TransactionCase, tagged
from odoo.tools import SQL

from ..lib import periods


@tagged("post_install", "-at_install")
class TestCompanyPeriods(TransactionCase):
    """The suite's months, quarters and years follow the company's calendar: Gregorian by
    default, Solar Hijri when the calendar addon is installed and the company uses it."""

    def sql_start(self, company, day, granularity):
        expression = company._crm_period_start_sql(SQL("%s::date", day), granularity)
        self.env.cr.execute(SQL("SELECT %s", expression))
        return self.env.cr.fetchone()[0]

    def test_gregorian_library(self):
        self.assertEqual(periods.period_start(date(2026, 5, 17), "quarter"), date(2026, 4, 1))
        self.assertEqual(periods.period_end(date(2024, 2, 3)), date(2024, 2, 29))
        self.assertEqual(periods.period_end(date(2026, 11, 3), "year"), date(2026, 12, 31))
        self.assertEqual(
            periods.period_starts(date(2026, 11, 30), date(2027, 2, 1)),
            [date(2026, 11, 1), date(2026, 12, 1), date(2027, 1, 1), date(2027, 2, 1)],
        )
        with self.assertRaises(ValueError):
            periods.period_start(date(2026, 1, 1), "week")

    def test_gregorian_company(self):
        company = self.env.company
        if "solar_hijri_periods" in company._fields:
            company.solar_hijri_periods = False
        day = date(2026, 3, 25)
        self.assertEqual(company._crm_period_start(day), date(2026, 3, 1))
        self.assertEqual(company._crm_period_end(day, "quarter"), date(2026, 3, 31))
        self.assertEqual(company._crm_add_months(date(2026, 1, 31), 1), date(2026, 2, 28))
        self.assertEqual(self.sql_start(company, day, "month"), date(2026, 3, 1))
        self.assertEqual(self.sql_start(company, day, "year"), date(2026, 1, 1))
        self.assertEqual(company.with_context(lang="en_US")._crm_period_label(day), "March 2026")

    def test_solar_hijri_company(self):
        company = self.env.company
        if "solar_hijri_periods" not in company._fields:
            self.skipTest("the Solar Hijri calendar addon is not installed")
        company.solar_hijri_periods = True
        day = date(2026, 3, 25)  # 5 Farvardin 1405
        self.assertEqual(company._crm_period_start(day), date(2026, 3, 21))
        self.assertEqual(company._crm_period_end(day), date(2026, 4, 20))
        self.assertEqual(company._crm_period_start(day, "year"), date(2026, 3, 21))
        self.assertEqual(
            company._crm_period_starts(date(2026, 3, 1), date(2026, 4, 25)),
            [date(2026, 2, 20), date(2026, 3, 21), date(2026, 4, 21)],
        )
        self.assertEqual(
            company._crm_period_bounds(date(2026, 3, 1), date(2026, 3, 25)),
            [(date(2026, 2, 20), date(2026, 3, 21)), (date(2026, 3, 21), date(2026, 4, 21))],
        )
        self.assertEqual(company._crm_add_months(date(2026, 3, 21), 12), date(2027, 3, 21))
        self.assertEqual(self.sql_start(company, day, "month"), date(2026, 3, 21))
        self.assertEqual(self.sql_start(company, date(2026, 3, 20), "quarter"), date(2025, 12, 22))
        self.assertIn("1405", company._crm_period_label(day))
