from odoo import fields, models


class LoyaltyReward(models.Model):
    _inherit = "loyalty.reward"

    crm_tier_ids = fields.Many2many(
        "crm.loyalty.tier",
        string="For Tiers",
        domain="[('program_id', '=', program_id)]",
        help="Only members of these tiers can claim this reward (empty: every member).",
    )

    def _crm_allows(self, card):
        """Whether the member holding `card` may claim this reward (its tier)."""
        self.ensure_one()
        return not self.crm_tier_ids or card.crm_tier_id in self.crm_tier_ids
