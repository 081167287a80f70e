from odoo import api, fields, models

from .crm_basket_month import ORDER_BASKET_FIELDS
from .crm_customer_touch import ORDER_FIGURE_FIELDS, write_noting_customers


class SaleOrder(models.Model):
    _inherit = "sale.order"

    crm_suggested_product_ids = fields.Many2many(
        "product.product",
        string="Suggested Products",
        compute="_compute_crm_suggested_product_ids",
        help="Products often bought with what this customer buys, neither bought before "
        "nor already on this quotation.",
    )

    @api.depends("partner_id", "order_line.product_id")
    @api.depends_context("company")
    def _compute_crm_suggested_product_ids(self):
        for order in self:
            suggestions = self.env["crm.product.association"]._suggest(
                order.partner_id, exclude_products=order.order_line.product_id
            )
            order.crm_suggested_product_ids = suggestions.get(
                order.partner_id.commercial_partner_id.id, []
            )

    @api.model_create_multi
    def create(self, vals_list):
        orders = super().create(vals_list)
        # orders are seldom created confirmed (imports); when they are, count them
        confirmed = orders.filtered(lambda order: order.state == "sale")
        self.env["crm.customer.touch"]._touch_orders(confirmed.ids)
        return orders

    def _write_multi(self, vals_list):
        # every write of stored fields goes through here, recomputed totals included
        return write_noting_customers(
            self,
            vals_list,
            ORDER_FIGURE_FIELDS,
            self.env["crm.customer.touch"]._touch_orders,
            super()._write_multi,
        )

    def write(self, vals):
        if ORDER_BASKET_FIELDS.isdisjoint(vals):
            return super().write(vals)
        # the months the orders leave and the months they join
        self._crm_mark_basket_months_stale()
        result = super().write(vals)
        self._crm_mark_basket_months_stale()
        return result

    def _crm_mark_basket_months_stale(self):
        """The basket analysis counts the months of these confirmed orders again."""
        self.env["crm.basket.month"]._mark_stale(
            {
                (order.company_id.id, order.date_order.date().replace(day=1))
                for order in self
                if order.state == "sale" and order.date_order
            }
        )
