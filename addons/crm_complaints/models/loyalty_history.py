from odoo import fields, models


class LoyaltyHistory(models.Model):
    _inherit = "loyalty.history"

    crm_complaint_remedy_id = fields.Many2one(
        "crm.complaint.remedy",
        string="Complaint Remedy",
        readonly=True,
        copy=False,
        index="btree_not_null",
    )
