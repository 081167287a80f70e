from odoo import models


class AccountMove(models.Model):
    _name = "account.move"
    _inherit = ["account.move", "crm.complaint.remedy.document"]

    def _post(self, soft=True):
        posted = super()._post(soft=soft)
        posted.crm_complaint_remedy_id.sudo()._remedy_done()
        return posted

    def button_cancel(self):
        result = super().button_cancel()
        self.crm_complaint_remedy_id.sudo()._remedy_cancelled()
        return result
