from odoo import api, models

from .crm_basket_month import LINE_BASKET_FIELDS
from .crm_customer_touch import LINE_FIGURE_FIELDS


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        lines.order_id._crm_mark_basket_months_stale()
        lines.order_id._crm_note_customers()
        return lines

    def write(self, vals):
        figures = not LINE_FIGURE_FIELDS.isdisjoint(vals)
        baskets = not LINE_BASKET_FIELDS.isdisjoint(vals)
        if not figures and not baskets:
            # deliveries and invoicing write quantities delivered and invoiced: untouched
            return super().write(vals)
        # the orders the lines leave and the orders they join
        orders = self.order_id
        result = super().write(vals)
        orders |= self.order_id
        if baskets:
            orders._crm_mark_basket_months_stale()
        if figures:
            orders._crm_note_customers()
        return result

    def unlink(self):
        self.order_id._crm_mark_basket_months_stale()
        self.order_id._crm_note_customers()
        return super().unlink()
