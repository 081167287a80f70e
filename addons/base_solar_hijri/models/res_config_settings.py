from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    solar_hijri_periods = fields.Boolean(
        related="company_id.solar_hijri_periods",
        readonly=False,
    )
