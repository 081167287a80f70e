from odoo import api, fields, models

# the programmes limited to some customers (segments, value tiers, loyalty tiers)
LIMITED_DOMAIN = [
    "|",
    "|",
    "|",
    "|",
    ("crm_segment_ids", "!=", False),
    ("crm_value_tier_a", "=", True),
    ("crm_value_tier_b", "=", True),
    ("crm_value_tier_c", "=", True),
    ("crm_tier_filter_ids", "!=", False),
]


class LoyaltyProgram(models.Model):
    _inherit = "loyalty.program"

    # a programme limited to some customers: the till asks which of them the customer is
    crm_pos_limited = fields.Boolean(
        string="For Some Customers Only",
        compute="_compute_crm_pos_limited",
        compute_sudo=True,
    )

    @api.depends(
        "crm_segment_ids",
        "crm_tier_filter_ids",
        "crm_value_tier_a",
        "crm_value_tier_b",
        "crm_value_tier_c",
    )
    def _compute_crm_pos_limited(self):
        for program in self:
            program.crm_pos_limited = bool(
                program.crm_segment_ids
                or program.crm_tier_filter_ids
                or program.crm_value_tier_a
                or program.crm_value_tier_b
                or program.crm_value_tier_c
            )

    @api.model
    def _load_pos_data_fields(self, config_id):
        return super()._load_pos_data_fields(config_id) + ["crm_pos_limited"]
