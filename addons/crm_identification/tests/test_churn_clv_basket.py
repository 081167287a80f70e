from datetime import date, datetime, time, timedelta

from odoo.exceptions import ValidationError
from odoo.tests import freeze_time, tagged

from .common import InsightCase


@tagged("post_install", "-at_install")
class TestChurnClvBasket(InsightCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # orders every 30 days, the last one 0 days before AS_OF
        cls.regular = cls.customer("Regular Buyer", user_id=cls.salesman.id)
        for i in range(5):
            cls.order(cls.regular, days_ago=30 * i, amount=300, products=("A", "B"))

    def test_churn_follows_the_customer_own_rhythm(self):
        at = {}
        for days_later in (20, 50, 100):
            self.refresh(as_of=self.AS_OF + timedelta(days=days_later))
            at[days_later] = self.score(self.regular)
            at[days_later] = (at[days_later].churn_status, at[days_later].lost_date)
        self.assertEqual(at[20], ("active", False))
        self.assertEqual(at[50], ("at_risk", False))  # 50 > 1.5 x 30
        self.assertEqual(at[100], ("lost", self.AS_OF + timedelta(days=90)))  # 100 > 3 x 30
        self.assertIn("Lost since", self.score(self.regular).explanation)

    def test_fixed_churn_rule_and_single_purchase(self):
        once = self.customer("Once Only")
        self.order(once, days_ago=200, amount=50)
        self.refresh()
        # one purchase: fixed days apply (at risk after 180, lost after 365)
        self.assertEqual(self.score(once).churn_status, "at_risk")
        self.company.write(
            {"crm_churn_method": "fixed", "crm_churn_days": 100, "crm_at_risk_days": 10}
        )
        self.refresh(as_of=self.AS_OF + timedelta(days=50))
        self.assertEqual(self.score(self.regular).churn_status, "at_risk")
        self.assertEqual(self.score(once).churn_status, "lost")

    def test_win_back_creates_an_opportunity_for_the_salesperson(self):
        self.refresh(as_of=self.AS_OF + timedelta(days=100))
        score = self.score(self.regular)
        self.assertEqual(score.used_to_buy, "Insight A, Insight B")
        action = score.action_win_back()
        lead = self.env["crm.lead"].browse(action["res_id"])
        self.assertEqual(lead.partner_id, self.regular)
        self.assertEqual(lead.user_id, self.salesman)
        self.assertEqual(lead.type, "opportunity")
        self.assertIn("Used to buy: Insight A, Insight B", lead.description)

    def test_lifetime_value_historical_when_history_is_short(self):
        self.refresh()
        score = self.score(self.regular)
        self.assertEqual(score.clv_method, "historical")
        # 1,500 over 120 days of history -> 12.5 a day -> 4,562.5 over 365 days
        self.assertAlmostEqual(score.clv, 4562.5, places=1)
        self.assertIn("only 1 customers ordered more than once", self.company.crm_clv_note)
        self.assertIn("from past spending only", score.explanation)
        # not estimated, which is not "certainly gone": empty in the database, said in words
        self.env.cr.execute("SELECT p_alive FROM crm_customer_score WHERE id = %s", [score.id])
        self.assertIsNone(self.env.cr.fetchone()[0])
        self.assertIn("not estimated", score.explanation)

    def test_lifetime_value_model_with_enough_repeat_customers(self):
        # 40 customers buying every 10 to 50 days, some of them gone quiet
        customers = []
        for i in range(40):
            partner = self.customer(f"Repeat {i}")
            gap = 10 + i
            quiet = 150 if i % 4 == 0 else 0
            for k in range(3):
                self.order(partner, days_ago=quiet + gap * k, amount=100 + i)
            customers.append(partner)
        self.refresh()
        self.assertEqual(self.company.crm_clv_method, "model", self.company.crm_clv_note)
        busy, quiet = self.score(customers[1]), self.score(customers[4])
        self.assertEqual(busy.clv_method, "model")
        self.assertGreater(busy.p_alive, quiet.p_alive)
        self.assertGreater(busy.expected_orders, quiet.expected_orders)
        self.assertGreater(busy.clv, 0)
        self.assertIn("BG/NBD", busy.explanation)
        self.assertIn("discounted at 10% a year", busy.explanation)
        # without discounting, the same purchases are worth more
        discounted = busy.clv
        self.company.crm_clv_discount_rate = 0
        self.refresh()
        self.assertGreater(self.score(customers[1]).clv, discounted * 1.02)
        self.assertIn("not discounted", self.score(customers[1]).explanation)
        with self.assertRaisesText(ValidationError, "discount rate"):
            self.company.crm_clv_discount_rate = -5

    def test_basket_counts_an_order_once_and_prunes_by_support(self):
        # baskets: {A,B} x5 and one order with A on two lines plus D -> N = 6
        other = self.customer("Other Buyer")
        self.order(other, days_ago=3, amount=30, products=("A", "A", "D"))
        self.refresh()
        Association = self.env["crm.product.association"]
        a, d = self.products["A"], self.products["D"]
        a_to_d = Association.search(
            [("product_id", "=", a.id), ("associated_product_id", "=", d.id)]
        )
        self.assertEqual(a_to_d.order_count, 1)
        self.assertAlmostEqual(a_to_d.support, 100 / 6, places=2)
        self.assertAlmostEqual(a_to_d.confidence, 100 / 6, places=1)
        d_to_a = Association.search(
            [("product_id", "=", d.id), ("associated_product_id", "=", a.id)]
        )
        self.assertAlmostEqual(d_to_a.confidence, 100.0, places=1)
        self.assertAlmostEqual(d_to_a.lift, 1.0, places=2)
        # a minimum support of 20% (2 of 6 orders) drops A <-> D, keeps A <-> B (5 orders)
        self.company.crm_basket_min_support = 20.0
        self.refresh()
        rules = Association.search([("company_id", "=", self.company.id)])
        self.assertEqual(
            sorted(rules.mapped(lambda r: (r.product_id.id, r.associated_product_id.id))),
            sorted([(a.id, self.products["B"].id), (self.products["B"].id, a.id)]),
        )

    def test_refresh_hands_back_the_database_settings(self):
        self.env.cr.execute("SET LOCAL work_mem = '8MB'")
        self.refresh()
        self.env.cr.execute("SHOW work_mem")
        work_mem = self.env.cr.fetchone()[0]
        self.env.cr.execute("SHOW enable_nestloop")
        self.assertEqual((work_mem, self.env.cr.fetchone()[0]), ("8MB", "on"))

    def test_products_bought_together_and_suggestions(self):
        # baskets: {A,B} x5 (the regular buyer), {A,C}, {B,C}, {A,B,C} -> N = 8
        other = self.customer("Other Buyer")
        self.order(other, days_ago=3, amount=20, products=("A", "C"))
        self.order(other, days_ago=4, amount=20, products=("B", "C"))
        self.order(other, days_ago=5, amount=30, products=("A", "B", "C"))
        self.refresh()
        Association = self.env["crm.product.association"]
        a, b, c = self.products["A"], self.products["B"], self.products["C"]
        rule = Association.search(
            [("product_id", "=", a.id), ("associated_product_id", "=", b.id)]
        )
        # A in 7 baskets, B in 7, both in 6: support 6/8, confidence 6/7, lift (6/7)/(7/8)
        self.assertEqual(rule.order_count, 6)
        self.assertAlmostEqual(rule.support, 75.0, places=2)
        self.assertAlmostEqual(rule.confidence, 100 * 6 / 7, places=1)
        self.assertAlmostEqual(rule.lift, (6 / 7) / (7 / 8), places=2)
        c_to_a = Association.search(
            [("product_id", "=", c.id), ("associated_product_id", "=", a.id)]
        )
        self.assertAlmostEqual(c_to_a.confidence, 100 * 2 / 3, places=1)
        # thresholds prune: lift at least 1 keeps only A <-> B... none here, all lifts < 1.1
        self.company.crm_basket_min_lift = 1.0
        self.refresh()
        self.assertFalse(Association.search([("product_id", "=", c.id)]))
        self.company.crm_basket_min_lift = 0.0
        self.refresh()
        # the regular buyer never bought C: it is suggested on partner, lead and quotation
        self.assertEqual(self.regular.crm_suggested_product_ids, c)
        lead = self.env["crm.lead"].create({"name": "More chairs", "partner_id": self.regular.id})
        self.assertEqual(lead.crm_suggested_product_ids, c)
        quotation = self.env["sale.order"].create({"partner_id": self.regular.id})
        self.assertEqual(quotation.crm_suggested_product_ids, c)
        quotation.order_line = [(0, 0, {"product_id": c.id})]
        self.assertFalse(quotation.crm_suggested_product_ids)
        # a list of quotations computes its suggestions in one query, not one per order:
        # six cost what three cost
        customers = (self.regular, other, self.regular)
        few = self.env["sale.order"].create([{"partner_id": p.id} for p in customers])
        more = self.env["sale.order"].create([{"partner_id": p.id} for p in customers * 2])
        self.env.flush_all()
        counts = []
        for quotations in (few, more):
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            # reading one computes them all (the records created together), as a list does
            self.assertEqual(len(quotations[0].crm_suggested_product_ids), 1)
            counts.append(self.env.cr.sql_log_count - before)
        self.assertEqual(counts[0], counts[1])
        self.assertEqual(more[5].crm_suggested_product_ids, c)

    def test_refresh_is_idempotent_and_keeps_history(self):
        Segment = self.env["crm.customer.segment"]
        history = self.env["crm.customer.segment.history"]
        self.refresh()
        first = history.search([("partner_id", "=", self.regular.id)])
        self.assertEqual(len(first), 1)
        self.assertFalse(first.previous_segment_id)
        before = self.score(self.regular).read(["rfm_code", "segment_id", "clv", "monetary"])
        stats = self.refresh()
        self.assertEqual(stats["moved"], 0)
        self.assertEqual(history.search_count([("partner_id", "=", self.regular.id)]), 1)
        self.assertEqual(
            self.score(self.regular).read(["rfm_code", "segment_id", "clv", "monetary"]), before
        )
        # 250 days later the customer has moved on: a second history row, and the matrix
        later = self.AS_OF + timedelta(days=250)
        self.refresh(as_of=later)
        rows = history.search([("partner_id", "=", self.regular.id)], order="id")
        self.assertEqual(len(rows), 2)
        self.assertEqual(rows[1].previous_segment_id, rows[0].segment_id)
        # dates of the history are the refresh dates (now): compare the two states directly
        wizard = self.env["crm.segment.migration"].create(
            {"date_from": rows[0].date.date() - timedelta(days=1), "date_to": rows[1].date.date()}
        )
        wizard.action_compute()
        cell = wizard.line_ids.filtered(lambda line: line.to_segment_id == rows[1].segment_id)
        self.assertEqual(cell.customer_count, 1)
        self.assertFalse(
            cell.from_segment_id, "the customer had no segment before the first refresh"
        )
        self.assertTrue(Segment.browse(rows[1].segment_id.id).customer_count)

    def test_broken_rule_is_skipped_not_crashed(self):
        champions = self.env.ref("crm_identification.segment_champions")
        # a rule broken behind the ORM's back (e.g. a field removed by an uninstall)
        self.env.cr.execute(
            "UPDATE crm_customer_segment SET rule_domain = %s WHERE id = %s",
            ("[('no_such_field', '=', 1)]", champions.id),
        )
        self.env.invalidate_all()
        self.refresh()
        self.assertIn("no_such_field", champions.rule_error)
        self.assertTrue(self.score(self.regular).segment_id)
        champions.rule_domain = "[('recency_score', '>=', 4)]"
        self.assertFalse(champions.rule_error)

    @freeze_time("2027-02-28 12:00:00")
    def test_cron_refreshes_every_company_once_a_day(self):
        second = self.env["res.company"].create({"name": "Second Co"})
        companies = self.env["res.company"].search([])
        companies.crm_insight_refreshed_at = False
        Score = self.env["crm.customer.score"]
        for _company in companies:
            Score._cron_refresh()
        self.assertTrue(all(companies.mapped("crm_insight_refreshed_at")))
        self.assertTrue(second.crm_insight_refreshed_at)
        stamp = companies.mapped("crm_insight_refreshed_at")
        Score._cron_refresh()  # nothing left today: changes nothing
        self.assertEqual(companies.mapped("crm_insight_refreshed_at"), stamp)

    def test_churn_rate_report_counts_the_month_a_customer_was_lost(self):
        # the report counts the twelve months up to the day of the company's figures: a
        # company of its own, refreshed on a fixed day (the database's clock plays no part)
        day = date(2021, 3, 15)
        company = self.env["res.company"].create({"name": "Churn Report Co"})
        lapsed = self.customer("Lapsed Monthly")
        for i in range(4):
            self.order(lapsed, days_ago=130 + 30 * i, amount=100, as_of=day, company=company)
        # a customer of another salesperson, buying all along
        steady = self.customer("Steady Monthly", user_id=self.salesman.id)
        for i in range(8):
            self.order(steady, days_ago=5 + 30 * i, amount=100, as_of=day, company=company)
        self.refresh(as_of=day, company=company)
        score = self.score(lapsed, company=company)
        self.assertEqual(score.churn_status, "lost")
        # ordered every 30 days, lost after three times that: 90 days after the last order
        self.assertEqual(score.lost_date, day - timedelta(days=130 - 90))
        month = score.lost_date.replace(day=1)
        self.assertEqual(month, date(2021, 2, 1))
        Report = self.env["crm.churn.report"]
        self.assertEqual(
            sorted(set(Report.search([("company_id", "=", company.id)]).mapped("month"))),
            [date(2020, m, 1) for m in range(4, 13)] + [date(2021, m, 1) for m in range(1, 4)],
            "the twelve months up to the day of the figures",
        )
        rows = Report.search([("company_id", "=", company.id), ("month", "=", month)])
        self.assertEqual(sum(rows.mapped("lost_count")), 1)
        self.assertEqual(rows.filtered("lost_count").segment_id, score.segment_id)
        before = Report.search(
            [
                ("company_id", "=", company.id),
                ("month", "=", (month - timedelta(days=1)).replace(day=1)),
            ]
        )
        self.assertEqual(sum(before.mapped("lost_count")), 0)
        self.assertEqual(sum(before.mapped("active_count")), 2)
        self.assertEqual(sum(rows.mapped("active_count")), 2, "active at the start of the month")
        # the rate of the month over both salespeople: 1 lost of 2 active, not the average
        # of their rates (100% and 0%) nor of their rows
        [[rate]] = Report._read_group(
            [("company_id", "=", company.id), ("month", "=", month)], [], ["churn_rate:avg"]
        )
        self.assertEqual(rate, 50.0)
        by_month = dict(
            Report._read_group(
                [("company_id", "=", company.id)], ["month:month"], ["churn_rate:avg"]
            )
        )
        self.assertEqual(sorted(set(by_month.values())), [0.0, 50.0])
        # each month counts the customer in the segment it had at the month's start: Loyal
        # until it moved, a few days into the month it was lost in
        loyal = self.env.ref("crm_identification.segment_loyal")
        History = self.env["crm.customer.segment.history"]
        moved = History.search([("partner_id", "=", lapsed.id), ("company_id", "=", company.id)])
        moved.write(
            {
                "previous_segment_id": loyal.id,
                "date": datetime.combine(month + timedelta(days=5), time(12)),
            }
        )
        History.create(
            {
                "partner_id": lapsed.id,
                "company_id": company.id,
                "segment_id": loyal.id,
                "date": datetime.combine(month - timedelta(days=60), time(12)),
            }
        )
        self.env.flush_all()
        Report.invalidate_model()  # a view: its rows keep their ids, not their values
        rows = Report.search([("company_id", "=", company.id), ("month", "=", month)])
        self.assertEqual(rows.filtered("lost_count").segment_id, loyal)
        # the month after, in the segment it moved to (its row: no salesperson)
        later = Report.search(
            [
                ("company_id", "=", company.id),
                ("month", "=", date(2021, 3, 1)),
                ("user_id", "=", False),
            ]
        )
        self.assertEqual(later.segment_id, score.segment_id)
