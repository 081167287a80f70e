from odoo import api, models

from .sale_order import SYNC


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    # a reward line added to, changed on or removed from a confirmed order moves points:
    # sale_loyalty's own arithmetic is left out for ledger cards (CTX_ORDER_SYNC) and the
    # order sync books the redemption or gives it back
    @api.model_create_multi
    def create(self, vals_list):
        if not any(vals.get("coupon_id") for vals in vals_list):
            return super().create(vals_list)
        lines = super(SaleOrderLine, self.with_context(**SYNC)).create(vals_list)
        lines.order_id.filtered(lambda o: o.state == "sale")._crm_sync_loyalty()
        return lines.with_env(self.env)

    def write(self, vals):
        if "points_cost" not in vals:
            return super().write(vals)
        res = super(SaleOrderLine, self.with_context(**SYNC)).write(vals)
        self.order_id.filtered(lambda o: o.state == "sale")._crm_sync_loyalty()
        return res

    def unlink(self):
        orders = self.filtered("coupon_id").order_id.filtered(lambda o: o.state == "sale")
        res = super(SaleOrderLine, self.with_context(**SYNC)).unlink()
        orders.exists()._crm_sync_loyalty()
        return res
