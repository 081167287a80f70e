from datetime import date, timedelta

from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import InsightCase


@tagged("post_install", "-at_install")
class TestScorecard(InsightCase):
    """A known history: four customers, a fixed churn rule (lost after 100 days without a
    purchase), the figures taken on 30 June 2020."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write(
            {"crm_churn_method": "fixed", "crm_churn_days": 100, "crm_at_risk_days": 50}
        )

        def on(partner, day, amount):
            cls.order(partner, days_ago=(cls.AS_OF - day).days, amount=amount)

        cls.back = cls.customer("Came Back")  # a gap of 162 days: won back in June
        on(cls.back, date(2020, 1, 10), 100)
        on(cls.back, date(2020, 6, 20), 400)
        cls.gone = cls.customer("Gone in March")  # lost on 24 March (15 Dec + 100 days)
        on(cls.gone, date(2019, 12, 15), 50)
        cls.fresh = cls.customer("New in April")
        on(cls.fresh, date(2020, 4, 5), 70)
        on(cls.fresh, date(2020, 5, 5), 30)
        cls.quiet = cls.customer("Gone in May")  # lost on 11 May (1 Feb + 100 days)
        on(cls.quiet, date(2019, 11, 1), 20)
        on(cls.quiet, date(2020, 2, 1), 20)
        cls.env["crm.customer.score"]._refresh_company(cls.company, as_of=cls.AS_OF)
        cls.Scorecard = cls.env["crm.scorecard"]

    def row(self, month):
        return self.Scorecard.search([("company_id", "=", self.company.id), ("month", "=", month)])

    def test_months_of_a_known_history(self):
        self.Scorecard._compute_months(self.company, self.Scorecard._months_to(self.AS_OF, 4))
        march, april, may, june = (self.row(date(2020, m, 1)) for m in (3, 4, 5, 6))
        self.assertEqual((march.active_count, march.lost_count, march.new_count), (3, 1, 0))
        self.assertAlmostEqual(march.churn_rate, 100 / 3, places=4)
        self.assertAlmostEqual(march.retention_rate, 200 / 3, places=4)
        self.assertEqual((april.active_count, april.lost_count, april.new_count), (2, 0, 1))
        self.assertEqual(april.churn_rate, 0.0)
        self.assertEqual(april.retention_rate, 100.0)
        self.assertEqual((may.active_count, may.lost_count), (3, 1))
        self.assertEqual((june.active_count, june.won_back_count), (2, 1))
        self.assertEqual(june.revenue, 400.0)
        self.assertEqual(april.revenue, 70.0)
        # tiers by share of revenue: the 500 of "Came Back" are 71% of 690 (tier A)
        self.assertEqual(june.revenue_a, 400.0)
        # lifetime values are those of the figures' month only
        scores = self.env["crm.customer.score"].search([("company_id", "=", self.company.id)])
        self.assertAlmostEqual(june.clv_total, sum(scores.mapped("clv")), places=2)
        self.assertFalse(may.clv_total)

    def test_churn_reconciles_with_the_churn_report(self):
        self.Scorecard._compute_months(self.company, self.Scorecard._months_to(self.AS_OF, 12))
        report = self.env["crm.churn.report"]._read_group(
            [("company_id", "=", self.company.id)],
            ["month:month"],
            ["active_count:sum", "lost_count:sum", "churn_rate:avg"],
        )
        self.assertEqual(len(report), 12)
        for month, active, lost, churn in report:
            row = self.row(month)
            self.assertEqual((row.active_count, row.lost_count), (active, lost), month)
            self.assertAlmostEqual(row.churn_rate or 0.0, churn, places=6, msg=month)

    def test_a_month_again_keeps_its_lifetime_value_and_one_row(self):
        months = self.Scorecard._months_to(self.AS_OF, 2)
        self.Scorecard._compute_months(self.company, months)
        june = self.row(date(2020, 6, 1))
        clv = june.clv_total
        # the figures move on to July: June's lifetime values stay those taken in June
        self.env["crm.customer.score"]._refresh_company(self.company, as_of=date(2020, 7, 31))
        self.Scorecard._compute_months(self.company, [date(2020, 6, 1), date(2020, 7, 1)])
        self.assertEqual(len(self.row(date(2020, 6, 1))), 1)
        self.assertEqual(self.row(date(2020, 6, 1)).clv_total, clv)
        self.assertTrue(self.row(date(2020, 7, 1)).clv_total)

    def test_backfill_is_set_based(self):
        """One month and 24 months cost the same few queries: a statement per addon's
        columns and the company's settings, whatever the number of months."""

        def queries(months):
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            self.Scorecard._compute_months(self.company, months)
            return self.env.cr.sql_log_count - before

        self.Scorecard._compute_months(self.company, [date(2020, 6, 1)])
        one = queries([date(2020, 6, 1)])
        backfill = queries(self.Scorecard._months_to(self.AS_OF, 24))
        self.assertEqual(one, backfill)
        self.assertLessEqual(one, 8)
        rows = self.Scorecard.search(
            [("company_id", "=", self.company.id), ("month", "<=", self.AS_OF)]
        )
        self.assertEqual(len(rows), 24)

    def test_only_managers_read_the_scorecard(self):
        self.Scorecard._compute_months(self.company, [date(2020, 6, 1)])
        with self.assertRaises(AccessError):
            self.Scorecard.with_user(self.salesman).search_read([], ["churn_rate"])
        rows = self.Scorecard.with_user(self.manager).search_read(
            [("month", "=", "2020-06-01")], ["churn_rate"]
        )
        self.assertEqual(len(rows), 1)
        other = self.env["res.company"].create({"name": "Other Scorecard Company"})
        self.Scorecard._compute_months(other, [date(2020, 6, 1)])
        # the manager, not in the other company, does not see its row
        rows = self.Scorecard.with_user(self.manager).search_read(
            [("month", "=", "2020-06-01")], ["company_id"]
        )
        self.assertEqual({r["company_id"][0] for r in rows}, {self.company.id})

    def test_a_solar_hijri_company_has_solar_hijri_months(self):
        """Months of the company's calendar: for a Solar Hijri company the rows are its
        months (Tir 1399 starts on 21 June 2020) and their counts and revenue are those of
        the customer figures and the sales between the months' first days."""
        if "solar_hijri_periods" not in self.company._fields:
            self.skipTest("base_solar_hijri is not installed")
        self.company.solar_hijri_periods = True
        # the Gregorian months the install took
        self.Scorecard.search([("company_id", "=", self.company.id)]).unlink()
        months = self.Scorecard._months_to(self.AS_OF, 6, self.company)
        self.assertEqual(months[-1], date(2020, 6, 21))  # 1 Tir 1399
        self.assertEqual(months[0], date(2020, 1, 21))  # 1 Bahman 1398
        self.Scorecard._compute_months(self.company, months)
        rows = self.Scorecard.search([("company_id", "=", self.company.id)])
        self.assertEqual(sorted(rows.mapped("month")), months)
        scores = self.env["crm.customer.score"].search([("company_id", "=", self.company.id)])
        orders = self.env["sale.order"].search(
            [("partner_id", "in", scores.partner_id.ids), ("state", "=", "sale")]
        )
        for start in months:
            end = self.company._crm_period_end(start) + timedelta(days=1)
            row = self.row(start)
            active = scores.filtered(
                lambda s, start=start: s.first_order_date < start
                and (not s.lost_date or s.lost_date >= start)
            )
            lost = scores.filtered(
                lambda s, start=start, end=end: s.lost_date and start <= s.lost_date < end
            )
            new = scores.filtered(
                lambda s, start=start, end=end: start <= s.first_order_date < end
            )
            revenue = sum(o.amount_untaxed for o in orders if start <= o.date_order.date() < end)
            self.assertEqual(
                (row.active_count, row.lost_count, row.new_count),
                (len(active), len(lost), len(new)),
                start,
            )
            self.assertAlmostEqual(row.revenue, revenue, places=2, msg=start)
        # "Came Back" bought on 20 June, the last day of Khordad 1399: its revenue and its
        # return count in Khordad, not in Tir
        khordad = self.row(date(2020, 5, 21))
        self.assertEqual((khordad.revenue, khordad.won_back_count), (400.0, 1))
        self.assertEqual(self.row(date(2020, 6, 21)).revenue, 0.0)
        # the rows the dashboards compare: Khordad 1399 and Khordad 1398
        self.Scorecard._compute_months(
            self.company, self.Scorecard._months_to(date(2019, 6, 1), 1, self.company)
        )
        compared = self.Scorecard.search(
            [("company_id", "=", self.company.id), ("comparison", "!=", False)]
        )
        self.assertEqual(
            {(r.month, r.comparison) for r in compared},
            {(date(2020, 5, 21), "current"), (date(2019, 5, 22), "last_year")},
        )
