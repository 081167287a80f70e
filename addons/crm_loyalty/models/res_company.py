from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    _inherit = "res.company"

    crm_loyalty_compensation_program_id = fields.Many2one(
        "loyalty.program",
        string="Compensation Programme",
        domain="[('crm_enabled', '=', True), ('company_id', 'in', [id, False])]",
        help="The loyalty programme in which other addons (complaints, ...) grant goodwill "
        "points to customers.",
    )

    @api.constrains("crm_loyalty_compensation_program_id")
    def _check_crm_loyalty_compensation_program(self):
        for company in self:
            program = company.crm_loyalty_compensation_program_id
            if program.company_id and program.company_id != company:
                raise ValidationError(
                    self.env._(
                        "The compensation programme of %(company)s must be one of its own "
                        "programmes or one shared by every company, not %(program)s of "
                        "%(other)s: choose another programme.",
                        company=company.name,
                        program=program.name,
                        other=program.company_id.name,
                    )
                )
