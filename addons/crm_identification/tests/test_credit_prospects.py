from datetime import timedelta

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from ..lib import credit
from .common import InsightCase


@tagged("post_install", "-at_install")
class TestCreditAndProspects(InsightCase):
    """Credit scoring from real invoices and payments, and prospects: contacts with an
    active relationship and no sale yet."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.thirty_days = cls.env.ref("account.account_payment_term_30days")
        cls.payer = cls.customer("Careful Payer", user_id=cls.salesman.id)
        cls.order(cls.payer, days_ago=120, amount=1000)

    def invoice(self, partner, days_ago, amount, paid_days_ago=None):
        """A posted customer invoice due 30 days after its date, paid on the day given."""
        day = self.AS_OF - timedelta(days=days_ago)
        move = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": partner.id,
                "invoice_date": day,
                "date": day,
                "invoice_payment_term_id": self.thirty_days.id,
                "invoice_line_ids": [
                    Command.create(
                        {"name": "Service", "price_unit": amount, "tax_ids": [Command.clear()]}
                    )
                ],
            }
        )
        move.action_post()
        if paid_days_ago is not None:
            self.env["account.payment.register"].with_context(
                active_model="account.move", active_ids=move.ids
            ).create(
                {"payment_date": self.AS_OF - timedelta(days=paid_days_ago)}
            )._create_payments()
        return move

    def test_payment_behaviour_gives_a_score_a_grade_and_a_limit(self):
        self.invoice(self.payer, days_ago=100, amount=600, paid_days_ago=60)  # 10 days late
        self.invoice(self.payer, days_ago=50, amount=300, paid_days_ago=25)  # on time
        self.invoice(self.payer, days_ago=40, amount=100)  # due 10 days ago, open
        self.refresh()
        score = self.score(self.payer)
        self.assertEqual(score.credit_invoices, 3)
        self.assertEqual(score.credit_days_to_pay, (40 + 25) / 2)
        self.assertEqual(score.credit_late_share, 50.0)
        self.assertEqual(score.credit_days_late, 5.0)
        self.assertEqual(score.credit_overdue, 100)
        self.assertEqual(score.credit_overdue_days, 10)
        expected = credit.score(0.5, 5.0, 100, 1000)
        self.assertEqual(score.credit_score, expected)
        self.assertEqual(score.credit_grade, credit.grade(expected))
        limit = credit.suggested_limit(
            score.credit_grade, 1000, self.company.crm_lookback_days, self.company.crm_credit_floor
        )
        self.assertEqual(score.credit_limit_suggested, limit)
        self.assertIn("50% paid after the due date", score.explanation)
        self.assertIn(f"Credit grade {score.credit_grade.upper()}", score.explanation)
        # a segment rule on the grade
        segment = self.env["crm.customer.segment"].create(
            {"name": "Pays badly", "sequence": -1, "rule_domain": "[('credit_score', '<', 90)]"}
        )
        self.refresh()
        self.assertEqual(self.score(self.payer).segment_id, segment)
        # the next day, a payment of the open invoice arrives: the nightly refresh sees it
        # although the sales did not change
        open_invoice = self.env["account.move"].search(
            [("partner_id", "=", self.payer.id), ("payment_state", "=", "not_paid")]
        )
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=open_invoice.ids
        ).create({"payment_date": self.AS_OF})._create_payments()
        stats = self.refresh(as_of=self.AS_OF + timedelta(days=1))
        self.assertEqual(stats["recomputed"], 0)
        self.assertEqual(self.score(self.payer).credit_overdue, 0)
        self.assertEqual(self.score(self.payer).credit_late_share, 66.7)

    def test_managers_apply_the_suggested_limit_users_cannot(self):
        self.invoice(self.payer, days_ago=60, amount=900, paid_days_ago=31)
        self.refresh()
        score = self.score(self.payer)
        self.assertEqual(score.credit_grade, "a")
        for user in (self.salesman, self.manager):  # a manager without billing rights
            with self.assertRaises(AccessError):
                score.with_user(user).action_apply_credit_limit()
        self.manager.groups_id |= self.env.ref("account.group_account_invoice")
        self.company.account_use_credit_limit = True
        action = score.with_user(self.manager).action_apply_credit_limit()
        self.assertEqual(action["params"]["type"], "success")
        self.assertTrue(self.payer.use_partner_credit_limit)
        self.assertEqual(self.payer.credit_limit, score.credit_limit_suggested)
        self.assertIn("Credit limit set to", self.payer.message_ids[0].body)
        unrated = self.customer("Never Invoiced")
        self.order(unrated, days_ago=3, amount=10)
        self.refresh()
        with self.assertRaisesText(UserError, "has no credit grade yet"):
            self.score(unrated).with_user(self.manager).action_apply_credit_limit()

    def test_the_worst_payers_get_the_lowest_limit_never_no_limit(self):
        # every invoice paid three months late, the last one still open: grade E, which
        # suggests no months of sales
        bad = self.customer("Pays Late")
        self.order(bad, days_ago=200, amount=100)
        self.invoice(bad, days_ago=200, amount=400, paid_days_ago=80)
        self.invoice(bad, days_ago=180, amount=400, paid_days_ago=60)
        self.invoice(bad, days_ago=150, amount=400)
        self.company.crm_credit_floor = 10.0
        self.refresh()
        score = self.score(bad)
        self.assertEqual(score.credit_grade, "e")
        # in Odoo a credit limit of 0 is no limit: the lowest limit instead
        self.assertEqual(score.credit_limit_suggested, 10.0)
        self.assertIn("the company's lowest credit limit", score.explanation)
        self.manager.groups_id |= self.env.ref("account.group_account_invoice")
        # the company does not check credit limits: applying says so
        self.company.account_use_credit_limit = False
        action = score.with_user(self.manager).action_apply_credit_limit()
        self.assertEqual(action["params"]["type"], "warning")
        self.assertIn("Turn on Sales Credit Limit", action["params"]["message"])
        bad.invalidate_recordset()
        self.assertEqual((bad.credit_limit, bad.use_partner_credit_limit), (10.0, True))
        # limited, not unlimited: once the company checks limits, a quotation warns
        self.company.account_use_credit_limit = True
        quotation = self.env["sale.order"].create(
            {
                "partner_id": bad.id,
                "order_line": [
                    Command.create({"product_id": self.products["A"].id, "price_unit": 20})
                ],
            }
        )
        self.assertIn("has reached its credit limit", quotation.partner_credit_warning)
        # a lowest limit of 0 would mean no limit: refused
        with self.assertRaisesText(ValidationError, "lowest credit limit must be above 0"):
            self.company.crm_credit_floor = 0

    def test_a_contact_with_an_opportunity_and_no_sale_is_a_prospect(self):
        prospect = self.customer("Interested Co", is_company=True)
        contact = self.customer("Buyer at Interested", parent_id=prospect.id)
        self.env["crm.lead"].create(
            {
                "name": "Forty chairs",
                "type": "opportunity",
                "partner_id": contact.id,
                "expected_revenue": 4000,
            }
        )
        self.refresh()
        self.assertTrue(prospect.crm_prospect)
        self.assertTrue(contact.crm_prospect)
        self.assertFalse(self.payer.crm_prospect)
        self.assertEqual(prospect.crm_engaged_opportunities, 1)
        self.assertEqual(prospect.crm_engaged_pipeline, 4000)
        found = self.env["res.partner"].search([("crm_prospect", "=", True)])
        self.assertIn(prospect, found)
        # their first order makes them a customer: no longer a prospect
        self.order(prospect, days_ago=-1, amount=500)
        self.refresh(as_of=self.AS_OF + timedelta(days=1))
        self.env.invalidate_all()
        self.assertFalse(prospect.crm_prospect)
        self.assertTrue(prospect.crm_score_id)
