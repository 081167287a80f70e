from odoo import models


class AccountMove(models.Model):
    _name = "account.move"
    _inherit = ["account.move", "crm.complaint.remedy.document"]

    def _post(self, soft=True):
        posted = super()._post(soft=soft)
        # the link was read with the moves (a column of account_move): a move that is no
        # remedy's document costs no query here
        remedies = posted.crm_complaint_remedy_id
        if remedies:
            remedies.sudo()._remedy_done()
        return posted

    def button_cancel(self):
        result = super().button_cancel()
        remedies = self.crm_complaint_remedy_id
        if remedies:
            remedies.sudo()._remedy_cancelled()
        return result
