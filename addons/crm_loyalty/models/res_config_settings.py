from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    crm_loyalty_compensation_program_id = fields.Many2one(
        related="company_id.crm_loyalty_compensation_program_id", readonly=False
    )
