from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    fs_speed_kmh = fields.Float(related="company_id.fs_speed_kmh", readonly=False)
    fs_road_factor = fields.Float(related="company_id.fs_road_factor", readonly=False)
    fs_exploration_level = fields.Integer(
        related="company_id.fs_exploration_level", readonly=False
    )
    fs_split_days = fields.Integer(related="company_id.fs_split_days", readonly=False)
    fs_region_visits = fields.Integer(related="company_id.fs_region_visits", readonly=False)
    fs_arrival_window_minutes = fields.Integer(
        related="company_id.fs_arrival_window_minutes", readonly=False
    )
    fs_router = fields.Selection(related="company_id.fs_router", readonly=False)
    fs_router_url = fields.Char(related="company_id.fs_router_url", readonly=False)
    fs_tier_a_months = fields.Integer(related="company_id.fs_tier_a_months", readonly=False)
    fs_tier_b_months = fields.Integer(related="company_id.fs_tier_b_months", readonly=False)
    fs_tier_c_months = fields.Integer(related="company_id.fs_tier_c_months", readonly=False)
