from odoo import api, models

from .server_flags import ORDER_SYNC, raised


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    # a reward line added to, changed on or removed from a confirmed order moves points:
    # sale_loyalty's own arithmetic is left out for ledger cards (ORDER_SYNC, see
    # server_flags) and the order sync books the redemption or gives it back
    @api.model_create_multi
    def create(self, vals_list):
        if not any(vals.get("coupon_id") for vals in vals_list):
            return super().create(vals_list)
        with raised(self.env, ORDER_SYNC):
            lines = super().create(vals_list)
        lines.order_id.filtered(lambda o: o.state == "sale")._crm_sync_loyalty()
        return lines

    def write(self, vals):
        if "points_cost" not in vals:
            return super().write(vals)
        with raised(self.env, ORDER_SYNC):
            res = super().write(vals)
        self.order_id.filtered(lambda o: o.state == "sale")._crm_sync_loyalty()
        return res

    def unlink(self):
        orders = self.filtered("coupon_id").order_id.filtered(lambda o: o.state == "sale")
        with raised(self.env, ORDER_SYNC):
            res = super().unlink()
        orders.exists()._crm_sync_loyalty()
        return res
