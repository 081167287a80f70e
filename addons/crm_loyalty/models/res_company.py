from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    crm_loyalty_compensation_program_id = fields.Many2one(
        "loyalty.program",
        string="Compensation Programme",
        domain="[('crm_enabled', '=', True), ('company_id', 'in', [id, False])]",
        help="The loyalty programme in which other addons (complaints, ...) grant goodwill "
        "points to customers.",
    )
