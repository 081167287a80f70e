from odoo import api, fields, models

from .crm_basket_month import ORDER_BASKET_FIELDS


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

    def write(self, vals):
        if ORDER_BASKET_FIELDS.isdisjoint(vals):
            return super().write(vals)
        # the months the orders leave and the months they join
        self._crm_mark_basket_months_stale()
        result = super().write(vals)
        self._crm_mark_basket_months_stale()
        return result

    def unlink(self):
        self._crm_mark_basket_months_stale()
        return super().unlink()

    def _crm_mark_basket_months_stale(self):
        """The basket analysis counts the months of these confirmed orders again."""
        self.env["crm.basket.month"]._mark_stale(
            {
                (order.company_id.id, order.date_order.date().replace(day=1))
                for order in self
                if order.state == "sale" and order.date_order
            }
        )
