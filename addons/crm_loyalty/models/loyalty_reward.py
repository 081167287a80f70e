from odoo import api, fields, models


class LoyaltyReward(models.Model):
    _inherit = "loyalty.reward"

    crm_tier_ids = fields.Many2many(
        "crm.loyalty.tier",
        string="For Tiers",
        domain="[('program_id', '=', program_id)]",
        check_company=True,
        help="Only members of these tiers can claim this reward (empty: every member).",
    )

    @api.constrains("crm_tier_ids", "program_id")
    def _check_crm_company(self):
        # loyalty.reward does not check its companies itself (_check_company_auto)
        self._check_company(["crm_tier_ids"])

    def _crm_allows(self, card):
        """Whether the member holding `card` may claim this reward (its tier)."""
        self.ensure_one()
        return not self.crm_tier_ids or card.crm_tier_id in self.crm_tier_ids
