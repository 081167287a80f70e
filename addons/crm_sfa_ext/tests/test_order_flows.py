"""Odoo's own sales, invoicing and delivery flows, done over RPC by the people who do them in
a company that also runs field service: none of them has a field-service or SFA group, and
the suite's confirmation hook must not stop any of them."""

from contextlib import contextmanager
from unittest.mock import patch

from odoo import Command
from odoo.tests import HttpCase, TransactionCase, new_test_user, tagged

# a 1x1 transparent PNG, as the portal's signature pad sends it
SIGNATURE = (
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="
)


class OrderFlowsCommon:
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.customer = cls.env["res.partner"].create(
            {"name": "Flow Customer", "email": "flow@example.com"}
        )
        cls.repair = cls.env["product.product"].create(
            {"name": "On-site repair", "type": "service", "list_price": 80.0}
        )
        cls.plain = cls.env["product.product"].create(
            {"name": "Filter cartridge", "type": "consu", "list_price": 9.0}
        )
        cls.service_type = cls.env["crm.service.type"].create(
            {"name": "Repair visit", "duration": 1.0, "product_id": cls.repair.id}
        )

    def visits_of(self, order):
        return self.env["crm.service.order"].search([("sale_order_id", "=", order.id)])


@tagged("post_install", "-at_install")
class TestOrderFlowsOverRpc(OrderFlowsCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.salesman = new_test_user(
            cls.env, "flow_salesman", groups="sales_team.group_sale_salesman"
        )
        cls.clerk = new_test_user(cls.env, "flow_clerk", groups="account.group_account_invoice")
        cls.storekeeper = new_test_user(
            cls.env, "flow_storekeeper", groups="stock.group_stock_user"
        )
        cls.portal = new_test_user(
            cls.env, "flow_portal", groups="base.group_portal", partner_id=cls.customer.id
        )

    def call(self, login, model, method, *args, **kwargs):
        self.authenticate(login, login)
        return self.make_jsonrpc_request(
            "/web/dataset/call_kw",
            {"model": model, "method": method, "args": list(args), "kwargs": kwargs},
        )

    def quotation(self, *products):
        order_id = self.call(
            "flow_salesman",
            "sale.order",
            "create",
            {
                "partner_id": self.customer.id,
                "user_id": self.salesman.id,
                "order_line": [
                    Command.create({"product_id": product.id, "product_uom_qty": 1})
                    for product in products
                ],
            },
        )
        return self.env["sale.order"].browse(order_id)

    def test_plain_salesman_confirms_an_order_of_a_service_product(self):
        order = self.quotation(self.repair, self.plain)
        self.call("flow_salesman", "sale.order", "action_confirm", [order.id])
        self.assertEqual(order.state, "sale")
        visit = self.visits_of(order)
        self.assertEqual(len(visit), 1, "the service line gets its visit")
        self.assertEqual((visit.type_id, visit.partner_id), (self.service_type, self.customer))

    def test_plain_salesman_confirms_an_order_of_plain_products(self):
        order = self.quotation(self.plain)
        self.call("flow_salesman", "sale.order", "action_confirm", [order.id])
        self.assertEqual(order.state, "sale")
        self.assertFalse(self.visits_of(order))
        # the salesman reads their order as the sales app does
        [values] = self.call("flow_salesman", "sale.order", "read", [order.id], ["name", "state"])
        self.assertEqual(values["state"], "sale")

    def test_billing_clerk_posts_the_invoice(self):
        order = self.quotation(self.repair, self.plain)
        self.call("flow_salesman", "sale.order", "action_confirm", [order.id])
        order.order_line.qty_delivered = 1
        invoice = order._create_invoices()
        self.call("flow_clerk", "account.move", "action_post", [invoice.id])
        self.assertEqual(invoice.state, "posted")

    def test_warehouse_user_validates_the_delivery(self):
        order = self.quotation(self.repair, self.plain)
        self.call("flow_salesman", "sale.order", "action_confirm", [order.id])
        picking = order.picking_ids
        self.assertEqual(len(picking), 1)
        self.call("flow_storekeeper", "stock.picking", "button_validate", [picking.id])
        self.assertEqual(picking.state, "done")
        self.assertEqual(
            order.order_line.filtered(lambda line: line.product_id == self.plain).qty_delivered,
            1,
        )

    def test_portal_customer_signs_and_confirms_the_quotation(self):
        order = self.quotation(self.repair)
        order.require_signature = True
        order.require_payment = False
        order._portal_ensure_token()
        self.authenticate("flow_portal", "flow_portal")
        result = self.make_jsonrpc_request(
            f"/my/orders/{order.id}/accept",
            {"access_token": order.access_token, "name": "Flow Customer", "signature": SIGNATURE},
        )
        self.assertNotIn("error", result)
        self.assertEqual(order.state, "sale")
        self.assertEqual(len(self.visits_of(order)), 1)


@tagged("post_install", "-at_install", "is_query_count")
class TestConfirmationQueries(OrderFlowsCommon, TransactionCase):
    """Confirming an order that sells no service product runs no query of crm_sfa_ext."""

    def draft(self, product, lines=3):
        return self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "order_line": [
                    Command.create({"product_id": product.id, "product_uom_qty": 1 + i})
                    for i in range(lines)
                ],
            }
        )

    @contextmanager
    def hook_off(self):
        with patch.object(
            type(self.env["sale.order.line"]), "_fs_create_service_orders", lambda self: None
        ):
            yield

    def count(self, function):
        self.env.flush_all()
        before = self.env.cr.sql_log_count
        function()
        self.env.flush_all()
        return self.env.cr.sql_log_count - before

    def test_plain_order_confirmation_adds_no_query(self):
        self.draft(self.plain).action_confirm()  # warm the caches
        alone, ours = self.draft(self.plain), self.draft(self.plain)
        with self.hook_off():
            baseline = self.count(alone.action_confirm)
        with self.assertQueryCount(baseline):
            ours.action_confirm()
        self.assertFalse(self.visits_of(ours))

    def test_service_type_changes_reach_the_cached_products(self):
        other = self.env["product.product"].create({"name": "Inspection", "type": "service"})
        order = self.draft(other, lines=1)
        order.action_confirm()
        self.assertFalse(self.visits_of(order))
        self.service_type.product_id = other
        order = self.draft(other, lines=1)
        order.action_confirm()
        self.assertEqual(self.visits_of(order).type_id, self.service_type)
        self.service_type.active = False
        order = self.draft(other, lines=1)
        order.action_confirm()
        self.assertFalse(self.visits_of(order))
