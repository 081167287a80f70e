from odoo import api, fields, models
from odoo.exceptions import ValidationError


class CrmLoyaltyTier(models.Model):
    _name = "crm.loyalty.tier"
    _description = "Loyalty Tier"
    _order = "program_id, min_points, id"

    name = fields.Char(required=True, translate=True)
    program_id = fields.Many2one(
        "loyalty.program",
        string="Programme",
        required=True,
        ondelete="cascade",
        domain="[('program_type', '=', 'loyalty')]",
        check_company=True,
    )
    company_id = fields.Many2one(related="program_id.company_id", store=True)
    min_points = fields.Float(
        string="Points to Reach",
        help="A member reaches this tier once their balance is at least this many points.",
    )
    color = fields.Integer()
    active = fields.Boolean(default=True)

    _sql_constraints = [
        (
            "min_points_unique",
            "unique(program_id, min_points)",
            "Two tiers of one programme cannot start at the same number of points.",
        ),
    ]

    @api.constrains("min_points")
    def _check_min_points(self):
        if any(tier.min_points < 0 for tier in self):
            raise ValidationError(
                self.env._(
                    "The points to reach a tier cannot be negative; enter 0 for the entry tier."
                )
            )
