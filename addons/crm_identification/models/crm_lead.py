from odoo import api, fields, models


class CrmLead(models.Model):
    _inherit = "crm.lead"

    crm_suggested_product_ids = fields.Many2many(
        "product.product",
        string="Suggested Products",
        compute="_compute_crm_suggested_product_ids",
        help="Products often bought with what this customer already buys, not bought yet.",
    )

    @api.depends("partner_id")
    @api.depends_context("company")
    def _compute_crm_suggested_product_ids(self):
        suggestions = self.env["crm.product.association"]._suggest(self.partner_id)
        for lead in self:
            lead.crm_suggested_product_ids = suggestions.get(
                lead.partner_id.commercial_partner_id.id, []
            )
