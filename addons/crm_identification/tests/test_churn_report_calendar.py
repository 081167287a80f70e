from datetime import date

from odoo.tests import new_test_user, tagged

from .common import InsightCase


@tagged("post_install", "-at_install")
class TestChurnReportCalendar(InsightCase):
    """The churn report's months are the company's: the same history gives Solar Hijri
    months (Farvardin, Ordibehesht, ...) for a company on that calendar and Gregorian
    months otherwise."""

    AS_OF_DAY = date(2021, 5, 15)  # 25 Ordibehesht 1400

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # a company of its own: the demo's sales stay out
        cls.calendar_company = cls.env["res.company"].create({"name": "Calendar Churn Co"})
        cls.lapsed = cls.customer("Lapsed Calendar")
        # ordered every 30 days, lost 90 days after the last order: on 25 March 2021,
        # which is in March but also in Farvardin 1400 (from 21 March)
        for i in range(4):
            cls.order(
                cls.lapsed,
                days_ago=141 + 30 * i,
                amount=100,
                as_of=cls.AS_OF_DAY,
                company=cls.calendar_company,
            )
        steady = cls.customer("Steady Calendar")
        for i in range(8):
            cls.order(
                steady,
                days_ago=5 + 30 * i,
                amount=100,
                as_of=cls.AS_OF_DAY,
                company=cls.calendar_company,
            )
        cls.env["crm.customer.score"]._refresh_company(cls.calendar_company, as_of=cls.AS_OF_DAY)
        cls.Report = cls.env["crm.churn.report"]

    def set_calendar(self, solar_hijri):
        if "solar_hijri_periods" not in self.calendar_company._fields:
            if solar_hijri:
                self.skipTest("the Solar Hijri calendar addon is not installed")
            return
        self.calendar_company.solar_hijri_periods = solar_hijri
        self.env.flush_all()
        # a table query: its rows keep their ids (row numbers), not their values
        self.Report.invalidate_model()

    def months(self):
        rows = self.Report.search([("company_id", "=", self.calendar_company.id)])
        return sorted(set(rows.mapped("month")))

    def lost_in(self, month):
        rows = self.Report.search(
            [("company_id", "=", self.calendar_company.id), ("month", "=", month)]
        )
        return sum(rows.mapped("lost_count")), sum(rows.mapped("active_count"))

    def test_gregorian_months(self):
        self.set_calendar(False)
        self.assertEqual(
            self.score(self.lapsed, self.calendar_company).lost_date, date(2021, 3, 25)
        )
        self.assertEqual(
            self.months(),
            [date(2020, m, 1) for m in range(6, 13)] + [date(2021, m, 1) for m in range(1, 6)],
        )
        self.assertEqual(self.lost_in(date(2021, 3, 1)), (1, 2))
        self.assertEqual(self.lost_in(date(2021, 4, 1)), (0, 1))

    def test_solar_hijri_months(self):
        self.set_calendar(True)
        months = self.months()
        self.assertEqual(len(months), 12)
        # Khordad 1399 to Ordibehesht 1400, each from its first day
        self.assertEqual(months[0], date(2020, 5, 21))
        self.assertEqual(months[-2:], [date(2021, 3, 21), date(2021, 4, 21)])
        self.assertIn(date(2021, 2, 19), months, "1 Esfand 1399")
        # lost on 5 Farvardin: in Farvardin, active at its start
        self.assertEqual(self.lost_in(date(2021, 3, 21)), (1, 2))
        self.assertEqual(self.lost_in(date(2021, 2, 19)), (0, 2))
        self.assertEqual(self.lost_in(date(2021, 4, 21)), (0, 1))
        # a Solar Hijri reader grouping by month sees the Persian months' names
        reader = new_test_user(
            self.env,
            "churn_calendar_reader",
            groups="crm_identification.group_crm_identification_manager",
            company_ids=[(6, 0, (self.env.company | self.calendar_company).ids)],
            company_id=self.calendar_company.id,
            calendar_system="solar_hijri",
        )
        groups = (
            self.Report.with_user(reader)
            .with_context(lang="en_US", allowed_company_ids=self.calendar_company.ids)
            .read_group(
                [("company_id", "=", self.calendar_company.id)],
                ["lost_count:sum"],
                ["month:month"],
            )
        )
        lost = {group["month:month"]: group["lost_count"] for group in groups}
        self.assertEqual(lost.get("Farvardin 1400"), 1, lost)
        self.assertEqual(lost.get("Ordibehesht 1400"), 0, lost)
        self.assertEqual(len(lost), 12)

    def test_switching_the_calendar_needs_no_refresh(self):
        self.set_calendar(True)
        self.assertIn(date(2021, 3, 21), self.months())
        self.set_calendar(False)
        self.assertIn(date(2021, 3, 1), self.months())
        self.assertNotIn(date(2021, 3, 21), self.months())
