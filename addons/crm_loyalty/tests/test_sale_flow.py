from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common import LoyaltyCase


@tagged("post_install", "-at_install")
class TestSaleFlow(LoyaltyCase):
    """Earning and redeeming through real sales orders, and every way back: cancellation,
    credit notes, reward lines removed, invoices reset."""

    def kinds(self, card):
        return [(line.crm_kind, line.crm_points) for line in self.lines(card)]

    def test_confirmation_earns_and_redeems_in_two_lines(self):
        first = self.order(amount=150)
        card = self.card()
        self.assertEqual(card.points, 150)
        line = self.lines(card)
        self.assertEqual((line.crm_kind, line.crm_points, line.crm_balance), ("earn", 150, 150))
        self.assertEqual(line.crm_source_ref, first)
        self.assertEqual((line.order_model, line.order_id), ("sale.order", first.id))
        # the next order spends 100 of them on a 10.00 discount and earns 100 more
        second = self.redeem(self.order(amount=100, confirm=False))
        second.action_confirm()
        self.assertEqual(self.kinds(card)[1:], [("earn", 100), ("redeem", -100)])
        redeem = self.lines(card, "redeem")
        self.assertEqual(redeem.crm_lot_id, line, "the oldest points are spent first")
        self.assertEqual(card.points, 150)
        # sale_loyalty's own figures on the order read the ledger lines
        self.assertEqual(second.loyalty_data["issued"], 100)
        self.assertEqual(second.loyalty_data["cost"], 100)
        self.assertLedgerConsistent(card)

    def test_lines_are_written_in_the_members_language(self):
        # the member reads them on the portal and in emails; the clerk's language is English
        self.env["res.lang"]._activate_lang("fa_IR")
        persian = self.env["res.partner"].create({"name": "Persian Member", "lang": "fa_IR"})
        order = self.order(partner=persian, amount=120)
        line = self.lines(self.card(partner=persian))
        self.assertEqual(line.description, f"کسب‌شده در {order.name}")
        order._action_cancel()
        self.assertEqual(
            self.lines(self.card(partner=persian), "clawback").crm_reason, "سفارش لغو شد"
        )

    def test_reward_added_and_repriced_after_confirmation(self):
        self.give(200)
        order = self.order(amount=50)
        card = self.card()
        self.assertEqual(card.points, 250)
        self.redeem(order)
        self.assertEqual(card.points, 150)
        self.assertEqual(self.lines(card, "redeem").crm_source_ref, order)
        # sale_loyalty reprices a reward line on a confirmed order
        order.order_line.filtered("reward_id").points_cost = 60
        self.assertEqual(card.points, 190)
        self.assertEqual(self.lines(card, "giveback").crm_points, 40)
        self.assertLedgerConsistent(card)

    def test_cancel_takes_back_the_earned_and_gives_back_the_redeemed(self):
        self.give(100)
        order = self.redeem(self.order(amount=300, confirm=False))
        order.action_confirm()
        card = self.card()
        self.assertEqual(card.points, 300)
        lines_before = len(card.history_ids)
        order._action_cancel()
        self.assertEqual(card.points, 100)
        # the ledger keeps every line (sale_loyalty would delete the order's history)
        self.assertEqual(len(card.history_ids), lines_before + 2)
        clawback = self.lines(card, "clawback")
        self.assertEqual(clawback.crm_points, -300)
        self.assertEqual(clawback.crm_reason, "Order cancelled")
        self.assertEqual(self.lines(card, "giveback").crm_points, 100)
        self.assertLedgerConsistent(card)
        # confirmed again, it earns again (cancelling removed its reward)
        order.action_draft()
        order.action_confirm()
        self.assertEqual(card.points, 400)
        self.assertLedgerConsistent(card)

    def test_cancel_after_the_points_were_spent_leaves_a_debt(self):
        order = self.order(amount=120)
        card = self.card()
        spend = self.redeem(self.order(amount=20, confirm=False))
        spend.action_confirm()
        self.assertEqual(card.points, 40)
        order._action_cancel()
        self.assertEqual(card.points, -80)
        self.assertLedgerConsistent(card)
        self.order(amount=100)
        self.assertEqual(card.points, 20, "new points pay the debt first")
        self.assertEqual(self.lines(card, "earn")[-1].crm_remaining, 20)
        self.assertLedgerConsistent(card)

    def test_credit_notes_take_back_their_share(self):
        order = self.order(amount=100, qty=4)
        card = self.card()
        invoice = self.invoice(order)
        self.assertEqual(card.points, 400)
        refund = self.credit_note(invoice, amount=100)
        self.assertEqual(card.points, 300, "a quarter of the order is credited")
        clawback = self.lines(card, "clawback")
        self.assertEqual(clawback.crm_source_ref, refund)
        self.assertEqual(clawback.crm_lot_id, self.lines(card, "earn"))
        self.credit_note(invoice, amount=300)
        self.assertEqual(card.points, 0)
        self.assertLedgerConsistent(card)

    def test_full_credit_note_gives_back_the_redeemed_points(self):
        self.give(100)
        order = self.redeem(self.order(amount=50, confirm=False))
        order.action_confirm()
        card = self.card()
        self.assertEqual(card.points, 50)
        self.credit_note(self.invoice(order))
        self.assertEqual(card.points, 100)
        self.assertEqual(self.kinds(card)[-2:], [("giveback", 100), ("clawback", -50)])
        self.assertLedgerConsistent(card)

    def test_credit_note_larger_than_the_invoices_is_refused(self):
        order = self.order(amount=100)
        invoice = self.invoice(order)
        self.credit_note(invoice, amount=60)
        with self.assertRaisesText(UserError, "more than its invoices"):
            self.credit_note(invoice, amount=60)
        self.assertEqual(self.card().points, 40)
        self.assertLedgerConsistent()

    def test_points_earned_when_the_invoice_is_posted(self):
        self.program.crm_earn_timing = "invoice"
        order = self.order(amount=100)
        card = self.card()
        self.assertEqual(card.points, 0, "nothing yet: the order is not invoiced")
        invoice = self.invoice(order)
        self.assertEqual(card.points, 100)
        self.assertEqual(self.lines(card, "earn").crm_source_ref, invoice)
        invoice.button_draft()
        self.assertEqual(card.points, 0)
        invoice.action_post()
        self.assertEqual(card.points, 100)
        self.assertLedgerConsistent(card)

    def test_points_earned_when_the_invoice_is_paid(self):
        self.program.crm_earn_timing = "paid"
        order = self.order(amount=100)
        card = self.card()
        invoice = self.invoice(order)
        self.assertEqual(card.points, 0)
        payment = self.pay(invoice, amount=40)
        self.assertEqual(card.points, 40)
        self.pay(invoice)
        self.assertEqual(card.points, 100)
        payment.move_id.button_draft()
        self.assertEqual(card.points, 60, "the payment taken back takes its points back")
        self.assertLedgerConsistent(card)

    def test_unearned_points_cannot_pay_for_a_reward(self):
        self.program.crm_earn_timing = "invoice"
        order = self.order(amount=200, confirm=False)
        status = order._apply_program_reward(self.reward, self.card())
        self.assertIn("error", status, "the order's own points are not on the card yet")
        self.give(100)
        self.redeem(order)
        order.action_confirm()
        self.assertEqual(self.card().points, 0)
        self.invoice(order)
        self.assertEqual(self.card().points, 200)
        self.assertLedgerConsistent()

    def test_a_confirmed_order_that_grows_earns_more(self):
        order = self.order(amount=100)
        card = self.card()
        order.order_line[0].product_uom_qty = 3
        order._update_programs_and_rewards()
        self.assertEqual(card.points, 300)
        self.assertEqual(self.kinds(card), [("earn", 100), ("earn", 200)])
        order.order_line[0].product_uom_qty = 2
        order._update_programs_and_rewards()
        self.assertEqual(card.points, 200)
        self.assertLedgerConsistent(card)

    def test_overspending_at_confirmation_is_refused(self):
        card = self.give(100)
        order = self.redeem(self.order(amount=10, confirm=False))
        # the points are spent elsewhere meanwhile
        self.env["loyalty.history"]._crm_book(
            [{"card": card, "kind": "redeem", "points": -50, "description": "Elsewhere"}]
        )
        with self.assertRaises(ValidationError):
            order.action_confirm()
        self.assertEqual(order.state, "draft")
        self.assertEqual(card.points, 50)
        self.assertLedgerConsistent(card)

    def test_no_reward_on_a_cancelled_order(self):
        self.give(300)
        order = self.order(amount=50)
        order._action_cancel()
        status = order._apply_program_reward(self.reward, self.card())
        self.assertIn("is cancelled", status["error"])
        self.assertEqual(self.card().points, 300)
        self.assertLedgerConsistent()
