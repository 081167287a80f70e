from contextlib import contextmanager

from odoo.fields import Command
from odoo.tests import TransactionCase, new_test_user


class LoyaltyCase(TransactionCase):
    """A loyalty programme run with the points ledger (1 point per currency unit spent,
    a 10.00 discount for 100 points), real sales orders confirmed through sale_loyalty,
    and a check of the ledger after each flow."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        # the demo programmes stay out of the way, as in sale_loyalty's own tests
        cls.env["loyalty.program"].search([]).write({"active": False})
        cls.company = cls.env.company
        cls.product = cls.env["product.product"].create(
            {
                "name": "Loyalty Widget",
                "type": "service",
                "invoice_policy": "order",
                "list_price": 100.0,
                "taxes_id": [Command.clear()],
            }
        )
        cls.program = cls.env["loyalty.program"].create(
            {
                "name": "Club",
                "program_type": "loyalty",
                "applies_on": "both",
                "trigger": "auto",
                "portal_visible": True,
                "crm_enabled": True,
                "rule_ids": [
                    Command.create({"reward_point_mode": "money", "reward_point_amount": 1})
                ],
                "reward_ids": [
                    Command.create(
                        {
                            "reward_type": "discount",
                            "discount_mode": "per_order",
                            "discount": 10,
                            "discount_applicability": "order",
                            "required_points": 100,
                            "description": "10.00 off",
                        }
                    )
                ],
            }
        )
        cls.reward = cls.program.reward_ids
        cls.partner = cls.env["res.partner"].create(
            {"name": "Loyal Customer", "email": "loyal@example.com"}
        )
        cls.user = new_test_user(
            cls.env, "loyalty_user", groups="crm_loyalty.group_crm_loyalty_user"
        )
        cls.manager = new_test_user(
            cls.env,
            "loyalty_manager",
            groups="crm_loyalty.group_crm_loyalty_manager,sales_team.group_sale_manager",
        )

    # ------------------------------------------------------------------ helpers

    @classmethod
    def order(cls, partner=None, amount=100.0, qty=1, confirm=True, program=None):
        """A sales order of `qty` widgets at `amount` each (no taxes), confirmed."""
        order = cls.env["sale.order"].create(
            {
                "partner_id": (partner or cls.partner).id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": cls.product.id,
                            "product_uom_qty": qty,
                            "price_unit": amount,
                            "tax_id": [Command.clear()],
                        }
                    )
                ],
            }
        )
        order._update_programs_and_rewards()
        if confirm:
            order.action_confirm()
        return order

    @classmethod
    def card(cls, partner=None, program=None):
        return cls.env["loyalty.card"].search(
            [
                ("partner_id", "=", (partner or cls.partner).id),
                ("program_id", "=", (program or cls.program).id),
            ]
        )

    @classmethod
    def give(cls, points, partner=None, program=None, reason="Opening"):
        """`points` on the partner's card, as a manager's adjustment."""
        card = cls.card(partner, program)
        if not card:
            card = cls.env["loyalty.card"].create(
                {
                    "program_id": (program or cls.program).id,
                    "partner_id": (partner or cls.partner).id,
                }
            )
        card.with_context(crm_loyalty_reason=reason).points = card.points + points
        return card

    def invoice(self, order, post=True):
        invoice = order._create_invoices()
        if post:
            invoice.action_post()
        return invoice

    def credit_note(self, invoice, amount=None):
        """A credit note of the whole invoice, or of `amount` (one line at that price)."""
        reversal = (
            self.env["account.move.reversal"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"journal_id": invoice.journal_id.id, "reason": "Returned"})
        )
        reversal.refund_moves()
        refund = invoice.reversal_move_ids[-1]
        if amount is not None:
            refund.invoice_line_ids[1:].unlink()
            refund.invoice_line_ids.write({"quantity": 1, "price_unit": amount})
        refund.action_post()
        return refund

    def pay(self, invoice, amount=None):
        register = self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids
        )
        values = {"amount": amount} if amount is not None else {}
        return register.create(values)._create_payments()

    def redeem(self, order, reward=None, card=None):
        """Claim `reward` (the 10.00 discount) on the order with the partner's card."""
        card = card or self.card(order.partner_id)
        status = order._apply_program_reward(reward or self.reward, card)
        self.assertNotIn("error", status, status.get("error"))
        return order

    def lines(self, card, kind=None):
        domain = [("card_id", "=", card.id), ("crm_kind", "!=", False)]
        if kind:
            domain.append(("crm_kind", "=", kind))
        return self.env["loyalty.history"].search(domain, order="id")

    def assertLedgerConsistent(self, cards=None):
        """Every ledger card's points equal the sum of its ledger, and its unspent lots add
        up to its balance."""
        broken = (cards or self.env["loyalty.card"])._crm_check_ledger()
        self.assertEqual(broken, [], "cards whose ledger does not add up")

    @contextmanager
    def assertRaisesText(self, exception, text):
        """Odoo's assertRaises (rolls back what the failed call changed) plus the message."""
        with self.assertRaises(exception) as caught:
            yield caught
        self.assertIn(text, str(caught.exception))
