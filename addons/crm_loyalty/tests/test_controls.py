from odoo.exceptions import AccessError, UserError
from odoo.tests import freeze_time, new_test_user, tagged

from .common import LoyaltyCase


@tagged("post_install", "-at_install")
class TestControls(LoyaltyCase):
    """Tiers given by hand until an end date, and limits on manual adjustments with the
    approver's decision above them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Tier = cls.env["crm.loyalty.tier"]
        cls.silver = Tier.create(
            {"name": "Ctl Silver", "program_id": cls.program.id, "qualify_from": 100}
        )
        cls.gold = Tier.create(
            {"name": "Ctl Gold", "program_id": cls.program.id, "qualify_from": 1000}
        )
        cls.approver = new_test_user(
            cls.env, "ctl_approver", groups="crm_loyalty.group_crm_loyalty_manager"
        )
        cls.limit = cls.env["crm.loyalty.limit"].create(
            {
                "user_id": cls.manager.id,
                "approver_id": cls.approver.id,
                "adjust_points": 50,
                "goodwill_points": 50,
                "goodwill_credit": 10,
            }
        )

    def override(self, card, **vals):
        wizard = (
            self.env["crm.loyalty.tier.override"]
            .with_user(self.manager)
            .create(dict({"card_id": card.id}, **vals))
        )
        return wizard

    def test_manual_tier_until_its_end_date(self):
        with freeze_time("2025-01-10 10:00:00"):
            self.order(amount=150)
            card = self.card()
            self.assertEqual(card.crm_tier_id, self.silver)
            with self.assertRaisesText(UserError, "end date"):
                self.override(card, tier_id=self.gold.id, reason="vip").action_confirm()
            self.override(
                card,
                tier_id=self.gold.id,
                reason="status_match",
                note="Rival club gold",
                date_end="2025-01-31",
            ).action_confirm()
            self.assertEqual(card.crm_tier_id, self.gold)
            self.assertEqual(card.crm_tier_manual_reason, "status_match")
            self.assertEqual(card.crm_tier_history_ids[:1].new_tier_id, self.gold)
        with freeze_time("2025-01-20 10:00:00"):
            self.program._crm_review_tiers()
            self.assertEqual(card.crm_tier_id, self.gold, "the review leaves a manual tier")
        with freeze_time("2025-01-31 10:00:00"):
            self.env["crm.loyalty.tier"]._cron_end_manual_tiers()
            self.assertEqual(card.crm_tier_id, self.gold, "kept through its last day")
        with freeze_time("2025-02-01 02:00:00"):
            self.env["crm.loyalty.tier"]._cron_end_manual_tiers()
            self.assertEqual(card.crm_tier_id, self.silver, "back to the tier of the points")
            self.assertFalse(card.crm_tier_manual_until)
            self.assertFalse(card.crm_tier_manual_reason)
            last = self.env["crm.loyalty.tier.history"].search(
                [("card_id", "=", card.id)], limit=1
            )
            self.assertEqual((last.old_tier_id, last.new_tier_id), (self.gold, self.silver))

    def test_manual_tier_is_for_managers_and_not_written_directly(self):
        self.order(amount=150)
        card = self.card()
        with self.assertRaises(AccessError):
            self.env["crm.loyalty.tier.override"].with_user(self.user).create(
                {"card_id": card.id, "tier_id": self.gold.id, "date_end": "2099-01-01"}
            )
        with self.assertRaises(UserError):
            card.with_user(self.manager).write({"crm_tier_manual_until": "2099-01-01"})

    def adjust(self, card, points, user=None):
        wizard = (
            self.env["crm.loyalty.adjust"]
            .with_user(user or self.manager)
            .create({"card_id": card.id, "points": points, "reason": "Goodwill"})
        )
        return wizard.action_confirm()

    def test_within_the_limit_applies_at_once(self):
        card = self.give(0)
        self.adjust(card, 40)
        self.assertEqual(card.points, 40)
        self.assertFalse(self.env["crm.loyalty.approval"].search([("card_id", "=", card.id)]))

    def test_above_the_limit_waits_for_the_approver(self):
        card = self.give(0)
        Approval = self.env["crm.loyalty.approval"]
        action = self.adjust(card, 80)
        self.assertEqual(action["params"]["type"], "warning")
        self.assertEqual(card.points, 0, "nothing booked before the approval")
        approval = Approval.search([("card_id", "=", card.id)])
        self.assertEqual(
            (approval.state, approval.requester_id, approval.approver_id, approval.quantity),
            ("pending", self.manager, self.approver, 80),
        )
        activity = approval.activity_ids
        self.assertEqual(activity.user_id, self.approver)
        with self.assertRaises(AccessError):
            approval.with_user(self.manager).action_approve()
        approval.with_user(self.approver).action_approve()
        self.assertEqual(card.points, 80)
        line = self.lines(card, "adjust")
        self.assertEqual(line.crm_approval_id, approval)
        self.assertEqual(line.crm_approved_by_id, self.approver)
        self.assertEqual(line.crm_requested_by_id, self.manager)
        self.assertTrue(line.crm_approved_on)
        self.assertFalse(approval.activity_ids, "the activity is done")
        with self.assertRaisesText(UserError, "already decided"):
            approval.with_user(self.approver).action_approve()
        self.assertLedgerConsistent()

    def test_refused_leaves_nothing(self):
        card = self.give(0)
        self.adjust(card, 90)
        approval = self.env["crm.loyalty.approval"].search([("card_id", "=", card.id)])
        approval.with_user(self.approver).action_refuse()
        self.assertEqual(approval.state, "refused")
        self.assertEqual(card.points, 0)
        self.assertFalse(self.lines(card))

    def test_balance_written_directly_above_the_limit_is_refused(self):
        card = self.give(0)
        with self.assertRaisesText(UserError, "above your limit"):
            card.with_user(self.manager).with_context(crm_loyalty_reason="Forged").write(
                {"points": 500}
            )
        with self.assertRaises(UserError):
            self.limit.with_user(self.manager).write({"adjust_points": 10**6})
