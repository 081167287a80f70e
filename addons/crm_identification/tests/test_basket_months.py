from datetime import date, datetime, timedelta

from odoo.tests import freeze_time, tagged

from ..lib import basket
from .common import InsightCase


@tagged("post_install", "-at_install")
class TestBasketMonths(InsightCase):
    """The basket analysis keeps the product pairs of each whole month of its window and
    counts a month again only when its orders changed: the rules must always be those of
    the window's baskets, counted afresh."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.buyer = cls.customer("Basket Buyer")
        cls.Month = cls.env["crm.basket.month"]

    def months(self, **domain):
        # the months changed are marked stale when the transaction commits
        self.env.flush_all()
        self.env.cr.flush()
        self.Month.invalidate_model(["stale"])
        return self.Month.search(
            [("company_id", "=", self.company.id)] + [(k, "=", v) for k, v in domain.items()]
        )

    def assertRulesOf(self, baskets, company=None):
        """The stored rules are those of these baskets (product names), computed by the
        plain-Python definition."""
        expected = basket.association_rules(
            [{self.products[name].id for name in names} for names in baskets]
        )
        rules = self.env["crm.product.association"].search(
            [("company_id", "=", (company or self.company).id)]
        )
        found = {(r.product_id.id, r.associated_product_id.id): r for r in rules}
        self.assertEqual(set(found), set(expected))
        for pair, (count, support, confidence, lift) in expected.items():
            rule = found[pair]
            self.assertEqual(rule.order_count, count)
            self.assertAlmostEqual(rule.support, 100 * support, places=2)
            self.assertAlmostEqual(rule.confidence, 100 * confidence, places=1)
            self.assertAlmostEqual(rule.lift, lift, places=2)

    def test_a_changed_order_gets_its_month_counted_again(self):
        # AS_OF is June 30th: the window's twelve months are whole. Orders of June 20th,
        # May 21st, April 21st and March 22nd.
        orders = [
            self.order(self.buyer, days_ago=days, amount=30, products=("A", "B"))
            for days in (10, 40, 70, 100)
        ]
        self.refresh()
        self.assertEqual(len(self.months()), 12)
        self.assertEqual(sum(self.months().mapped("basket_count")), 4)
        self.assertFalse(self.months(stale=True))
        self.assertRulesOf([("A", "B")] * 4)
        # through the ORM: C added to the May order, the April order cancelled, the March
        # order moved to January
        orders[1].order_line = [(0, 0, {"product_id": self.products["C"].id})]
        orders[2]._action_cancel()
        orders[3].date_order = datetime(2020, 1, 15, 10)
        self.assertEqual(
            self.months(stale=True).mapped("month"),
            [date(2020, 1, 1), date(2020, 3, 1), date(2020, 4, 1), date(2020, 5, 1)],
        )
        self.refresh()
        self.assertFalse(self.months(stale=True))
        self.assertRulesOf([("A", "B"), ("A", "B", "C"), ("A", "B")])
        # one month changed: counted alone, order by order
        orders[0].order_line = [(0, 0, {"product_id": self.products["D"].id})]
        self.assertEqual(self.months(stale=True).mapped("month"), [date(2020, 6, 1)])
        self.refresh()
        self.assertRulesOf([("A", "B", "D"), ("A", "B", "C"), ("A", "B")])

    def test_quotations_do_not_touch_the_counted_months(self):
        self.order(self.buyer, days_ago=40, amount=30, products=("A", "B"))
        self.refresh()
        quotation = self.env["sale.order"].create(
            {
                "partner_id": self.buyer.id,
                "date_order": datetime(2020, 5, 10, 10),
                "order_line": [(0, 0, {"product_id": self.products["C"].id})],
            }
        )
        quotation.order_line = [(0, 0, {"product_id": self.products["D"].id})]
        self.assertFalse(self.months(stale=True))
        quotation.action_confirm()  # confirmed today: outside the counted months
        quotation.date_order = datetime(2020, 5, 10, 10)
        self.assertEqual(self.months(stale=True).mapped("month"), [date(2020, 5, 1)])

    def test_partial_months_at_both_ends_of_the_window(self):
        as_of = date(2020, 6, 15)  # the window runs from June 16th, 2019
        for days_ago, products in (
            (370, ("A", "D")),  # June 11th, 2019: before the window
            (362, ("A", "D")),  # June 19th, 2019: the window's first, partial month
            (200, ("A", "B")),  # a whole month
            (5, ("C", "D")),  # June 10th, 2020: the window's last, partial month
            (-3, ("C", "D")),  # June 18th, 2020: after the day of the refresh
        ):
            self.order(self.buyer, days_ago=days_ago, amount=20, products=products, as_of=as_of)
        self.refresh(as_of=as_of)
        self.assertEqual(
            self.months().mapped("month"),
            [date(2019, m, 1) for m in range(7, 13)] + [date(2020, m, 1) for m in range(1, 6)],
        )
        self.assertRulesOf([("A", "D"), ("A", "B"), ("C", "D")])
        # five days later, June 19th, 2019 has left the window and June 18th, 2020 joined
        self.refresh(as_of=as_of + timedelta(days=5))
        self.assertRulesOf([("A", "B"), ("C", "D"), ("C", "D")])
        # on June 30th the window is twelve whole months
        self.refresh(as_of=date(2020, 6, 30))
        self.assertEqual(len(self.months()), 12)
        self.assertNotIn(date(2019, 6, 1), self.months().mapped("month"))
        self.assertRulesOf([("A", "B"), ("C", "D"), ("C", "D")])

    def test_refresh_now_recounts_orders_changed_behind_the_orm(self):
        order = self.order(self.buyer, days_ago=40, amount=30, products=("A", "B"))
        self.refresh()
        line = order.order_line.filtered(lambda line: line.product_id == self.products["B"])
        self.env.cr.execute(
            "UPDATE sale_order_line SET product_id = %s WHERE id = %s",
            [self.products["C"].id, line.id],
        )
        self.refresh()  # the nightly refresh trusts the month it counted
        self.assertRulesOf([("A", "B")])
        self.refresh(recount=True)  # as "Refresh now" does
        self.assertRulesOf([("A", "C")])

    def test_the_cron_recounts_every_month_on_sundays(self):
        # a company of its own: the cron refreshes up to today, where the demo sales are
        company = self.env["res.company"].create({"name": "Weekly Recount Co"})
        company.write(
            {
                "crm_basket_min_orders": 1,
                "crm_basket_min_support": 0.0,
                "crm_basket_min_confidence": 0.0,
                "crm_basket_min_lift": 0.0,
            }
        )
        others = self.env["res.company"].search([("id", "!=", company.id)])
        Score = self.env["crm.customer.score"]

        def nightly_cron():
            others.crm_insight_refreshed_at = datetime(2100, 1, 1)
            company.crm_insight_refreshed_at = False
            Score._cron_refresh()

        with freeze_time("2026-11-20 12:00:00"):  # a Friday
            order = self.order(
                self.buyer,
                days_ago=40,
                amount=30,
                products=("A", "B"),
                as_of=date(2026, 11, 20),
                company=company,
            )
            nightly_cron()
        self.assertRulesOf([("A", "B")], company)
        line = order.order_line.filtered(lambda line: line.product_id == self.products["B"])
        self.env.cr.execute(
            "UPDATE sale_order_line SET product_id = %s WHERE id = %s",
            [self.products["C"].id, line.id],
        )
        with freeze_time("2026-11-21 12:00:00"):  # Saturday: the kept October is trusted
            nightly_cron()
        self.assertRulesOf([("A", "B")], company)
        with freeze_time("2026-11-22 12:00:00"):  # Sunday: every month counted again
            nightly_cron()
        self.assertRulesOf([("A", "C")], company)
