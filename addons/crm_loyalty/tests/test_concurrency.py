import psycopg2.errors

from odoo import SUPERUSER_ID, api
from odoo.exceptions import UserError
from odoo.fields import Command
from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger


@tagged("post_install", "-at_install")
class TestConcurrency(TransactionCase):
    """Two users confirm orders that spend the same points at the same time, each in its
    own database transaction: the second waits for nothing and fails at once on the
    card's lock (Odoo retries such a request), and its retry finds the points gone."""

    def setUp(self):
        super().setUp()
        self.ids = {}
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
            # the other programmes stay out of the way while the orders exist
            others = env["loyalty.program"].search([("active", "=", True)])
            others.write({"active": False})
            self.addCleanup(self._reactivate, others.ids)
            product = env["product.product"].create(
                {"name": "Race Widget", "type": "service", "list_price": 10, "taxes_id": []}
            )
            program = env["loyalty.program"].create(
                {
                    "name": "Race Club",
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
                                "discount": 10,
                                "discount_applicability": "order",
                                "required_points": 100,
                            }
                        )
                    ],
                }
            )
            partner = env["res.partner"].create({"name": "Racing Customer"})
            card = (
                env["loyalty.card"]
                .with_context(crm_loyalty_reason="Race")
                .create({"program_id": program.id, "partner_id": partner.id, "points": 150})
            )
            orders = env["sale.order"]
            for __ in range(2):
                order = env["sale.order"].create(
                    {
                        "partner_id": partner.id,
                        "order_line": [
                            Command.create(
                                {"product_id": product.id, "price_unit": 10, "tax_id": []}
                            )
                        ],
                    }
                )
                order._update_programs_and_rewards()
                order._apply_program_reward(program.reward_ids, card)
                orders |= order
            self.ids = {
                "orders": orders.ids,
                "card": card.id,
                "program": program.id,
                "partner": partner.id,
                "product": product.id,
            }
        self.addCleanup(self._clean_up)

    def _reactivate(self, program_ids):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            env["loyalty.program"].browse(program_ids).write({"active": True})

    def _clean_up(self):
        with self.registry.cursor() as cr:
            cr.execute("DELETE FROM sale_order WHERE id = ANY(%s)", [self.ids["orders"]])
            cr.execute("DELETE FROM loyalty_card WHERE program_id = %s", [self.ids["program"]])
            cr.execute("DELETE FROM loyalty_program WHERE id = %s", [self.ids["program"]])
            cr.execute("DELETE FROM product_product WHERE id = %s", [self.ids["product"]])
            cr.execute("DELETE FROM res_partner WHERE id = %s", [self.ids["partner"]])

    @mute_logger("odoo.sql_db")
    def test_two_users_cannot_spend_the_same_points(self):
        first_order, second_order = self.ids["orders"]
        with self.registry.cursor() as cr1, self.registry.cursor() as cr2:
            env1 = api.Environment(cr1, SUPERUSER_ID, {})
            env2 = api.Environment(cr2, SUPERUSER_ID, {})
            # both transactions have read the card: 150 points, enough for either order
            self.assertEqual(env1["loyalty.card"].browse(self.ids["card"]).points, 150)
            self.assertEqual(env2["loyalty.card"].browse(self.ids["card"]).points, 150)
            env1["sale.order"].browse(first_order).action_confirm()
            # the first transaction holds the card: the second fails at once, cleanly
            with self.assertRaises(psycopg2.errors.LockNotAvailable):
                env2["sale.order"].browse(second_order).action_confirm()
            cr2.rollback()
            cr1.commit()
            # Odoo retries the second request: it now finds the points spent
            env2.invalidate_all()
            with self.assertRaises(UserError):
                env2["sale.order"].browse(second_order).action_confirm()
            cr2.rollback()
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            card = env["loyalty.card"].browse(self.ids["card"])
            self.assertEqual(card.points, 60, "150 + 10 earned - 100 redeemed, once")
            self.assertEqual(env["sale.order"].browse(second_order).state, "draft")
            self.assertEqual(card._crm_check_ledger(), [])
            kinds = sorted(card.history_ids.mapped("crm_kind"))
            self.assertEqual(kinds, ["adjust", "earn", "redeem"])
