from odoo import models


class LoyaltyHistory(models.Model):
    _name = "loyalty.history"
    _inherit = ["loyalty.history", "crm.complaint.remedy.document"]
