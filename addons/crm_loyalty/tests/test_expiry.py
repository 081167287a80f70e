from datetime import date

from odoo.tests import freeze_time, tagged

from .common import LoyaltyCase


@tagged("post_install", "-at_install")
class TestExpiry(LoyaltyCase):
    """Points expire lot by lot, oldest spent first; reminders before; transfers keep the
    lots' expiry dates."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.program.write({"crm_expiry_months": 6, "crm_reminder_days": 10})

    def expire(self):
        return self.env["loyalty.history"]._crm_expire_points()

    def test_lots_expire_oldest_spent_first(self):
        with freeze_time("2025-01-05 09:00:00"):
            self.order(amount=100)
            card = self.card()
            first = self.lines(card, "earn")
            self.assertEqual(first.crm_expiry_date, date(2025, 7, 5))
        with freeze_time("2025-03-05 09:00:00"):
            self.order(amount=50)
            second = self.lines(card, "earn")[-1]
            self.assertEqual(second.crm_expiry_date, date(2025, 9, 5))
        with freeze_time("2025-04-01 09:00:00"):
            spend = self.redeem(self.order(amount=30, confirm=False))
            spend.action_confirm()
            # the 30 points this order earns are a third lot; the redemption took the
            # oldest lot
            self.assertEqual((first.crm_remaining, second.crm_remaining), (0, 50))
            self.assertEqual(card.points, 80)
        with freeze_time("2025-07-06 09:00:00"):
            self.assertEqual(self.expire(), (0, 0), "the oldest lot was spent: nothing expires")
        with freeze_time("2025-09-06 09:00:00"):
            self.assertEqual(self.expire(), (1, 0))
            expired = self.lines(card, "expire")
            self.assertEqual(expired.crm_lot_id, second)
            self.assertEqual((expired.crm_points, expired.crm_balance), (-50, 30))
            self.assertEqual(card.points, 30)
            self.assertEqual(self.expire(), (0, 0), "safe to run twice")
        self.assertLedgerConsistent(card)

    def test_several_lots_of_a_card_expire_together(self):
        with freeze_time("2025-01-05 09:00:00"):
            self.order(amount=100)
            self.order(amount=40)
            self.order(amount=10)
        card = self.card()
        with freeze_time("2025-08-01 09:00:00"):
            self.env["loyalty.history"]._cron_expire_points()
        lines = self.lines(card, "expire")
        self.assertEqual(lines.mapped("crm_points"), [-100, -40, -10])
        self.assertEqual(lines.mapped("crm_balance"), [50, 10, 0])
        self.assertEqual(card.points, 0)
        self.assertLedgerConsistent(card)

    def test_expiring_soon_and_reminder(self):
        with freeze_time("2025-01-05 09:00:00"):
            self.order(amount=100)
        card = self.card()
        with freeze_time("2025-06-20 09:00:00"):
            card.invalidate_recordset(["crm_expiring_points"])
            self.assertEqual(card.crm_expiring_points, 0, "not within the 10 days yet")
            self.assertEqual(self.env["loyalty.history"]._cron_send_expiry_reminders(), 0)
        with freeze_time("2025-06-28 09:00:00"):
            card.invalidate_recordset(["crm_expiring_points", "crm_expiring_date"])
            self.assertEqual(card.crm_expiring_points, 100)
            self.assertEqual(card.crm_expiring_date, date(2025, 7, 5))
            self.assertEqual(self.env["loyalty.history"]._cron_send_expiry_reminders(), 1)
            mail = self.env["mail.mail"].search(
                [("model", "=", "loyalty.card"), ("res_id", "=", card.id)]
            )
            self.assertEqual(len(mail), 1)
            self.assertIn("expire soon", mail.subject)
            self.assertIn("100", mail.body_html)
            self.assertEqual(
                self.env["loyalty.history"]._cron_send_expiry_reminders(), 0, "once per lot"
            )

    def test_transfer_keeps_the_lots_expiry(self):
        other = self.env["res.partner"].create({"name": "Family Member"})
        with freeze_time("2025-01-05 09:00:00"):
            self.order(amount=100)
        with freeze_time("2025-02-05 09:00:00"):
            self.order(amount=100)
            card = self.card()
            target = self.env["loyalty.card"].create(
                {"program_id": self.program.id, "partner_id": other.id}
            )
            wizard = (
                self.env["crm.loyalty.transfer"]
                .with_user(self.manager)
                .create(
                    {
                        "card_id": card.id,
                        "target_card_id": target.id,
                        "points": 150,
                        "reason": "Gift",
                    }
                )
            )
            wizard.action_confirm()
        self.assertEqual((card.points, target.points), (50, 150))
        received = self.lines(target, "transfer")
        self.assertEqual(received.mapped("crm_points"), [100, 50])
        self.assertEqual(received.mapped("crm_expiry_date"), [date(2025, 7, 5), date(2025, 8, 5)])
        self.assertEqual(self.lines(card, "transfer").mapped("crm_points"), [-100, -50])
        self.assertLedgerConsistent(card | target)

    def test_merged_contacts_keep_their_points(self):
        twin = self.env["res.partner"].create({"name": "Loyal Customer (old)"})
        self.order(amount=100)
        self.order(twin, amount=70)
        twin_card = self.card(twin)
        wizard = self.env["base.partner.merge.automatic.wizard"].create({})
        wizard._merge((self.partner | twin).ids, self.partner)
        card = self.card()
        self.assertEqual(card.points, 170)
        self.assertFalse(twin_card.active)
        self.assertEqual(twin_card.points, 0)
        self.assertEqual(self.lines(card, "transfer").crm_points, 70)
        self.assertLedgerConsistent(card | twin_card)
