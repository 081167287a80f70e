from odoo import models


class StockPicking(models.Model):
    _name = "stock.picking"
    _inherit = ["stock.picking", "crm.complaint.remedy.document"]

    def _action_done(self):
        result = super()._action_done()
        done = self.filtered(lambda p: p.state == "done")
        remedies = done.crm_complaint_remedy_id
        if remedies:
            remedies.sudo()._remedy_done()
        # a replacement is carried out when its order is delivered in full (the orders read
        # as the system: a warehouse user validates deliveries of orders they may not open)
        for order in done.sudo().sale_id.filtered("crm_complaint_remedy_id"):
            if all(p.state in ("done", "cancel") for p in order.picking_ids):
                order.crm_complaint_remedy_id.sudo()._remedy_done()
        return result

    def action_cancel(self):
        result = super().action_cancel()
        remedies = self.crm_complaint_remedy_id
        if remedies:
            remedies.sudo()._remedy_cancelled()
        return result
