from odoo import fields, models


class CrmCompetitor(models.Model):
    _name = "crm.competitor"
    _description = "Competitor"
    _inherit = ["mail.thread"]
    _order = "name"

    name = fields.Char(required=True, tracking=True)
    website = fields.Char()
    strengths = fields.Text()
    weaknesses = fields.Text()
    company_id = fields.Many2one("res.company", default=lambda self: self.env.company, index=True)
    active = fields.Boolean(default=True)

    _sql_constraints = [
        (
            "name_company_unique",
            "unique(name, company_id)",
            "This competitor is already recorded for this company.",
        ),
    ]
