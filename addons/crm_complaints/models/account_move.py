from odoo import fields, models


class AccountMove(models.Model):
    _inherit = "account.move"

    crm_complaint_remedy_id = fields.Many2one(
        "crm.complaint.remedy",
        string="Complaint Remedy",
        readonly=True,
        copy=False,
        index="btree_not_null",
    )
    crm_complaint_id = fields.Many2one(
        related="crm_complaint_remedy_id.complaint_id", string="Complaint"
    )

    def _post(self, soft=True):
        posted = super()._post(soft=soft)
        posted.crm_complaint_remedy_id.sudo()._remedy_done()
        return posted

    def button_cancel(self):
        result = super().button_cancel()
        self.crm_complaint_remedy_id.sudo()._remedy_cancelled()
        return result

    def action_open_crm_complaint(self):
        self.ensure_one()
        return self.crm_complaint_id.get_formview_action()
