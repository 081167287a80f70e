from datetime import timedelta
from unittest.mock import patch

import numpy as np

from odoo import Command
from odoo.tests import tagged

from ..lib import clv
from .common import InsightCase


@tagged("post_install", "-at_install")
class TestLifetimeValue(InsightCase):
    """The lifetime-value model on a customer base large enough to fit it: 40 customers
    buying every 10 to 50 days, some gone quiet (as in the BG/NBD story)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.base = []
        for i in range(40):
            partner = cls.customer(f"Repeat {i}")
            quiet = 150 if i % 4 == 0 else 0
            for k in range(3):
                cls.order(partner, days_ago=quiet + (10 + i) * k, amount=100 + i)
            cls.base.append(partner)

    def refund(self, partner, amount):
        refund = self.env["account.move"].create(
            {
                "move_type": "out_refund",
                "partner_id": partner.id,
                "invoice_date": self.AS_OF - timedelta(days=1),
                "invoice_line_ids": [
                    Command.create(
                        {"name": "Refund", "price_unit": amount, "tax_ids": [Command.clear()]}
                    )
                ],
            }
        )
        refund.action_post()
        return refund

    def test_orders_of_one_day_are_one_purchase(self):
        # the same purchases, one ordering twice on each of its days and the other once
        split, whole = self.customer("Split Orders"), self.customer("Whole Orders")
        orders = []
        for days_ago, amounts in ((90, (120, 80)), (60, (50, 150)), (20, (300, 100))):
            for amount in amounts:
                self.order(split, days_ago=days_ago, amount=amount)
                orders.append((self.AS_OF - timedelta(days=days_ago), amount))
            self.order(whole, days_ago=days_ago, amount=sum(amounts))
        self.refresh()
        self.assertEqual(self.company.crm_clv_method, "model", self.company.crm_clv_note)
        split_score, whole_score = self.score(split), self.score(whole)
        self.assertEqual((split_score.order_count, whole_score.order_count), (6, 3))
        # what the model is given is the plain-Python definition's: a day is a purchase
        x, t_x, T, first, total = clv.purchase_history(orders, self.AS_OF)
        self.assertEqual((x, t_x, T, first, total), (2, 70, 90, 200, 800))
        self.assertEqual(split_score.purchase_days - 1, x)
        self.assertEqual(split_score.first_value, first)
        self.assertEqual(split_score.total_value, total)
        # and the model sees the same customer twice
        for field in ("p_alive", "expected_orders", "clv", "clv_method"):
            self.assertEqual(split_score[field], whole_score[field], field)

    def test_a_refund_to_nothing_values_the_customer_at_nothing(self):
        spender = self.base[1]
        self.refresh()
        before = self.score(spender)
        self.assertEqual(before.clv_method, "model")
        self.assertGreater(before.clv, 0)
        worth = before.clv
        # the customer's three purchases (303) refunded, and more: a goodwill credit
        self.refund(spender, 303 + 50)
        self.refresh(as_of=self.AS_OF + timedelta(days=1))
        after = self.score(spender)
        self.assertEqual(after.total_value, -50)
        self.assertEqual(after.clv_method, "model")
        self.assertLessEqual(after.clv, worth)
        self.assertEqual(after.clv, 0)
        self.assertIn("Its refunds cancel its purchases", after.explanation)
        # a partial refund of its repeat purchases lowers the value, never raises it
        other = self.base[2]
        worth = self.score(other).clv
        self.refund(other, 100)
        self.refresh(as_of=self.AS_OF + timedelta(days=2))
        self.assertLess(self.score(other).clv, worth)
        self.assertGreater(self.score(other).clv, 0)

    def test_the_explanation_says_which_models_valued_the_purchases(self):
        self.refresh()
        score = self.score(self.base[1])
        self.assertIn("(BG/NBD + Gamma-Gamma model)", score.explanation)
        self.assertIn("Fitted on", self.company.crm_clv_note)
        self.assertNotIn("without a spend model", self.company.crm_clv_note)
        # the spend model dropped: the purchases are valued at the customer's own average
        with patch.object(clv, "fit_spend", lambda *args, **kwargs: {}):
            self.refresh(recount=True)
        params = self.company.crm_clv_params["params"]
        self.assertNotIn("p", params)
        score = self.score(self.base[1])
        self.assertEqual(score.clv_method, "model")
        self.assertNotIn("Gamma-Gamma model)", score.explanation)
        self.assertIn("times its own average purchase value", score.explanation)
        self.assertIn(
            "(BG/NBD model; no spend model: the Gamma-Gamma spend model did not converge)",
            score.explanation,
        )
        self.assertIn("without a spend model", self.company.crm_clv_note)
        # and its value is that: expected purchases x its own average purchase
        own = score.total_value / score.purchase_days
        self.assertAlmostEqual(
            score.clv, score.expected_orders * own * self._discount(score), delta=1
        )

    def _discount(self, score):
        """The ratio of the discounted to the undiscounted expected purchases of a score."""
        params = self.company.crm_clv_params["params"]
        x = np.array([score.purchase_days - 1.0])
        t_x = np.array([float((score.last_order_date - score.first_order_date).days)])
        T = np.array([float((self.AS_OF - score.first_order_date).days)])
        discounted, total = clv.discounted_purchases(
            params, self.company.crm_clv_horizon_days, x, t_x, T, 0.1
        )
        return float(discounted[0] / total[0])
