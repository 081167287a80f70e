from odoo import fields, models

BUYING_ROLES = [
    ("decision_maker", "Decision Maker"),
    ("influencer", "Influencer"),
    ("user", "User"),
    ("gatekeeper", "Gatekeeper"),
]
STANCES = [
    ("supporter", "Supporter"),
    ("neutral", "Neutral"),
    ("opponent", "Opponent"),
    ("unknown", "Unknown"),
]


class CrmLeadBuyingRole(models.Model):
    _name = "crm.lead.buying.role"
    _description = "Person Influencing a Purchase"
    _order = "lead_id, sequence, id"
    _check_company_auto = True

    lead_id = fields.Many2one(
        "crm.lead", required=True, ondelete="cascade", index=True, check_company=True
    )
    sequence = fields.Integer(default=10)
    partner_id = fields.Many2one(
        "res.partner", string="Contact", required=True, index=True, check_company=True
    )
    function = fields.Char(related="partner_id.function", string="Job Position")
    role = fields.Selection(BUYING_ROLES, required=True, default="influencer")
    stance = fields.Selection(STANCES, required=True, default="unknown")
    note = fields.Char(help="What they care about, what would change their mind.")
    company_id = fields.Many2one(related="lead_id.company_id", store=True, index=True)

    _sql_constraints = [
        (
            "lead_partner_unique",
            "unique(lead_id, partner_id)",
            "This contact is already on the buying committee of this opportunity.",
        ),
    ]
