from contextlib import contextmanager
from unittest.mock import patch

from odoo import Command
from odoo.tests import tagged

from .common import InsightCase

HOOKS = "odoo.addons.crm_identification.models"


@tagged("post_install", "-at_install", "is_query_count")
class TestSalesHooks(InsightCase):
    """The customers whose sales change are noted by the public ORM methods (write,
    create, unlink) in memory and written in one statement at commit: confirming an order
    or posting an invoice runs no query of ours, and the commit one, however many orders,
    lines and invoices it holds."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.buyers = [cls.customer(f"Hooked {i}") for i in range(8)]

    def draft(self, partner, lines=3):
        return self.env["sale.order"].create(
            {
                "partner_id": partner.id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": self.products["A"].id,
                            "product_uom_qty": 1 + i,
                            "price_unit": 10,
                            "tax_id": [Command.clear()],
                        }
                    )
                    for i in range(lines)
                ],
            }
        )

    @contextmanager
    def hooks_off(self):
        """Every hook of ours turned off, on the server side: what Odoo alone runs. The
        hooks all end in `note_customers` (customers and basket months noted for the
        commit): with it off nothing is noted, so the commit runs no statement of ours and
        the baseline holds none."""
        noted = []

        def off(env, pairs=(), partners=(), months=()):
            noted.append((pairs, partners, months))

        with (
            patch(f"{HOOKS}.sale_order.note_customers", off),
            patch(f"{HOOKS}.account_move.note_customers", off),
            patch(f"{HOOKS}.crm_basket_month.note_customers", off),
            patch(f"{HOOKS}.res_partner.note_customers", off),
        ):
            yield
        # the hooks did run (and were silenced): the baseline is the same flow
        self.assertTrue(noted, "the flow measured runs our hooks")

    def count(self, function):
        """Queries run by function() and the flush and pre-commit hooks after it, from an
        empty record cache (what an earlier step left in it does not count for one flow and
        not for the other)."""
        self.env.flush_all()
        self.env.cr.flush()
        self.env.invalidate_all()
        before = self.env.cr.sql_log_count
        function()
        self.env.flush_all()
        self.env.cr.flush()
        return self.env.cr.sql_log_count - before

    def touched(self):
        self.env.cr.execute(
            "SELECT company_id, partner_id, count(*) FROM crm_customer_touch"
            " GROUP BY company_id, partner_id"
        )
        return {(c, p): n for c, p, n in self.env.cr.fetchall()}

    def test_confirming_orders_costs_one_query_per_transaction(self):
        self.draft(self.buyers[7]).action_confirm()  # warm the caches
        alone, ours = self.draft(self.buyers[0]), self.draft(self.buyers[1])
        with self.hooks_off():
            baseline = self.count(alone.action_confirm)
        # the baseline holds no statement of ours: one more than it is ours, a second fails
        self.assertEqual(self.count(ours.action_confirm), baseline + 1)
        ours = self.draft(self.buyers[6])
        with self.assertQueryCount(baseline + 1):
            ours.action_confirm()
        # three orders of ten lines at once: still one statement of ours (the customers
        # have a confirmed order already, for the baseline as for ours)
        Order = self.env["sale.order"]
        Order.concat(*[self.draft(buyer, lines=10) for buyer in self.buyers[2:5]]).action_confirm()
        many = Order.concat(*[self.draft(buyer, lines=10) for buyer in self.buyers[2:5]])
        same = Order.concat(*[self.draft(buyer, lines=10) for buyer in self.buyers[2:5]])
        with self.hooks_off():
            baseline = self.count(many.action_confirm)
        self.env.invalidate_all()
        with self.assertQueryCount(baseline + 1):
            same.action_confirm()
        self.assertEqual(self.touched()[(self.company.id, self.buyers[1].id)], 1)

    def test_posting_invoices_costs_one_query_per_transaction(self):
        orders = [self.draft(buyer) for buyer in self.buyers[:4]]
        for order in orders:
            order.action_confirm()
        invoices = [order._create_invoices() for order in orders]
        invoices[3].action_post()  # warm the caches
        with self.hooks_off():
            baseline = self.count(invoices[0].action_post)
        self.assertEqual(self.count(invoices[2].action_post), baseline + 1)
        with self.assertQueryCount(baseline + 1):
            invoices[1].action_post()
        self.assertIn((self.company.id, self.buyers[1].id), self.touched())

    def test_a_customer_is_noted_once_however_often_its_sales_change(self):
        order = self.draft(self.buyers[0])
        order.action_confirm()
        self.env.cr.flush()
        for day in ("2020-01-01", "2020-02-01", "2020-03-01"):
            order.date_order = day
            self.env.cr.flush()
        order.order_line[0].price_unit = 99
        self.env.cr.flush()
        self.assertEqual(self.touched()[(self.company.id, self.buyers[0].id)], 1)
        # quantities delivered and invoiced leave the customer's figures alone
        self.env.cr.execute("DELETE FROM crm_customer_touch")
        order.order_line[0].qty_delivered = 1
        self.env.cr.flush()
        self.assertEqual(self.touched(), {})

    def test_a_rolled_back_change_notes_nothing(self):
        order = self.draft(self.buyers[0])
        self.env.cr.flush()
        self.env.cr.execute("DELETE FROM crm_customer_touch")
        # assertRaises rolls back to a savepoint, as a failed request rolls back
        with self.assertRaises(RuntimeError):
            order.action_confirm()
            raise RuntimeError("the user's transaction fails")
        self.env.cr.flush()
        self.assertEqual(self.touched(), {})

    def test_a_customer_deleted_before_the_commit_is_left_out(self):
        # as module installs do: a contact with a quotation, both gone in the same transaction
        passing = self.customer("Passing Through")
        order = self.draft(passing)
        order.action_confirm()
        order._action_cancel()
        order.unlink()
        passing.unlink()
        self.env.cr.flush()  # would fail on the foreign key
        self.assertNotIn((self.company.id, passing.id), self.touched())
