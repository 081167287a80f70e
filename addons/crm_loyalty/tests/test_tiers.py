from datetime import date

from odoo.fields import Command
from odoo.tests import freeze_time, tagged

from .common import LoyaltyCase


@tagged("post_install", "-at_install")
class TestTiers(LoyaltyCase):
    """Members climb as soon as they qualify and move down only at a review after the
    grace period; the tier multiplies the points, limits rewards and promotions, and shows
    on the contact and the order."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.program.write(
            {"crm_qualify_months": 12, "crm_grace_months": 3, "crm_review_months": 1}
        )
        Tier = cls.env["crm.loyalty.tier"]
        cls.bronze, cls.silver, cls.gold = Tier.create(
            [
                {"name": "Bronze", "program_id": cls.program.id, "qualify_from": 0},
                {
                    "name": "Silver",
                    "program_id": cls.program.id,
                    "qualify_from": 500,
                    "multiplier": 1.5,
                },
                {
                    "name": "Gold",
                    "program_id": cls.program.id,
                    "qualify_from": 1000,
                    "multiplier": 2,
                },
            ]
        )

    def test_upgrade_as_soon_as_the_member_qualifies(self):
        self.order(amount=100)
        card = self.card()
        self.assertEqual(card.crm_tier_id, self.bronze)
        self.assertEqual(card.crm_qualifying, 100)
        self.assertEqual(card.crm_next_tier_id, self.silver)
        self.assertEqual(card.crm_to_next_tier, 400)
        self.assertAlmostEqual(card.crm_tier_progress, 20)
        self.order(amount=450)
        self.assertEqual(card.crm_tier_id, self.silver)
        history = card.crm_tier_history_ids.sorted("id")
        self.assertEqual(history.mapped("new_tier_id"), self.bronze + self.silver)
        self.assertEqual(history[-1].direction, "up")
        self.assertIn("Upgraded from Bronze to Silver", history[-1].reason)
        self.assertIn("Upgraded from Bronze to Silver", card.message_ids[0].body)
        # a Silver member earns one and a half times the points
        self.order(amount=100)
        self.assertEqual(self.lines(card, "earn")[-1].crm_points, 150)
        self.assertEqual(card.crm_qualifying, 700)
        # the tier shows on the contact and on the sales order
        self.assertEqual(self.partner.crm_loyalty_tier_ids, self.silver)
        self.assertEqual(self.order(amount=1, confirm=False).crm_loyalty_tier_ids, self.silver)
        self.assertLedgerConsistent(card)

    def test_downgrade_only_at_a_review_after_the_grace_period(self):
        with freeze_time("2025-01-10 10:00:00"):
            order = self.order(amount=1200)
            card = self.card()
            self.assertEqual(card.crm_tier_id, self.gold)
            self.invoice(order)
        with freeze_time("2025-02-01 10:00:00"):
            self.program._crm_review_tiers()
            self.assertEqual(card.crm_tier_qualified_on, date(2025, 2, 1), "still qualifies")
        with freeze_time("2025-03-01 10:00:00"):
            # a full credit note takes the points back: the member no longer qualifies...
            self.credit_note(order.invoice_ids)
            self.assertEqual(card.crm_qualifying, 0)
            self.assertEqual(card.crm_tier_id, self.gold, "...but keeps Gold until a review")
        with freeze_time("2025-04-01 10:00:00"):
            self.program._crm_review_tiers()
            self.assertEqual(card.crm_tier_id, self.gold, "within the grace period")
        with freeze_time("2025-05-02 10:00:00"):
            changes = self.program._crm_review_tiers()
            self.assertEqual(changes, 1)
            self.assertEqual(card.crm_tier_id, self.bronze)
            self.assertEqual(card.crm_tier_since, date(2025, 5, 2))
            last = self.env["crm.loyalty.tier.history"].search(
                [("card_id", "=", card.id)], limit=1
            )
            self.assertEqual((last.old_tier_id, last.direction), (self.gold, "down"))
            self.assertIn("below Gold since", last.reason)
            self.assertEqual(self.program._crm_review_tiers(), 0, "safe to run twice")
        # monthly reviews fall on the first day of each month
        self.assertEqual(self.program.crm_next_review, date(2025, 6, 1))
        self.assertLedgerConsistent(card)

    def test_points_leaving_the_window_move_the_member_down(self):
        with freeze_time("2025-01-10 10:00:00"):
            self.order(amount=600)
            card = self.card()
            self.assertEqual(card.crm_tier_id, self.silver)
        with freeze_time("2026-01-20 10:00:00"):
            # a year later the points no longer qualify; the last qualification was on the
            # day of the order, more than three months ago
            self.program._crm_review_tiers()
            self.assertEqual(card.crm_tier_id, self.bronze)
            self.assertEqual(card.crm_qualifying, 0)
            self.assertEqual(card.points, 600, "qualifying points are never spent")

    def test_tiers_on_amount_spent_and_orders(self):
        self.program.crm_qualify_on = "amount"
        self.order(amount=300)
        card = self.card()
        self.assertEqual(card.crm_qualifying, 300)
        self.order(amount=250)
        self.assertEqual(card.crm_tier_id, self.silver)
        self.program.crm_qualify_on = "orders"
        self.env["crm.loyalty.tier"].search([("program_id", "=", self.program.id)]).unlink()
        two = self.env["crm.loyalty.tier"].create(
            {"name": "Regular", "program_id": self.program.id, "qualify_from": 3}
        )
        self.order(amount=10)
        self.assertEqual(card.crm_qualifying, 3)
        self.assertEqual(card.crm_tier_id, two)
        self.assertIn("3 orders", card.crm_tier_history_ids[0].reason)

    def test_rewards_and_promotions_limited_to_tiers(self):
        gold_reward = self.env["loyalty.reward"].create(
            {
                "program_id": self.program.id,
                "reward_type": "discount",
                "discount_mode": "per_order",
                "discount": 50,
                "required_points": 100,
                "description": "Gold gift",
                "crm_tier_ids": [Command.set(self.gold.ids)],
            }
        )
        promotion = self.env["loyalty.program"].create(
            {
                "name": "Gold members' 10%",
                "program_type": "promotion",
                "trigger": "auto",
                "applies_on": "current",
                "crm_tier_filter_ids": [Command.set(self.gold.ids)],
                "rule_ids": [Command.create({"reward_point_mode": "order", "minimum_amount": 0})],
                "reward_ids": [
                    Command.create(
                        {"discount": 10, "discount_mode": "percent", "required_points": 1}
                    )
                ],
            }
        )
        self.order(amount=600)
        card = self.card()
        order = self.order(amount=100, confirm=False)
        claimable = order._get_claimable_rewards()
        self.assertNotIn(gold_reward, claimable.get(card, self.env["loyalty.reward"]))
        self.assertIn(
            "for members of Gold only", order._apply_program_reward(gold_reward, card)["error"]
        )
        self.assertNotIn(promotion, order._get_applied_programs(), "a Silver member")
        self.order(amount=300)
        self.assertEqual(card.crm_tier_id, self.gold)
        order._update_programs_and_rewards()
        self.assertIn(promotion, order._get_applied_programs())
        claimable = order._get_claimable_rewards()
        self.assertIn(gold_reward, claimable[card])
        promo_card = order.coupon_point_ids.coupon_id.filtered(lambda c: c.program_id == promotion)
        self.assertIn(promotion.reward_ids, claimable[promo_card])
        order._apply_program_reward(promotion.reward_ids, promo_card)
        self.assertEqual(order.amount_total, 90, "sale_loyalty applies the tier discount")

    def test_tier_change_email(self):
        template = self.env.ref("crm_loyalty.mail_template_tier_change")
        self.program.crm_tier_template_id = template
        self.order(amount=700)
        mails = self.env["mail.mail"].search(
            [("model", "=", "loyalty.card"), ("res_id", "=", self.card().id)]
        )
        self.assertEqual(len(mails), 1)
        self.assertIn("Silver", mails.subject)
        self.assertIn("Joined the Silver tier", self.card().crm_tier_history_ids.reason)

    def test_review_cron_runs_the_programmes_due(self):
        self.order(amount=600)
        self.program.crm_next_review = date(2020, 1, 1)
        self.env["loyalty.program"]._cron_review_tiers()
        self.assertGreater(self.program.crm_next_review, date(2020, 1, 1))
        self.assertEqual(self.card().crm_tier_id, self.silver)
