from odoo import fields, models


class LoyaltyHistory(models.Model):
    _name = "loyalty.history"
    _inherit = ["loyalty.history", "crm.complaint.remedy.document"]

    # members read their ledger lines over RPC: which complaint and remedy a goodwill line
    # came from is the staff's
    crm_complaint_remedy_id = fields.Many2one(groups="base.group_user")
    crm_complaint_id = fields.Many2one(groups="base.group_user")
