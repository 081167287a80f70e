from datetime import timedelta

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import InsightCase

# the lifetime value: predicted again for the customers whose figures changed, the others'
# kept until the weekly recount
CLV = ["p_alive", "expected_orders", "clv", "clv_method", "clv_date"]
# every figure but the dates of the refresh itself
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
    *CLV,
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
        labels with a refresh that computes every customer from the sales. Lifetime values
        are compared where the incremental refresh predicted them again (the model is the
        same: too few customers for BG/NBD, the historical value); the recount predicts
        everyone's. Returns the refresh's stats, its rows and the customers predicted."""
        stats = self.refresh(as_of=as_of)
        rows, labels = self.stored(), self.labels()
        everyone = self.refresh(as_of=as_of, recount=True)
        recounted = self.stored()
        self.assertEqual(everyone["recomputed"], everyone["customers"])

        def without_clv(rows):
            return {p: {k: v for k, v in row.items() if k not in CLV} for p, row in rows.items()}

        self.assertEqual(without_clv(recounted), without_clv(rows))
        predicted = {p for p, row in rows.items() if row["clv_date"] == as_of}
        self.assertEqual({p: recounted[p] for p in predicted}, {p: rows[p] for p in predicted})
        self.assertEqual({row["clv_date"] for row in recounted.values()}, {as_of})
        self.assertEqual(self.labels(), labels)
        return stats, rows, predicted

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
        stats, rows, predicted = self.assertSameAsRecount(self.AS_OF + timedelta(days=5))
        # the leaver and most steady customers were kept from their rows
        self.assertLessEqual(stats["recomputed"], stats["customers"] - 6)
        # lifetime values predicted again for the customers whose figures changed (the
        # leaver's window too), kept as of the first refresh for the others
        changed = {self.grower, self.canceller, self.giver, self.taker, self.early}
        self.assertLessEqual({p.id for p in changed}, predicted)
        self.assertIn(self.leaver.id, predicted)
        self.assertEqual(rows[self.steady[1].id]["clv_date"], self.AS_OF)
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
        stats, rows, _predicted = self.assertSameAsRecount(self.AS_OF + timedelta(days=1))
        self.assertEqual(rows[self.taker.id]["order_count"], 3)
        self.assertLess(stats["recomputed"], stats["customers"])

    def test_nothing_changed_keeps_every_row(self):
        self.refresh()
        before = self.stored()
        stats, rows, predicted = self.assertSameAsRecount(self.AS_OF + timedelta(days=1))
        self.assertEqual(stats["recomputed"], 0)
        self.assertFalse(predicted)
        # a row is written only where a figure moved (a score, a churn status): not every
        # row because a day went by
        moved = [
            p
            for p, row in rows.items()
            if dict(row, recency_days=0) != dict(before[p], recency_days=0)
        ]
        self.assertEqual(stats["written"], len(moved))
        self.assertLess(stats["written"], stats["customers"])
        # the days since the last order follow the day of the figures
        for partner, row in rows.items():
            self.assertEqual(row["recency_days"], before[partner]["recency_days"] + 1)

    def test_days_since_last_order_search_group_and_sort(self):
        self.refresh()
        Score = self.env["crm.customer.score"]
        mine = [("company_id", "=", self.company.id)]
        scores = Score.search(mine)
        days = {score.partner_id.id: score.recency_days for score in scores}
        self.assertEqual(days[self.taker.id], 15)
        self.assertNotIn(self.early.id, days, "sales dated after the figures' day wait")
        for operator, value, expected in [
            ("<=", 15, lambda d: d <= 15),
            (">", 15, lambda d: d > 15),
            ("=", 25, lambda d: d == 25),
            ("in", [12, 15], lambda d: d in (12, 15)),
            ("not in", [12, 15], lambda d: d not in (12, 15)),
        ]:
            found = Score.search([*mine, ("recency_days", operator, value)])
            self.assertEqual(
                set(found.partner_id.ids),
                {p for p, d in days.items() if expected(d)},
                (operator, value),
            )
        # grouped, averaged and sorted in SQL, from the day of the figures
        groups = dict(Score._read_group(mine, ["recency_days"], ["__count"]))
        self.assertEqual(sum(groups.values()), len(scores))
        self.assertEqual(groups[15], list(days.values()).count(15))
        [[average]] = Score._read_group(mine, [], ["recency_days:avg"])
        self.assertAlmostEqual(average, sum(days.values()) / len(days))
        ordered = Score.search(mine, order="recency_days desc, id")
        self.assertEqual(ordered.mapped("recency_days"), sorted(days.values(), reverse=True))
        with self.assertRaisesText(UserError, "whole numbers of days"):
            Score.search([("recency_days", "<", 1.5)])
        # a segment rule on them: put the customers of the last 20 days first
        segment = self.env["crm.customer.segment"].create(
            {"name": "Recent", "sequence": -1, "rule_domain": "[('recency_days', '<=', 20)]"}
        )
        self.refresh(as_of=self.AS_OF + timedelta(days=5))
        recent = Score.search([*mine, ("segment_id", "=", segment.id)])
        self.assertEqual(
            set(recent.partner_id.ids),
            {p for p, d in days.items() if d + 5 <= 20} | {self.early.id},
        )
        self.assertFalse(segment.rule_error)

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

    def test_foreign_currency_sales_leaving_the_window_agree_to_the_last_digit(self):
        # each sale is converted and rounded once, in millionths: the stored total less
        # the sale leaving the window is the recount's sum, to the last digit
        euro = self.env.ref("base.EUR")
        euro.active = True
        euro.rate_ids.unlink()
        self.env["res.currency.rate"].create(
            {"currency_id": euro.id, "name": "2015-01-01", "rate": 0.917119}
        )
        buyer = self.customer("Euro Buyer")
        self.order(buyer, days_ago=363, amount=100.37, currency=euro)
        self.order(buyer, days_ago=100, amount=50.11, currency=euro)
        self.refresh()
        self.assertAlmostEqual(self.stored()[buyer.id]["monetary"], 150.48 / 0.917119, places=5)
        # the order of 363 days ago leaves the window on the third day
        _stats, rows, _predicted = self.assertSameAsRecount(self.AS_OF + timedelta(days=3))
        self.assertEqual(rows[buyer.id]["monetary"], round(50.11 / 0.917119, 6))
