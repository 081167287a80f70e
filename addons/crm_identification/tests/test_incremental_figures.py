from datetime import timedelta

from odoo.tests import tagged

from .common import InsightCase

# every stored figure but the dates of the refresh itself
FIGURES = [
    "user_id",
    "first_order_date",
    "last_order_date",
    "order_count",
    "purchase_days",
    "total_value",
    "recency_days",
    "frequency",
    "monetary",
    "recency_score",
    "frequency_score",
    "monetary_score",
    "rfm_code",
    "segment_id",
    "value_tier",
    "churn_status",
    "usual_interval_days",
    "lost_date",
    "p_alive",
    "expected_orders",
    "clv",
    "clv_method",
]
LABELS = [
    "crm_segment_id",
    "crm_value_tier",
    "crm_churn_status",
    "crm_recency_score",
    "crm_frequency_score",
    "crm_monetary_score",
]


@tagged("post_install", "-at_install")
class TestIncrementalFigures(InsightCase):
    """The nightly refresh computes anew only the customers whose sales changed and keeps
    the others' stored figures, less the sales leaving the window: what it stores must be
    what a refresh computing every customer from the sales stores."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.crm_score_method = "quintile"
        c = cls.customer
        cls.steady = [c(f"Steady {i}") for i in range(6)]
        cls.grower, cls.canceller, cls.giver, cls.taker = (
            c("Grower"),
            c("Canceller"),
            c("Giver"),
            c("Taker"),
        )
        cls.archived, cls.leaver, cls.early = c("Archived"), c("Leaver"), c("Early")
        cls.parent = c("Parent Co", is_company=True)
        cls.moved = c("Moved Contact", parent_id=cls.parent.id)
        for i, partner in enumerate(cls.steady):
            for days in range(5 + i, 300, 40 + 10 * i):
                cls.order(partner, days_ago=days, amount=100 + 37 * i)
        cls.order(cls.grower, days_ago=50, amount=400)
        cls.cancelled = cls.order(cls.canceller, days_ago=20, amount=900)
        cls.order(cls.canceller, days_ago=200, amount=120)
        cls.given = cls.order(cls.giver, days_ago=30, amount=700)
        cls.order(cls.giver, days_ago=90, amount=80)
        cls.order(cls.taker, days_ago=15, amount=60)
        cls.order(cls.archived, days_ago=25, amount=300)
        # leaves the window (365 days) on the third day after AS_OF
        cls.order(cls.leaver, days_ago=362, amount=500)
        cls.order(cls.leaver, days_ago=10, amount=50)
        # dated after AS_OF: counts from the refresh of that day on
        cls.order(cls.early, days_ago=-4, amount=250)
        cls.order(cls.moved, days_ago=12, amount=330)
        cls.order(cls.parent, days_ago=70, amount=210)

    def stored(self):
        self.env.invalidate_all()
        scores = self.env["crm.customer.score"].search([("company_id", "=", self.company.id)])
        return {row["partner_id"][0]: row for row in scores.read(["partner_id", *FIGURES])}

    def labels(self):
        self.env.invalidate_all()
        contacts = self.env["res.partner"].search([("name", "!=", False)])
        return {row["id"]: row for row in contacts.read(LABELS)}

    def assertSameAsRecount(self, as_of):
        """Refresh incrementally on as_of, then compare every row and every contact's
        labels with a refresh that computes every customer from the sales."""
        stats = self.refresh(as_of=as_of)
        rows, labels = self.stored(), self.labels()
        everyone = self.refresh(as_of=as_of, recount=True)
        self.assertEqual(everyone["recomputed"], everyone["customers"])
        self.assertEqual(self.stored(), rows)
        self.assertEqual(self.labels(), labels)
        return stats, rows

    def test_changed_customers_are_computed_anew_and_the_others_kept(self):
        first = self.refresh()
        self.assertEqual(first["recomputed"], first["customers"])
        # through the ORM: a new order, a cancelled one, an order given to another
        # customer, a customer archived, a contact moved to another company, a new
        # contact of a customer
        self.order(self.grower, days_ago=-2, amount=800)
        self.cancelled._action_cancel()
        self.given.partner_id = self.taker
        self.archived.active = False
        self.moved.parent_id = self.giver
        newcomer = self.customer("Newcomer", parent_id=self.steady[0].id)
        stats, rows = self.assertSameAsRecount(self.AS_OF + timedelta(days=5))
        # the leaver and most steady customers were kept from their rows
        self.assertLessEqual(stats["recomputed"], stats["customers"] - 6)
        self.assertNotIn(self.archived.id, rows)
        self.assertEqual(rows[self.grower.id]["order_count"], 2)
        self.assertEqual(rows[self.canceller.id]["monetary"], 120)
        self.assertEqual(rows[self.taker.id]["order_count"], 2)
        self.assertEqual(rows[self.giver.id]["order_count"], 2)
        self.assertEqual(rows[self.early.id]["order_count"], 1)
        # the order of 362 days ago left the window, without the leaver being touched
        self.assertEqual(rows[self.leaver.id]["frequency"], 1)
        self.assertEqual(rows[self.leaver.id]["monetary"], 50)
        self.assertEqual(rows[self.leaver.id]["order_count"], 2)
        # the new contact has its customer's labels
        self.assertTrue(self.steady[0].crm_segment_id)
        self.assertEqual(newcomer.crm_segment_id, self.steady[0].crm_segment_id)

    def test_merged_partners_are_computed_anew(self):
        self.refresh()
        wizard = self.env["base.partner.merge.automatic.wizard"]
        # the merge moves the giver's orders to the taker in SQL
        wizard._merge([self.giver.id, self.taker.id], self.taker, extra_checks=False)
        stats, rows = self.assertSameAsRecount(self.AS_OF + timedelta(days=1))
        self.assertEqual(rows[self.taker.id]["order_count"], 3)
        self.assertLess(stats["recomputed"], stats["customers"])

    def test_nothing_changed_keeps_every_row(self):
        self.refresh()
        stats, _rows = self.assertSameAsRecount(self.AS_OF + timedelta(days=1))
        self.assertEqual(stats["recomputed"], 0)

    def test_a_change_made_in_sql_waits_for_the_recount(self):
        self.refresh()
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE sale_order SET amount_untaxed = 1000 WHERE id = %s", [self.given.id]
        )
        self.refresh(as_of=self.AS_OF + timedelta(days=1))
        self.assertEqual(self.stored()[self.giver.id]["monetary"], 780)
        self.refresh(as_of=self.AS_OF + timedelta(days=1), recount=True)
        self.assertEqual(self.stored()[self.giver.id]["monetary"], 1080)

    def test_another_basis_computes_everyone(self):
        self.refresh()
        self.company.crm_lookback_days = 180
        stats = self.refresh(as_of=self.AS_OF + timedelta(days=1))
        self.assertEqual(stats["recomputed"], stats["customers"])
        # and an earlier day than the stored figures' too
        stats = self.refresh(as_of=self.AS_OF)
        self.assertEqual(stats["recomputed"], stats["customers"])
