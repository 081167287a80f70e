from odoo.exceptions import UserError
from odoo.fields import Command
from odoo.tests import tagged

from .common import LoyaltyCase


@tagged("post_install", "-at_install")
class TestTargeting(LoyaltyCase):
    """Programmes limited to segments and value tiers, and offers issued to every customer
    of a segment at once."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # segments of their own: the demo customers are in the shipped ones
        Segment = cls.env["crm.customer.segment"]
        cls.at_risk, cls.cant_lose, cls.champions = Segment.create(
            [
                {"name": name, "rule_domain": "[('id', '=', 0)]", "sequence": 900 + i}
                for i, name in enumerate(("Test At risk", "Test Can't lose", "Test Champions"))
            ]
        )
        Partner = cls.env["res.partner"]
        cls.risky = Partner.create({"name": "Risky Customer"})
        cls.precious = Partner.create({"name": "Precious Customer"})
        cls.champion = Partner.create({"name": "Champion Customer"})
        cls.label(cls.risky, cls.at_risk, "b")
        cls.label(cls.precious, cls.cant_lose, "a")
        cls.label(cls.champion, cls.champions, "a")

    @classmethod
    def label(cls, partner, segment, value_tier):
        """The labels crm_identification's refresh writes on a customer."""
        partner.with_company(cls.company).write(
            {"crm_segment_id": segment.id, "crm_value_tier": value_tier}
        )

    def offer(self, **values):
        return (
            self.env["crm.loyalty.offer"]
            .with_user(self.manager)
            .create(
                dict(
                    {
                        "name": "Win-back 200",
                        "program_id": self.program.id,
                        "action": "points",
                        "points": 200,
                        "reason": "We miss you",
                        "segment_ids": [Command.set((self.at_risk | self.cant_lose).ids)],
                    },
                    **values,
                )
            )
        )

    def issue(self, offer, limit=None):
        """Press Issue the Offer, then run the background job until the offer is issued:
        the number of customers it reached."""
        offer.action_issue()
        self.assertEqual(offer.state, "running")
        Offer = self.env["crm.loyalty.offer"]
        for __ in range(100):
            if offer.state != "running":
                break
            Offer._cron_issue_offers(**({"limit": limit} if limit else {}))
        self.assertEqual(offer.state, "done")
        return offer.issue_done

    def test_win_back_promotion_only_for_its_segments(self):
        promotion = self.env["loyalty.program"].create(
            {
                "name": "Win-back 15%",
                "program_type": "promotion",
                "trigger": "auto",
                "applies_on": "current",
                "crm_segment_ids": [Command.set((self.at_risk | self.cant_lose).ids)],
                "rule_ids": [Command.create({"reward_point_mode": "order", "minimum_amount": 0})],
                "reward_ids": [
                    Command.create(
                        {"discount": 15, "discount_mode": "percent", "required_points": 1}
                    )
                ],
            }
        )
        for partner, expected in (
            (self.risky, True),
            (self.precious, True),
            (self.champion, False),
        ):
            order = self.order(partner, amount=100, confirm=False)
            self.assertEqual(promotion in order._get_applied_programs(), expected, partner.name)
        # value tiers narrow it further
        promotion.crm_value_tier_a = True
        self.assertNotIn(promotion, self.order(self.risky, confirm=False)._get_applied_programs())
        self.assertIn(promotion, self.order(self.precious, confirm=False)._get_applied_programs())

    def test_points_offer_to_a_segment_is_safe_to_run_twice(self):
        offer = self.offer()
        self.assertEqual(offer.customer_count, 2)
        self.assertEqual(self.issue(offer), 2)
        for partner in (self.risky, self.precious):
            card = self.card(partner)
            self.assertTrue(card.crm_enabled, "a member card the members' views list")
            self.assertEqual(card.points, 200)
            line = self.lines(card)
            self.assertEqual(
                (line.crm_kind, line.crm_reason, line.crm_remaining), ("offer", "We miss you", 200)
            )
            self.assertEqual(line.crm_source_ref, offer)
        self.assertFalse(self.card(self.champion))
        self.assertEqual(self.issue(offer), 0, "nobody gets it twice")
        self.assertEqual(self.card(self.risky).points, 200)
        # a customer who joins the segment later gets it on the next run
        latecomer = self.env["res.partner"].create({"name": "Latecomer"})
        self.label(latecomer, self.at_risk, "c")
        self.order(latecomer, amount=30)
        self.assertEqual(self.issue(offer), 1)
        self.assertEqual(self.card(latecomer).points, 230)
        self.assertEqual(offer.issued_count, 3)
        self.assertLedgerConsistent()

    def test_enrol_with_welcome_points(self):
        entry = self.env["crm.loyalty.tier"].create(
            {"name": "Entry", "program_id": self.program.id, "qualify_from": 0}
        )
        self.order(self.risky, amount=40)  # already a member
        self.program.crm_tier_template_id = self.env.ref("crm_loyalty.mail_template_tier_change")
        self.precious.email = "precious@example.com"
        offer = self.offer(action="card", points=25, name="Join the club")
        self.assertEqual(self.issue(offer), 1, "one new member")
        self.assertEqual(self.card(self.precious).points, 25)
        self.assertEqual(self.card(self.risky).points, 40, "members already enrolled keep theirs")
        card = self.card(self.precious)
        self.assertEqual(card.crm_offer_id, offer)
        self.assertEqual(card.crm_tier_id, entry, "new members join the entry tier")
        # the same note and email as any other tier change
        note = "Joined the Entry tier with the offer Join the club."
        self.assertEqual(card.crm_tier_history_ids.reason, note)
        self.assertTrue(any(note in body for body in card.message_ids.mapped("body")))
        mail = self.env["mail.mail"].search(
            [("model", "=", "loyalty.card"), ("res_id", "=", card.id)]
        )
        self.assertEqual(len(mail), 1)
        self.assertIn("Entry", mail.subject)
        self.assertLedgerConsistent()

    def test_coupon_offer(self):
        coupons = self.env["loyalty.program"].create(
            {
                "name": "Come back coupon",
                "program_type": "coupons",
                "trigger": "with_code",
                "applies_on": "current",
                "reward_ids": [
                    Command.create(
                        {"discount": 20, "discount_mode": "percent", "required_points": 1}
                    )
                ],
            }
        )
        offer = self.offer(action="coupon", program_id=coupons.id, points=1, name="Come back")
        self.assertEqual(self.issue(offer), 2)
        self.assertEqual(self.issue(offer), 0)
        coupon = self.env["loyalty.card"].search(
            [("crm_offer_id", "=", offer.id), ("partner_id", "=", self.risky.id)]
        )
        self.assertEqual(coupon.points, 1)
        order = self.order(self.risky, amount=100, confirm=False)
        self.assertNotIn("error", order._try_apply_code(coupon.code))
        order._apply_program_reward(coupons.reward_ids, coupon)
        self.assertEqual(order.amount_total, 80)

    def test_offer_rules(self):
        with self.assertRaises(UserError):
            self.offer().with_user(self.user).action_issue()
        with self.assertRaisesText(UserError, "at least one segment"):
            self.offer(segment_ids=[Command.clear()]).action_issue()
        plain = self.program.copy({"name": "Plain", "crm_enabled": False})
        with self.assertRaisesText(UserError, "tiers and the points ledger"):
            self.offer(program_id=plain.id)
        with self.assertRaisesText(UserError, "cannot be negative"):
            self.offer(points=-5)

    def test_offer_runs_in_the_background_in_batches(self):
        """The button queues the offer; the scheduled job issues it batch by batch through
        the ORM and the ledger, shows its progress on the offer, and a run too many does
        nothing."""
        self.env["crm.loyalty.tier"].create(
            {"name": "Entry", "program_id": self.program.id, "qualify_from": 0}
        )
        Partner = self.env["res.partner"]
        for index in range(3):
            self.label(Partner.create({"name": f"Batch customer {index}"}), self.at_risk, "c")
        offer = self.offer()
        self.assertEqual(offer.customer_count, 5)
        offer.action_issue()
        self.assertEqual((offer.state, offer.issue_total, offer.issue_done), ("running", 5, 0))
        self.assertFalse(self.card(self.risky), "nothing is issued by the button itself")
        Offer = self.env["crm.loyalty.offer"]
        self.assertEqual(Offer._cron_issue_offers(limit=2), 2)
        self.assertEqual((offer.state, offer.issue_done), ("running", 2))
        self.assertAlmostEqual(offer.issue_progress, 40)
        self.assertEqual(Offer._cron_issue_offers(limit=2), 2)
        self.assertEqual(Offer._cron_issue_offers(limit=2), 1)
        self.assertEqual((offer.state, offer.issue_done, offer.issued_count), ("done", 5, 5))
        self.assertEqual(offer.issue_progress, 100)
        self.assertEqual(Offer._cron_issue_offers(limit=2), 0, "safe to run twice")
        lines = self.env["loyalty.history"].search([("crm_offer_id", "=", offer.id)])
        self.assertEqual(len(lines), 5)
        # booked by the ledger in the manager's name: lots, balances and tiers right
        self.assertEqual(lines.create_uid, self.manager)
        self.assertEqual(set(lines.mapped("crm_remaining")), {200})
        cards = lines.card_id
        self.assertEqual(set(cards.mapped("points")), {200})
        self.assertEqual(cards.crm_tier_id.name, "Entry")
        self.assertEqual(len(cards.crm_tier_history_ids), 5)
        self.assertIn("Issued to 5 customers", offer.message_ids[0].body)
        self.assertLedgerConsistent(cards)
