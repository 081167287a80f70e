from odoo import fields, models


class SaleOrder(models.Model):
    _inherit = "sale.order"

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

    def _action_cancel(self):
        result = super()._action_cancel()
        self.crm_complaint_remedy_id.sudo()._remedy_cancelled()
        return result

    def action_open_crm_complaint(self):
        self.ensure_one()
        return self.crm_complaint_id.get_formview_action()
