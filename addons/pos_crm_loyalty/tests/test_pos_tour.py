import uuid

from odoo import fields
from odoo.addons.point_of_sale.tests.test_frontend import TestPointOfSaleHttpCommon
from odoo.fields import Command
from odoo.tests import new_test_user, tagged


@tagged("post_install", "-at_install")
class TestPosTour(TestPointOfSaleHttpCommon):
    """The till's screen agrees with the ledger: a Gold member's points are shown doubled,
    and the order paid in the browser books them so, carrying the order."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.user.groups_id |= cls.env.ref("crm_loyalty.group_crm_loyalty_manager")
        cls.env["loyalty.program"].search([]).write({"active": False})
        cls.program = cls.env["loyalty.program"].create(
            {
                "name": "Till Tier Club",
                "program_type": "loyalty",
                "applies_on": "both",
                "trigger": "auto",
                "crm_enabled": True,
                "rule_ids": [
                    Command.create({"reward_point_mode": "money", "reward_point_amount": 1})
                ],
                "reward_ids": [
                    Command.create(
                        {
                            "reward_type": "discount",
                            "discount_mode": "per_order",
                            "discount": 1,
                            "discount_applicability": "order",
                            "required_points": 1000,
                        }
                    )
                ],
            }
        )
        cls.gold = cls.env["crm.loyalty.tier"].create(
            {
                "name": "Till Gold",
                "program_id": cls.program.id,
                "qualify_from": 10,
                "multiplier": 2,
            }
        )
        cls.member = cls.env["res.partner"].create({"name": "Gold Till Member"})
        cls.card = cls.env["loyalty.card"].create(
            {"program_id": cls.program.id, "partner_id": cls.member.id}
        )
        cls.env["loyalty.history"]._crm_book(
            [{"card": cls.card, "kind": "earn", "points": 20, "description": "Earlier orders"}]
        )

    def test_gold_member_at_the_till(self):
        self.assertEqual(self.card.crm_tier_id, self.gold)
        self.start_pos_tour("PosCrmLoyaltyTierTour", timeout=120)
        earn = self.env["loyalty.history"].search(
            [("card_id", "=", self.card.id), ("pos_order_id", "!=", False)]
        )
        self.assertEqual(earn.crm_kind, "earn")
        self.assertAlmostEqual(earn.crm_points, 12.8)
        self.assertAlmostEqual(self.card.points, 32.8)

    def call_kw(self, model, method, args, **kwargs):
        """(result, error message) of a call over /web/dataset/call_kw, with a context
        a client might send."""
        kwargs.setdefault("context", {"active_test": False, "crm_loyalty_bypass": True})
        try:
            return self.make_jsonrpc_request(
                f"/web/dataset/call_kw/{model}/{method}",
                {"model": model, "method": method, "args": args, "kwargs": kwargs},
            ), None
        except Exception as error:
            return None, str(error)

    def paid_order(self, partner):
        """An order of one pen for `partner`, synced and paid at the till."""
        self.main_pos_config.with_user(self.pos_user).open_ui()
        session = self.main_pos_config.current_session_id
        cash = self.main_pos_config.payment_method_ids.filtered("is_cash_count")[:1]
        data = {
            "amount_paid": 3.2,
            "amount_return": 0,
            "amount_tax": 0,
            "amount_total": 3.2,
            "date_order": fields.Datetime.to_string(fields.Datetime.now()),
            "fiscal_position_id": False,
            "pricelist_id": self.main_pos_config.pricelist_id.id,
            "name": f"Order {uuid.uuid4()}",
            "lines": [
                Command.create(
                    {
                        "product_id": self.whiteboard_pen.id,
                        "qty": 1,
                        "price_unit": 3.2,
                        "price_subtotal": 3.2,
                        "price_subtotal_incl": 3.2,
                        "tax_ids": [Command.clear()],
                    }
                )
            ],
            "partner_id": partner.id,
            "session_id": session.id,
            "sequence_number": 1,
            "payment_ids": [
                Command.create(
                    {"amount": 3.2, "name": fields.Datetime.now(), "payment_method_id": cash.id}
                )
            ],
            "uuid": str(uuid.uuid4()),
            "user_id": self.pos_user.id,
            "to_invoice": False,
        }
        result = self.env["pos.order"].with_user(self.pos_user).sync_from_ui([data])
        return self.env["pos.order"].browse(result["pos.order"][0]["id"])

    def test_till_and_portal_users_over_json_rpc(self):
        """A POS user replaying the till's calls on another customer's order, or pointing
        ledger lines elsewhere, and a portal user calling anything of the bridge: nothing
        more is booked and nothing is opened."""
        order = self.paid_order(self.member)
        coupon = {
            str(self.card.id): {
                "points": 3.2,
                "program_id": self.program.id,
                "coupon_id": self.card.id,
                "partner_id": self.member.id,
            }
        }
        order.with_user(self.pos_user).confirm_coupon_programs(coupon)
        self.assertAlmostEqual(self.card.points, 26.4)
        line = self.env["loyalty.history"].search([("pos_order_id", "=", order.id)])
        other = self.paid_order(self.env["res.partner"].create({"name": "Other Till Customer"}))
        self.authenticate("pos_user", "pos_user")
        inflated = {str(self.card.id): dict(coupon[str(self.card.id)], points=10**6)}
        for method, args in (
            ("confirm_coupon_programs", [order.ids, coupon]),
            ("confirm_coupon_programs", [order.ids, inflated]),
            ("confirm_coupon_programs", [other.ids, inflated]),
        ):
            self.call_kw("pos.order", method, args)
        self.card.invalidate_recordset()
        self.assertAlmostEqual(self.card.points, 26.4, "a replayed or inflated call books nothing")
        for model, method, args in (
            ("pos.order", "action_crm_open_loyalty_lines", [order.ids]),
            ("loyalty.history", "write", [line.ids, {"pos_order_id": other.id}]),
        ):
            result, error = self.call_kw(model, method, args)
            self.assertTrue(error, f"{model}.{method} was not refused: {result}")
        new_test_user(self.env, "till_portal", groups="base.group_portal")
        self.authenticate("till_portal", "till_portal")
        for model, method, args in (
            ("pos.order", "confirm_coupon_programs", [order.ids, inflated]),
            ("pos.order", "action_crm_open_loyalty_lines", [order.ids]),
            ("loyalty.history", "write", [line.ids, {"pos_order_id": other.id}]),
            ("res.partner", "read", [self.member.ids, ["crm_pos_program_ids"]]),
        ):
            result, error = self.call_kw(model, method, args)
            self.assertTrue(error, f"{model}.{method} was not refused to a portal user: {result}")
        self.card.invalidate_recordset()
        self.assertAlmostEqual(self.card.points, 26.4)
        self.assertEqual(line.pos_order_id, order)
