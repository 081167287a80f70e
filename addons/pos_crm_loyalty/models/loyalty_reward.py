from odoo import api, fields, models


class LoyaltyReward(models.Model):
    _inherit = "loyalty.reward"

    # the tiers a reward is limited to, for the till (the tier model is not loaded there)
    crm_pos_tier_ids = fields.Json(
        string="Tier Ids", compute="_compute_crm_pos_tier_ids", compute_sudo=True
    )

    @api.depends("crm_tier_ids")
    def _compute_crm_pos_tier_ids(self):
        for reward in self:
            reward.crm_pos_tier_ids = reward.crm_tier_ids.ids

    @api.model
    def _load_pos_data_fields(self, config_id):
        return super()._load_pos_data_fields(config_id) + ["crm_pos_tier_ids"]
