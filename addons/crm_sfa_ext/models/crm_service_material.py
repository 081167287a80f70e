from odoo import api, fields, models
from odoo.exceptions import UserError

from .crm_service_order import COSTS


class CrmServiceMaterial(models.Model):
    """A product used on a visit. When the visit is done it leaves the technician's van (or
    the warehouse stock) in a stock move to the customer, and, when the visit came from a
    sales order, it is delivered on a line of that order, so Odoo's invoicing bills it."""

    _name = "crm.service.material"
    _description = "Material Used on a Visit"
    _order = "order_id, id"
    _check_company_auto = True

    order_id = fields.Many2one("crm.service.order", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="order_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="order_id.currency_id")
    product_id = fields.Many2one(
        "product.product",
        required=True,
        domain="[('type', '=', 'consu')]",
        check_company=True,
    )
    quantity = fields.Float(default=1.0, digits="Product Unit of Measure", required=True)
    product_uom_id = fields.Many2one(related="product_id.uom_id", string="Unit")
    unit_cost = fields.Monetary(
        compute="_compute_unit_cost", store=True, readonly=False, precompute=True, groups=COSTS
    )
    subtotal = fields.Monetary(compute="_compute_subtotal", store=True, groups=COSTS)
    location_id = fields.Many2one(
        "stock.location",
        string="Taken From",
        compute="_compute_location_id",
        store=True,
        readonly=False,
        precompute=True,
        domain="[('usage', '=', 'internal')]",
        check_company=True,
    )
    move_id = fields.Many2one("stock.move", readonly=True, copy=False)
    sale_line_id = fields.Many2one("sale.order.line", readonly=True, copy=False)

    _sql_constraints = [
        ("quantity_positive", "CHECK(quantity > 0)", "A quantity used must be positive."),
    ]

    @api.depends("product_id")
    def _compute_unit_cost(self):
        for line in self:
            line.unit_cost = line.product_id.standard_price

    @api.depends("unit_cost", "quantity")
    def _compute_subtotal(self):
        for line in self:
            line.subtotal = line.unit_cost * line.quantity

    @api.depends("order_id.technician_ids", "order_id.company_id")
    def _compute_location_id(self):
        for line in self:
            van = line.order_id.technician_ids.sudo().fs_van_location_id[:1]
            line.location_id = van or line._fs_warehouse_stock()

    def write(self, vals):
        if self.filtered("move_id") and set(vals) & {"product_id", "quantity", "location_id"}:
            raise UserError(
                self.env._(
                    "These materials are already out of stock: add a new line instead of "
                    "changing a recorded one."
                )
            )
        return super().write(vals)

    def _fs_warehouse_stock(self):
        company = self.order_id.company_id or self.env.company
        warehouse = self.env["stock.warehouse"].search([("company_id", "=", company.id)], limit=1)
        return warehouse.lot_stock_id

    def _fs_consume(self):
        """Stock moves (done) from each line's location to the customer, linked to a line of
        the visit's sales order when it has one. Lines already moved are skipped, so running
        it twice moves nothing twice. Done as the system: a technician closes the visit but
        has no stock or sales rights of their own."""
        lines = self.filtered(lambda line: not line.move_id).sudo()
        if not lines:
            return
        customers = self.env.ref("stock.stock_location_customers")
        sale_lines = lines._fs_sale_lines()
        moves = lines.env["stock.move"].create(
            [
                {
                    "name": f"{line.order_id.name}: {line.product_id.display_name}",
                    "product_id": line.product_id.id,
                    "product_uom": line.product_id.uom_id.id,
                    "product_uom_qty": line.quantity,
                    "location_id": (line.location_id or line._fs_warehouse_stock()).id,
                    "location_dest_id": customers.id,
                    "partner_id": line.order_id.site_id.id,
                    "company_id": line.company_id.id,
                    "origin": line.order_id.name,
                    "sale_line_id": sale_lines.get(line.id, self.env["sale.order.line"]).id,
                }
                for line in lines
            ]
        )
        moves._action_confirm()
        for move, line in zip(moves, lines, strict=True):
            move.quantity = line.quantity
        moves.picked = True
        moves._action_done()
        for move, line in zip(moves, lines, strict=True):
            line.write({"move_id": move.id, "sale_line_id": move.sale_line_id.id})

    def _fs_sale_lines(self):
        """{material line id: sale order line} for the visits that came from a sales order:
        the order's line of the same product, or a new line (no delivery of its own: the
        stock move of the visit delivers it)."""
        result = {}
        SaleLine = self.env["sale.order.line"].sudo().with_context(skip_procurement=True)
        for line in self.filtered(lambda m: m.order_id.sale_order_id):
            order = line.order_id.sale_order_id
            sale_line = order.order_line.filtered(
                lambda sl, product=line.product_id: sl.product_id == product
                and not sl.display_type
            )[:1]
            if sale_line:
                extra = sale_line.qty_delivered + line.quantity - sale_line.product_uom_qty
                if extra > 0:
                    sale_line.with_context(skip_procurement=True).product_uom_qty += extra
            else:
                sale_line = SaleLine.create(
                    {
                        "order_id": order.id,
                        "product_id": line.product_id.id,
                        "product_uom_qty": line.quantity,
                    }
                )
            result[line.id] = sale_line
        return result
