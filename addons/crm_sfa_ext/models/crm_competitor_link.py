from odoo import fields, models


class CrmCompetitorLink(models.Model):
    _name = "crm.competitor.link"
    _description = "Competitor Link"
    _order = "sequence, id"

    competitor_id = fields.Many2one(
        "crm.competitor", required=True, ondelete="cascade", index=True
    )
    sequence = fields.Integer(default=10)
    name = fields.Char(string="Title", required=True)
    url = fields.Char(string="Address", required=True)
    company_id = fields.Many2one(related="competitor_id.company_id", store=True)
