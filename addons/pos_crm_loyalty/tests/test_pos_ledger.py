from datetime import date

from odoo import fields
from odoo.addons.point_of_sale.tests.common import TestPoSCommon
from odoo.exceptions import AccessError, UserError
from odoo.fields import Command
from odoo.tests import freeze_time, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestPosLedger(TestPoSCommon):
    """Orders at the till earn and redeem through the points ledger like sales orders:
    ledger lines carrying the POS order, the tier multiplier, tier-only rewards and
    programmes for some customers refused to others, and the points of a refund taken
    back."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        # the accounting tests' user runs the till and manages the programme
        cls.env.user.groups_id |= cls.env.ref("crm_loyalty.group_crm_loyalty_manager")
        cls.env["loyalty.program"].search([]).write({"active": False})
        cls.config = cls.basic_config
        cls.widget = cls.create_product("Till Widget", cls.categ_basic, 100.0)
        cls.program = cls.env["loyalty.program"].create(
            {
                "name": "Till Club",
                "program_type": "loyalty",
                "applies_on": "both",
                "trigger": "auto",
                "crm_enabled": True,
                "pos_ok": True,
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
        Tier = cls.env["crm.loyalty.tier"]
        cls.bronze, cls.gold = Tier.create(
            [
                {"name": "Bronze", "program_id": cls.program.id, "qualify_from": 0},
                {
                    "name": "Gold",
                    "program_id": cls.program.id,
                    "qualify_from": 1000,
                    "multiplier": 2,
                },
            ]
        )
        cls.gold_reward = cls.env["loyalty.reward"].create(
            {
                "program_id": cls.program.id,
                "reward_type": "discount",
                "discount_mode": "per_order",
                "discount": 50,
                "discount_applicability": "order",
                "required_points": 100,
                "description": "Gold gift",
                "crm_tier_ids": [Command.set(cls.gold.ids)],
            }
        )
        cls.pos_user = new_test_user(
            cls.env,
            "till_user",
            groups="base.group_user,point_of_sale.group_pos_user",
            company_id=cls.company.id,
            company_ids=cls.company.ids,
        )
        cls.open_new_session(cls)

    # ------------------------------------------------------------------ helpers

    def card(self, partner=None):
        return self.env["loyalty.card"].search(
            [
                ("partner_id", "=", (partner or self.customer).id),
                ("program_id", "=", self.program.id),
            ]
        )

    def give(self, points, partner=None):
        card = self.card(partner) or self.env["loyalty.card"].create(
            {"program_id": self.program.id, "partner_id": (partner or self.customer).id}
        )
        card.with_context(crm_loyalty_reason="Opening").points = card.points + points
        return card

    def sell(self, qty=1, partner=None, reward=None, card=None, points=None, env=None):
        """An order of `qty` widgets synced from the till, as the till does: the order,
        then confirm_coupon_programs with the points it counted (1 per unit of money,
        base points) and the reward line paid with `card`."""
        partner = partner or self.customer
        env = env or self.env
        data = self.create_ui_order_data([(self.widget, qty)], customer=partner)
        cost = 0.0
        if reward:
            cost = reward.required_points
            amount = -reward.discount
            data["lines"].append(
                Command.create(
                    {
                        "product_id": reward.discount_line_product_id.id,
                        "qty": 1,
                        "price_unit": amount,
                        "price_subtotal": amount,
                        "price_subtotal_incl": amount,
                        "tax_ids": [Command.clear()],
                        "is_reward_line": True,
                        "reward_id": reward.id,
                        "coupon_id": card.id,
                        "reward_identifier_code": "R1",
                        "points_cost": cost,
                    }
                )
            )
            for key in ("amount_total", "amount_paid"):
                data[key] += amount
            data["payment_ids"][0][2]["amount"] += amount
        result = env["pos.order"].sync_from_ui([data])
        order = env["pos.order"].browse(result["pos.order"][0]["id"])
        earned = 100.0 * qty if points is None else points
        key = str(card.id) if card else "-1"
        coupon_data = {
            key: {
                "points": earned - cost,
                "program_id": self.program.id,
                "coupon_id": card.id if card else -1,
                "barcode": False,
                "partner_id": partner.id,
                **({"line_codes": ["R1"]} if reward else {}),
            }
        }
        order.confirm_coupon_programs(coupon_data)
        order.add_loyalty_history_lines(
            [{"order_id": order.id, "card_id": key, "won": earned, "spent": cost}], []
        )
        return order

    def refund(self, order, qty=1):
        data = self.create_ui_order_data([(self.widget, -qty)], customer=order.partner_id)
        data["lines"][0][2]["refunded_orderline_id"] = order.lines[0].id
        result = self.env["pos.order"].sync_from_ui([data])
        return self.env["pos.order"].browse(result["pos.order"][0]["id"])

    def lines(self, card, kind=None):
        domain = [("card_id", "=", card.id), ("crm_kind", "!=", False)]
        if kind:
            domain.append(("crm_kind", "=", kind))
        return self.env["loyalty.history"].search(domain, order="id")

    def assertLedgerConsistent(self):
        self.assertEqual(self.env["loyalty.card"]._crm_check_ledger(), [])

    # ------------------------------------------------------------------ tests

    def test_earn_at_the_till(self):
        order = self.sell(qty=2)
        card = self.card()
        self.assertEqual(card.points, 200)
        earn = self.lines(card)
        self.assertEqual(earn.mapped("crm_kind"), ["earn"], "no anonymous adjustment")
        self.assertEqual(earn.pos_order_id, order)
        self.assertEqual(earn.crm_points, 200)
        self.assertIn(order.name, earn.description)
        self.assertEqual(order.crm_loyalty_line_count, 1)
        # the till sending the same order again books nothing more
        order.confirm_coupon_programs(
            {str(card.id): {"points": 200, "program_id": self.program.id, "coupon_id": card.id}}
        )
        self.assertEqual(card.points, 200)
        self.assertLedgerConsistent()

    def test_redeem_at_the_till(self):
        card = self.give(150)
        order = self.sell(qty=1, reward=self.reward, card=card)
        self.assertEqual(order.amount_total, 90)
        self.assertEqual(card.points, 150)
        redeem = self.lines(card, "redeem")
        self.assertEqual(redeem.crm_points, -100)
        self.assertEqual(redeem.pos_order_id, order)
        self.assertEqual(self.lines(card, "earn").crm_points, 100)
        self.assertLedgerConsistent()

    def test_refund_takes_the_points_back(self):
        order = self.sell(qty=2)
        card = self.card()
        self.assertEqual(card.points, 200)
        refund = self.refund(order, qty=1)
        clawback = self.lines(card, "clawback")
        self.assertEqual(clawback.crm_points, -100, "half the order refunded")
        self.assertEqual(clawback.pos_order_id, refund)
        self.assertEqual(clawback.crm_lot_id, self.lines(card, "earn"))
        self.assertEqual(card.points, 100)
        # the till's own (negative) points for the refund are not booked a second time
        refund.confirm_coupon_programs(
            {str(card.id): {"points": -100, "program_id": self.program.id, "coupon_id": card.id}}
        )
        self.assertEqual(card.points, 100)
        # the rest refunded: the whole order taken back, never more
        self.refund(order, qty=1)
        self.assertEqual(card.points, 0)
        self.assertLedgerConsistent()

    def test_till_orders_qualify_for_amount_and_order_tiers(self):
        """A programme whose tiers qualify on the amount spent or the number of orders
        counts the till's orders like sales orders; a refund at the till takes its amount
        back and is no order."""
        order = self.sell(qty=3)
        card = self.card()
        refund = self.refund(order, qty=1)
        today = fields.Date.context_today(self.program)
        spent = (order.amount_total - order.amount_tax) + (refund.amount_total - refund.amount_tax)
        self.assertGreater(spent, 0)
        self.program.crm_qualify_on = "amount"
        values = self.program._crm_qualifying_values(today, card)
        self.assertAlmostEqual(values[card.id], spent, places=2)
        self.program.crm_qualify_on = "orders"
        self.assertEqual(self.program._crm_qualifying_values(today, card), {card.id: 1})

    def test_refund_gives_back_redeemed_points(self):
        card = self.give(100)
        order = self.sell(qty=1, reward=self.reward, card=card)
        self.assertEqual(card.points, 100)
        self.refund(order, qty=1)
        # the order (90.00 paid) wholly refunded: its 100 points earned go, its 100 spent return
        self.assertEqual(self.lines(card, "giveback").crm_points, 100)
        self.assertEqual(card.points, 100)
        self.assertLedgerConsistent()

    def test_tier_multiplier(self):
        self.sell(qty=10)
        card = self.card()
        self.assertEqual(card.crm_tier_id, self.gold)
        self.assertEqual(card.crm_pos_multiplier, 2)
        self.sell(qty=1, card=card)
        self.assertEqual(self.lines(card, "earn")[-1].crm_points, 200, "a Gold member earns twice")
        self.assertEqual(card.points, 1200)
        self.assertLedgerConsistent()

    def test_tier_only_reward_refused_to_other_tiers(self):
        self.sell(qty=2)
        card = self.card()
        self.assertEqual(card.crm_tier_id, self.bronze)
        with self.assertRaisesRegex(UserError, "for members of Gold only"):
            self.sell(qty=1, reward=self.gold_reward, card=card)
        self.assertEqual(card.points, 200)
        # the till reads which tiers a reward is for and the member's tier
        self.assertEqual(self.gold_reward.crm_pos_tier_ids, self.gold.ids)
        self.assertEqual(card.crm_pos_tier, self.bronze.id)
        self.sell(qty=10, partner=self.other_customer)
        gold = self.card(self.other_customer)
        self.assertEqual(gold.crm_tier_id, self.gold)
        self.sell(qty=1, partner=self.other_customer, reward=self.gold_reward, card=gold)
        self.assertEqual(self.lines(gold, "redeem").crm_points, -100)

    def test_programme_for_some_customers_only(self):
        self.program.crm_tier_filter_ids = self.gold
        self.assertTrue(self.program.crm_pos_limited)
        card = self.give(200)
        with self.assertRaisesRegex(UserError, "for some customers only"):
            self.sell(qty=1, reward=self.reward, card=card)
        # the points the till counted for a programme the customer may not use: none
        self.sell(qty=1, card=card)
        self.assertEqual(card.points, 200)
        self.assertFalse(self.lines(card, "earn"))

    def test_till_user_cannot_reach_other_documents(self):
        """A POS user goes through the bridge with the till's own calls; the ledger lines
        cannot be re-pointed at another order and the ledger's buttons stay closed to
        them, whatever context they send."""
        order = self.sell(qty=1, env=self.env(user=self.pos_user))
        line = self.lines(self.card())
        self.assertEqual(line.pos_order_id, order)
        other = self.sell(qty=1, partner=self.other_customer)
        with self.assertRaises(UserError):
            line.with_user(self.pos_user).with_context(crm_loyalty_bypass=True).write(
                {"pos_order_id": other.id}
            )
        with self.assertRaises(AccessError):
            order.with_user(self.pos_user).action_crm_open_loyalty_lines()

    def test_the_till_loads_tiers_and_eligibility(self):
        """What the till loads lets its screen agree with the ledger: the member's tier
        and multiplier, the tiers a reward is for, the programmes for some customers only
        and which of them a customer may use."""
        self.sell(qty=10, partner=self.other_customer)
        gold = self.card(self.other_customer)
        self.program.crm_tier_filter_ids = self.gold
        data = self.pos_session.with_user(self.pos_user).load_data([], only_data=True)
        programs = {p["id"]: p for p in data["loyalty.program"]["data"]}
        self.assertTrue(programs[self.program.id]["crm_pos_limited"])
        rewards = {r["id"]: r for r in data["loyalty.reward"]["data"]}
        self.assertEqual(rewards[self.gold_reward.id]["crm_pos_tier_ids"], self.gold.ids)
        self.assertFalse(rewards[self.reward.id]["crm_pos_tier_ids"])
        cards = {c["id"]: c for c in data["loyalty.card"]["data"]}
        self.assertEqual(cards[gold.id]["crm_pos_tier"], self.gold.id)
        self.assertEqual(cards[gold.id]["crm_pos_multiplier"], 2)
        self.assertFalse(data["res.partner"].get("error"), "the till user loads the customers")
        self.assertIn("crm_pos_program_ids", data["res.partner"]["fields"])
        self.assertEqual(
            self.other_customer.with_user(self.pos_user).crm_pos_program_ids, self.program
        )
        self.assertFalse(self.customer.with_user(self.pos_user).crm_pos_program_ids)

    @freeze_time("2026-05-04 11:00:00")
    def test_offer_measured_with_the_till(self):
        """An offer's revenue per customer and redemptions count the till's orders."""
        # the segments are crm_identification's (its managers write them)
        segment = (
            self.env["crm.customer.segment"]
            .sudo()
            .create({"name": "Till segment", "rule_domain": "[('id', '=', 0)]", "sequence": 995})
        )
        for partner in self.customer | self.other_customer:
            partner.sudo().with_company(self.company).crm_segment_id = segment
        offer = self.env["crm.loyalty.offer"].create(
            {
                "name": "Till test offer",
                "label": "Points for you",
                "program_id": self.program.id,
                "action": "points",
                "points": 100,
                "segment_ids": [Command.set(segment.ids)],
                "control_share": 50,
                "control_seed": 7,
                "company_id": self.company.id,
                "measure_from": date(2026, 5, 1),
                "measure_to": date(2026, 5, 31),
            }
        )
        offer._issue_now()
        control = offer.control_ids.partner_id
        offered = (self.customer | self.other_customer) - control
        self.assertEqual(len(control), 1)
        card = self.card(offered)
        self.sell(qty=2, partner=offered, reward=self.reward, card=card)
        self.sell(qty=1, partner=control)
        offer.invalidate_recordset()
        self.assertAlmostEqual(offer.offered_revenue, 190.0)
        self.assertAlmostEqual(offer.control_revenue, 100.0)
        self.assertAlmostEqual(offer.revenue_uplift, 90.0)
        self.assertAlmostEqual(offer.offered_redemption_rate, 100.0)
        self.assertAlmostEqual(offer.control_redemption_rate, 0.0)
