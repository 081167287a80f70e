from odoo.exceptions import ValidationError
from odoo.tests import Form, tagged

from ..lib import rfm
from .common import InsightCase


@tagged("post_install", "-at_install")
class TestRfm(InsightCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # champion: 10 orders in the last months, 25,000 in all
        cls.champion = cls.customer("Champion Ltd")
        for i in range(10):
            cls.order(cls.champion, days_ago=5 + 20 * i, amount=2500)
        # one recent order of 100 -> New
        cls.newbie = cls.customer("Newbie")
        cls.order(cls.newbie, days_ago=3, amount=100)
        # three orders long ago (still in window), big spender -> At risk
        cls.fading = cls.customer("Fading Corp")
        for days in (200, 260, 320):
            cls.order(cls.fading, days_ago=days, amount=1000)
        # last order 400 days ago: outside the window, R=F=M=1 -> Lost
        cls.gone = cls.customer("Gone Away")
        cls.order(cls.gone, days_ago=400, amount=800)
        # a contact of the champion orders too: counted on the company
        cls.contact = cls.customer("Jane at Champion", parent_id=cls.champion.id)
        cls.order(cls.contact, days_ago=1, amount=500)

    def test_scores_segments_and_tiers_by_thresholds(self):
        stats = self.refresh()
        self.assertEqual(stats["customers"], 4)
        champion = self.score(self.champion)
        self.assertEqual(champion.frequency, 11)
        self.assertEqual(champion.monetary, 25500)
        self.assertEqual(champion.recency_days, 1)
        self.assertEqual(champion.rfm_code, "555")
        self.assertEqual(champion.segment_id, self.env.ref("crm_identification.segment_champions"))
        self.assertEqual(champion.value_tier, "a")
        self.assertFalse(self.score(self.contact), "contacts are scored on their company")

        newbie = self.score(self.newbie)
        self.assertEqual(newbie.rfm_code, "511")
        self.assertEqual(newbie.segment_id, self.env.ref("crm_identification.segment_new"))
        self.assertEqual(newbie.value_tier, "c")

        fading = self.score(self.fading)
        self.assertEqual(fading.rfm_code, "233")
        self.assertEqual(fading.segment_id, self.env.ref("crm_identification.segment_at_risk"))
        # 25,500 is 89.2 % of 28,600: the champion alone is tier A, fading is B
        self.assertEqual(fading.value_tier, "b")

        gone = self.score(self.gone)
        self.assertEqual((gone.frequency, gone.monetary, gone.rfm_code), (0, 0, "111"))
        self.assertEqual(gone.segment_id, self.env.ref("crm_identification.segment_lost"))
        self.assertEqual(gone.value_tier, "c")

        # the partner shows the same, and explains it
        self.assertEqual(self.champion.crm_segment_id.name, "Champions")
        self.assertEqual(self.contact.crm_value_tier, "a")
        explanation = self.champion.crm_explanation
        self.assertIn("In Champions because R=5, F=5, M=5.", explanation)
        self.assertIn("usually orders every 18 days", explanation)
        self.assertIn("Last order 1 days ago", explanation)

    def test_partner_filters_find_segments_and_tiers(self):
        self.refresh()
        Partner = self.env["res.partner"]
        champions = self.env.ref("crm_identification.segment_champions")
        self.assertEqual(
            Partner.search([("crm_segment_id", "=", champions.id)]),
            self.champion | self.contact,
        )
        self.assertEqual(Partner.search([("crm_value_tier", "=", "b")]), self.fading)
        self.assertEqual(
            Partner.search([("crm_recency_score", ">=", 5), ("crm_monetary_score", "=", 5)]),
            self.champion | self.contact,
        )

    def test_labels_stored_on_contacts_and_groupable(self):
        self.refresh()
        Partner = self.env["res.partner"]
        customers = self.champion | self.contact | self.newbie | self.fading | self.gone
        groups = Partner._read_group(
            [("id", "in", customers.ids)], ["crm_segment_id"], ["__count"]
        )
        self.assertEqual(
            {segment.name: count for segment, count in groups},
            {"Champions": 2, "New": 1, "At risk": 1, "Lost": 1},
        )
        groups = Partner._read_group(
            [("id", "in", customers.ids)], ["crm_churn_status", "crm_value_tier"], ["__count"]
        )
        self.assertIn(("lost", "c", 1), groups)
        # the column holds one value per company, written in SQL by the refresh
        self.env.cr.execute(
            "SELECT crm_value_tier, crm_recency_score FROM res_partner WHERE id = %s",
            [self.contact.id],
        )
        self.assertEqual(
            self.env.cr.fetchone(), ({str(self.company.id): "a"}, {str(self.company.id): 5})
        )
        # a label edited by hand is put right; a customer with no sale left loses its labels
        self.fading.sudo().crm_value_tier = "a"
        self.env["sale.order"].search([("partner_id", "=", self.gone.id)]).write(
            {"state": "cancel"}
        )
        self.refresh()
        self.assertEqual(self.fading.crm_value_tier, "b")
        self.assertFalse(self.gone.crm_segment_id)
        self.assertFalse(self.gone.crm_value_tier)
        self.assertEqual(self.gone.crm_recency_score, 0)

    def test_quintiles_spread_the_population(self):
        self.company.crm_score_method = "quintile"
        self.refresh()
        # in the window: newbie (3 days, 1 order, 100), fading (200 d, 3, 3000),
        # champion (1 d, 11, 25500): ranks 0, 0.5, 1 -> scores 1, 3, 5
        self.assertEqual(self.score(self.champion).rfm_code, "555")
        self.assertEqual(self.score(self.newbie).rfm_code, "311")
        self.assertEqual(self.score(self.fading).rfm_code, "133")
        self.assertEqual(self.score(self.gone).rfm_code, "111")

    def test_quintiles_with_ties_follow_the_rank_rule(self):
        # ten more customers whose recency, frequency and value tie in groups: every
        # score must be 1 + floor(5 * share of customers in the window ranked before),
        # equal values sharing the first rank, as rfm.quintile_scores computes it
        self.company.crm_score_method = "quintile"
        for i, (days, orders, amount) in enumerate(
            [(10, 1, 100), (10, 1, 100), (10, 2, 300), (40, 2, 300), (40, 2, 50),
             (40, 3, 700), (90, 1, 700), (90, 4, 100), (10, 2, 50), (150, 1, 300)]
        ):  # fmt: skip
            customer = self.customer(f"Tied {i}")
            for n in range(orders):
                self.order(customer, days_ago=days + 30 * n, amount=amount / orders)
        self.refresh()
        scores = self.env["crm.customer.score"].search(
            [("company_id", "=", self.company.id), ("frequency", ">", 0)]
        )
        self.assertEqual(len(scores), 13)
        for column, field, better in (
            ("recency_score", "recency_days", False),
            ("frequency_score", "frequency", True),
            ("monetary_score", "monetary", True),
        ):
            expected = rfm.quintile_scores(scores.mapped(field), higher_is_better=better)
            self.assertEqual(scores.mapped(column), expected, column)
        self.assertEqual(self.score(self.gone).rfm_code, "111")
        # tiers: A while the revenue of the customers before is under 80 %, B under 95 %,
        # equal values taken by partner id, as rfm.value_tiers gives them in that order
        by_partner = scores.sorted(lambda score: score.partner_id.id)
        self.assertEqual(
            by_partner.mapped("value_tier"),
            rfm.value_tiers(by_partner.mapped("monetary"), 80.0, 95.0),
        )
        self.assertEqual(set(by_partner.mapped("value_tier")), {"a", "b", "c"})

    def test_refunds_zero_orders_currencies_archived(self):
        # a refund of 600 on the newbie: monetary 100 - 600 = -500 -> M=1, tier C
        refund = self.env["account.move"].create(
            {
                "move_type": "out_refund",
                "partner_id": self.newbie.id,
                "invoice_date": self.AS_OF,
                "invoice_line_ids": [
                    (0, 0, {"name": "Goodwill", "price_unit": 600, "tax_ids": [(5, 0, 0)]})
                ],
            }
        )
        refund.action_post()
        # a zero-amount order changes nothing
        self.order(self.fading, days_ago=2, amount=0)
        # an order in another currency counts in company currency
        foreign = self.env["res.currency"].create({"name": "CRX", "symbol": "¤"})
        self.env["res.currency.rate"].create(
            {
                "currency_id": foreign.id,
                "rate": 2.0,
                "name": "2020-01-01",
                "company_id": self.company.id,
            }
        )
        abroad = self.customer("Abroad SA")
        self.order(abroad, days_ago=10, amount=1000, currency=foreign)
        # an archived customer is left out
        self.gone.action_archive()

        self.refresh()
        newbie = self.score(self.newbie)
        self.assertEqual(newbie.monetary, -500)
        self.assertEqual((newbie.monetary_score, newbie.value_tier), (1, "c"))
        self.assertEqual(self.score(self.fading).frequency, 3)
        self.assertEqual(self.score(abroad).monetary, 500)
        self.assertFalse(self.score(self.gone))

    def test_merged_partner_moves_its_sales(self):
        twin = self.customer("Newbie (duplicate)")
        self.order(twin, days_ago=40, amount=300)
        self.refresh()
        self.assertTrue(self.score(twin))
        wizard = self.env["base.partner.merge.automatic.wizard"].create({})
        wizard._merge((self.newbie | twin).ids, self.newbie)
        self.refresh()
        self.assertFalse(self.score(twin).exists())
        self.assertEqual(self.score(self.newbie).frequency, 2)
        self.assertEqual(self.score(self.newbie).monetary, 400)

    def test_margin_as_monetary(self):
        self.products["D"].standard_price = 75.0
        thrifty = self.customer("Thrifty")
        self.order(thrifty, days_ago=5, amount=100, products=("D",))
        self.company.crm_monetary_basis = "margin"
        self.refresh()
        self.assertAlmostEqual(self.score(thrifty).monetary, 25.0, places=2)

    def test_no_sales_at_all(self):
        company = self.env["res.company"].create({"name": "Empty Co"})
        stats = self.refresh(company=company)
        self.assertEqual(stats["customers"], 0)
        self.assertEqual(stats["associations"], 0)

    def test_settings_refuse_bad_thresholds(self):
        with self.assertRaisesText(ValidationError, "four increasing"):
            self.company.crm_recency_thresholds = "90,30,180,365"
        with self.assertRaisesText(ValidationError, "smaller than"):
            self.company.write({"crm_at_risk_factor": 4.0})
        with self.assertRaisesText(ValidationError, "Margin comes from sales orders"):
            self.company.write({"crm_sales_source": "invoices", "crm_monetary_basis": "margin"})
        settings = Form(self.env["res.config.settings"])
        settings.crm_lookback_days = 180
        settings.save().execute()
        self.assertEqual(self.company.crm_lookback_days, 180)

    def test_invoices_as_source(self):
        invoice = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": self.gone.id,
                "invoice_date": self.AS_OF,
                "invoice_line_ids": [
                    (0, 0, {"name": "Service", "price_unit": 900, "tax_ids": [(5, 0, 0)]})
                ],
            }
        )
        invoice.action_post()
        self.company.crm_sales_source = "invoices"
        self.refresh()
        gone = self.score(self.gone)
        self.assertEqual((gone.frequency, gone.monetary, gone.recency_days), (1, 900, 0))
        self.assertFalse(self.score(self.champion), "orders without invoices do not count")
