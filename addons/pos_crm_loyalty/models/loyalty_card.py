from odoo import api, fields, models


class LoyaltyCard(models.Model):
    _inherit = "loyalty.card"

    # what the till reads of a member's tier (the tier model itself is not loaded there)
    crm_pos_tier = fields.Integer(
        string="Tier Id", related="crm_tier_id.id", help="The card's tier, for the till."
    )
    crm_pos_multiplier = fields.Float(
        string="Tier Multiplier",
        compute="_compute_crm_pos_multiplier",
        compute_sudo=True,
        help="What the member's points are multiplied by (1 without a tier).",
    )

    @api.depends("crm_tier_id.multiplier")
    def _compute_crm_pos_multiplier(self):
        for card in self:
            card.crm_pos_multiplier = card.crm_tier_id.multiplier or 1.0

    @api.model
    def _load_pos_data_fields(self, config_id):
        return super()._load_pos_data_fields(config_id) + ["crm_pos_tier", "crm_pos_multiplier"]
