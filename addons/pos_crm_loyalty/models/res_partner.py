from odoo import api, fields, models

from .loyalty_program import LIMITED_DOMAIN


class ResPartner(models.Model):
    _inherit = "res.partner"

    # the programmes for some customers only that this customer may use, for the till
    crm_pos_program_ids = fields.Many2many(
        "loyalty.program",
        string="Programmes for This Customer",
        compute="_compute_crm_pos_program_ids",
        compute_sudo=True,
        groups="base.group_user",
        help="Among the programmes limited to some segments, value tiers or loyalty tiers, "
        "those this customer may use.",
    )

    @api.depends_context("company")
    def _compute_crm_pos_program_ids(self):
        Program = self.env["loyalty.program"]
        limited = Program.browse()
        if Program._crm_eligibility_in_use():
            limited = Program.search(LIMITED_DOMAIN + [("pos_ok", "=", True)])
        if not limited:
            self.crm_pos_program_ids = False
            return
        PosOrder = self.env["pos.order"]
        for partner in self:
            partner.crm_pos_program_ids = PosOrder._crm_eligible_programs(
                limited, partner.commercial_partner_id, self.env.company
            )

    @api.model
    def _load_pos_data_fields(self, config_id):
        return super()._load_pos_data_fields(config_id) + ["crm_pos_program_ids"]
