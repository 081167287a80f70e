from odoo import api, fields, models

from .crm_basket_month import ORDER_BASKET_FIELDS
from .crm_customer_touch import ORDER_FIGURE_FIELDS, note_customers


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
        orders._crm_note_customers()
        return orders

    def write(self, vals):
        # confirmed, cancelled, re-dated, given to another customer: the customers before
        # and after (line changes that alter the amount: sale.order.line)
        figures = not ORDER_FIGURE_FIELDS.isdisjoint(vals)
        baskets = not ORDER_BASKET_FIELDS.isdisjoint(vals)
        if figures:
            self._crm_note_customers()
        if baskets:  # the months the orders leave
            self._crm_mark_basket_months_stale()
        result = super().write(vals)
        if figures:
            self._crm_note_customers()
        if baskets:  # and the months they join
            self._crm_mark_basket_months_stale()
        return result

    def _crm_note_customers(self):
        """Note the customers of these orders that are confirmed (crm.customer.touch)."""
        note_customers(
            self.env,
            pairs=[
                (order.company_id.id, order.partner_id.commercial_partner_id.id)
                for order in self
                if order.state == "sale"
            ],
        )

    def _crm_mark_basket_months_stale(self):
        """The basket analysis counts the months of these confirmed orders again."""
        self.env["crm.basket.month"]._mark_stale(
            {
                (order.company_id.id, order.date_order.date().replace(day=1))
                for order in self
                if order.state == "sale" and order.date_order
            }
        )
