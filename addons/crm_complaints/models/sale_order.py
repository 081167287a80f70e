from odoo import models


class SaleOrder(models.Model):
    _name = "sale.order"
    _inherit = ["sale.order", "crm.complaint.remedy.document"]

    def _action_cancel(self):
        result = super()._action_cancel()
        remedies = self.crm_complaint_remedy_id
        if remedies:
            remedies.sudo()._remedy_cancelled()
        return result
