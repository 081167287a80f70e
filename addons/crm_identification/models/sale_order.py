from odoo import api, fields, models

from .crm_basket_month import ORDER_BASKET_FIELDS
from .crm_customer_touch import ORDER_FIGURE_FIELDS, note_customers

# products suggested on a quotation
SUGGESTED = 5


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
        """The five best suggestions per order, for every order in one query: each
        customer's ranked suggestions, long enough to stay five once the products already
        on the order are left out."""
        on_order = {order: set(order.order_line.product_id.ids) for order in self}
        longest = max((len(products) for products in on_order.values()), default=0)
        suggestions = self.env["crm.product.association"]._suggest(
            self.partner_id, limit=SUGGESTED + longest
        )
        for order in self:
            ranked = suggestions.get(order.partner_id.commercial_partner_id.id, [])
            order.crm_suggested_product_ids = [
                product for product in ranked if product not in on_order[order]
            ][:SUGGESTED]

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
