from odoo import api, fields, models


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
