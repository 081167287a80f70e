from odoo import api, models

from .crm_basket_month import LINE_BASKET_FIELDS


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        lines.order_id._crm_mark_basket_months_stale()
        return lines

    def write(self, vals):
        if LINE_BASKET_FIELDS.isdisjoint(vals):
            return super().write(vals)
        # the orders the lines leave and the orders they join
        self.order_id._crm_mark_basket_months_stale()
        result = super().write(vals)
        self.order_id._crm_mark_basket_months_stale()
        return result

    def unlink(self):
        self.order_id._crm_mark_basket_months_stale()
        return super().unlink()
