from odoo.tests import TransactionCase, new_test_user
from odoo.tests.common import JsonRpcException


class ComplaintCase(TransactionCase):
    """A team with two agents and a manager, a customer with a product delivered and
    invoiced: what most complaint tests start from."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.company = cls.env.company
        cls.manager = new_test_user(
            cls.env,
            "cmp_manager",
            groups="crm_complaints.group_crm_complaints_manager,sales_team.group_sale_manager,"
            "account.group_account_invoice,stock.group_stock_user",
            email="manager@example.com",
        )
        cls.agent = new_test_user(
            cls.env,
            "cmp_agent",
            groups="crm_complaints.group_crm_complaints_user",
            email="agent@example.com",
        )
        cls.agent2 = new_test_user(
            cls.env,
            "cmp_agent2",
            groups="crm_complaints.group_crm_complaints_user",
            email="agent2@example.com",
        )
        cls.outsider = new_test_user(
            cls.env,
            "cmp_outsider",
            groups="crm_complaints.group_crm_complaints_user",
            email="outsider@example.com",
        )
        cls.calendar = cls.env["resource.calendar"].create(
            {"name": "Service hours (Mon-Fri 8-12, 13-17 UTC)", "tz": "UTC"}
        )
        cls.team = cls.env["crm.complaint.team"].create(
            {
                "name": "Test Service Team",
                "alias_name": "test-complaints",
                "member_ids": [(6, 0, [cls.agent.id, cls.agent2.id])],
                "user_id": cls.manager.id,
                "resource_calendar_id": cls.calendar.id,
                "assignment_method": "manual",
                "require_root_cause": False,
            }
        )
        cls.customer = cls.env["res.partner"].create(
            {"name": "Unhappy Customer", "email": "unhappy@example.com"}
        )
        cls.product = cls.env["product.product"].create(
            {
                "name": "Complaint Chair",
                "is_storable": True,
                "list_price": 100.0,
                "standard_price": 40.0,
                "taxes_id": [(5, 0, 0)],
            }
        )
        cls.stock_location = cls.env.ref("stock.stock_location_stock")
        cls.env["stock.quant"]._update_available_quantity(cls.product, cls.stock_location, 50)

    @classmethod
    def complaint(cls, **values):
        values.setdefault("subject", "Something went wrong")
        values.setdefault("partner_id", cls.customer.id)
        values.setdefault("team_id", cls.team.id)
        return cls.env["crm.complaint"].create(values)

    @classmethod
    def delivered_order(cls, partner=None, quantity=2):
        """A confirmed order of the chair, delivered and invoiced."""
        order = cls.env["sale.order"].create(
            {
                "partner_id": (partner or cls.customer).id,
                "order_line": [
                    (
                        0,
                        0,
                        {
                            "product_id": cls.product.id,
                            "product_uom_qty": quantity,
                            "price_unit": 100.0,
                            "tax_id": [(5, 0, 0)],
                        },
                    )
                ],
            }
        )
        order.action_confirm()
        cls.validate(order.picking_ids)
        invoice = order._create_invoices()
        invoice.action_post()
        return order, order.picking_ids, invoice

    @staticmethod
    def validate(pickings):
        for picking in pickings:
            for move in picking.move_ids:
                move.quantity = move.product_uom_qty
            picking.move_ids.picked = True
            picking.button_validate()


class RpcMixin:
    """JSON-RPC calls as a browser or a script makes them (HttpCase), answering the result
    or the name of the error the server answered."""

    def call_kw(self, model, method, args, kwargs=None, context=None):
        kwargs = dict(kwargs or {})
        if context:
            kwargs["context"] = context
        return self.make_jsonrpc_request(
            "/web/dataset/call_kw",
            {"model": model, "method": method, "args": args, "kwargs": kwargs},
        )

    def call_kw_error(self, model, method, args, kwargs=None, context=None):
        """The error's class name (odoo.exceptions.AccessError, ...) or None on success."""
        try:
            self.call_kw(model, method, args, kwargs, context)
        except JsonRpcException as error:
            return error.args[0] if error.args else str(error)
        return None
