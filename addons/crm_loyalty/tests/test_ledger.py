from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import LoyaltyCase


@tagged("post_install", "-at_install")
class TestLedger(LoyaltyCase):
    """The ledger's own rules: lots spent oldest first, manual adjustments, debts, and
    lines that cannot be rewritten."""

    def book(self, card, kind, points, **move):
        return self.env["loyalty.history"]._crm_book(
            [dict(move, card=card, kind=kind, points=points, description=kind)]
        )

    def test_oldest_lots_are_spent_first(self):
        card = self.give(100, reason="First")
        self.give(50, reason="Second")
        first, second = self.lines(card)
        spent = self.book(card, "redeem", -120)
        self.assertEqual(spent.mapped("crm_lot_id"), first + second)
        self.assertEqual(spent.mapped("crm_points"), [-100, -20])
        self.assertEqual(spent.mapped("crm_balance"), [50, 30])
        self.assertEqual((first.crm_remaining, second.crm_remaining), (0, 30))
        self.assertEqual(card.points, 30)
        self.assertLedgerConsistent(card)

    def test_manual_adjustment_needs_manager_and_reason(self):
        card = self.give(10)
        with self.assertRaises(AccessError):
            card.with_user(self.user).with_context(crm_loyalty_reason="Gift").points = 50
        with self.assertRaisesText(UserError, "needs a reason"):
            card.with_user(self.manager).points = 50
        card.with_user(self.manager).with_context(crm_loyalty_reason="Gift").points = 50
        line = self.lines(card, "adjust")[-1]
        self.assertEqual(
            (line.crm_points, line.crm_reason, line.create_uid), (40, "Gift", self.manager)
        )
        with self.assertRaisesText(UserError, "cannot be taken"):
            card.with_user(self.manager).with_context(crm_loyalty_reason="Oops").points = -5
        self.assertEqual(card.points, 50)
        # Odoo's Update Balance wizard is an adjustment with its description as the reason
        wizard = (
            self.env["loyalty.card.update.balance"]
            .with_user(self.manager)
            .create({"card_id": card.id, "new_balance": 35, "description": "Damaged voucher"})
        )
        wizard.action_update_card_point()
        # 15 points out of two lots, oldest first: one line per lot
        lines = self.lines(card, "adjust")[-2:]
        self.assertEqual(lines.mapped("crm_points"), [-10, -5])
        self.assertEqual(set(lines.mapped("crm_reason")), {"Damaged voucher"})
        self.assertEqual(card.points, 35)
        self.assertLedgerConsistent(card)

    def test_clawback_beyond_the_balance_is_a_debt_paid_first(self):
        card = self.give(30)
        lines = self.book(card, "clawback", -50)
        self.assertEqual(lines.mapped("crm_points"), [-30, -20])
        self.assertFalse(lines[1].crm_lot_id, "the part no lot covered is a debt")
        self.assertEqual(card.points, -20)
        self.assertLedgerConsistent(card)
        earned = self.book(card, "earn", 50)
        self.assertEqual(earned.crm_remaining, 30, "the new lot pays the debt first")
        self.assertEqual(card.points, 30)
        self.assertLedgerConsistent(card)

    def test_archived_or_expired_card_cannot_spend(self):
        card = self.give(100)
        card.active = False
        with self.assertRaisesText(UserError, "archived"):
            self.book(card, "redeem", -10)
        card.active = True
        card.sudo().write({"expiration_date": "2000-01-01"})
        with self.assertRaisesText(UserError, "expired"):
            self.book(card, "redeem", -10)
        self.assertEqual(card.points, 100)

    def test_ledger_lines_cannot_be_changed_or_deleted(self):
        card = self.give(100)
        line = self.lines(card)
        with self.assertRaisesText(UserError, "cannot be changed"):
            line.used = 5
        with self.assertRaisesText(UserError, "cannot be deleted"):
            line.unlink()
        with self.assertRaisesText(UserError, "writes its own lines"):
            self.env["loyalty.history"].create(
                {"card_id": card.id, "description": "Sneaky", "issued": 500}
            )
        self.assertEqual(card.points, 100)
        self.assertLedgerConsistent(card)

    def test_other_programmes_keep_odoo_history(self):
        plain = self.program.copy({"name": "Plain Club", "crm_enabled": False})
        card = self.env["loyalty.card"].create(
            {"program_id": plain.id, "partner_id": self.partner.id, "points": 40}
        )
        card.points = 60
        self.assertFalse(card.history_ids, "Odoo writes no history for a direct change")
        line = self.env["loyalty.history"].create(
            {"card_id": card.id, "description": "Odoo's own", "issued": 5}
        )
        line.unlink()

    def test_no_context_key_switches_a_guard_off(self):
        """The client controls the context: with every key this addon ever read, the
        lowest loyalty group (a salesperson, who may write cards and history in
        sale_loyalty) and even a manager change nothing around the ledger."""
        forged = {
            "crm_loyalty_booking": True,
            "crm_loyalty_order_sync": True,
            "crm_loyalty_reason": "Forged",
        }
        card = self.give(100)
        line = self.lines(card)
        tier = self.env["crm.loyalty.tier"].create(
            {"name": "Forged Gold", "program_id": self.program.id, "qualify_from": 10**6}
        )
        user_card = card.with_user(self.user).with_context(**forged)
        with self.assertRaises(AccessError):
            user_card.write({"points": 10**6})
        with self.assertRaises(AccessError):
            user_card.write({"partner_id": self.manager.partner_id.id})
        for vals in ({"crm_tier_id": tier.id}, {"crm_qualifying": 10**7}):
            with self.assertRaisesText(UserError, "written by the points ledger only"):
                card.with_user(self.manager).with_context(**forged).write(vals)
        History = self.env["loyalty.history"].with_context(**forged)
        for user in (self.user, self.manager):
            with self.assertRaisesText(UserError, "writes its own lines"):
                History.with_user(user).create(
                    {"card_id": card.id, "description": "Forged", "issued": 10**6}
                )
            for vals in ({"issued": 10**6}, {"crm_remaining": 10**6}, {"description": "x"}):
                with self.assertRaisesText(UserError, "cannot be changed"):
                    line.with_user(user).with_context(**forged).write(vals)
            with self.assertRaises(UserError):
                line.with_user(user).with_context(**forged).unlink()
        wizard = (
            self.env["loyalty.card.update.balance"]
            .with_user(self.user)
            .with_context(**forged)
            .create({"card_id": card.id, "new_balance": 10**6, "description": "Forged"})
        )
        with self.assertRaises(AccessError):
            wizard.action_update_card_point()
        # a plain programme's line cannot be dressed up as a ledger lot either
        plain = self.program.copy({"name": "Plain Club", "crm_enabled": False})
        plain_card = self.env["loyalty.card"].create(
            {"program_id": plain.id, "partner_id": self.partner.id}
        )
        with self.assertRaisesText(UserError, "writes its own lines"):
            History.with_user(self.user).create(
                {"card_id": plain_card.id, "description": "x", "crm_remaining": 500}
            )
        # nor can a card move into the ledger with points the ledger never booked
        with self.assertRaisesText(UserError, "cannot move into or out of"):
            plain_card.with_user(self.manager).write({"program_id": self.program.id})
        self.env.invalidate_all()
        self.assertEqual(card.points, 100)
        self.assertEqual(self.lines(card), line)
        self.assertEqual((line.issued, line.crm_remaining), (100, 100))
        self.assertFalse(card.crm_tier_id)
        self.assertLedgerConsistent(card)
