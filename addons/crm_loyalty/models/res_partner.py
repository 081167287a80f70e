from odoo import api, fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    crm_loyalty_tier_ids = fields.Many2many(
        "crm.loyalty.tier",
        string="Loyalty Tiers",
        compute="_compute_crm_loyalty_tier_ids",
        search="_search_crm_loyalty_tier_ids",
        help="The customer's tiers in the loyalty programmes of the current company.",
    )

    @api.depends_context("company")
    def _compute_crm_loyalty_tier_ids(self):
        customers = self.commercial_partner_id
        cards = (
            self.env["loyalty.card"]
            .sudo()
            .search(
                [
                    ("partner_id.commercial_partner_id", "in", customers.ids),
                    ("crm_tier_id", "!=", False),
                    ("company_id", "in", [False, self.env.company.id]),
                ]
            )
        )
        tiers = {}
        for card in cards:
            customer = card.partner_id.commercial_partner_id.id
            tiers[customer] = tiers.get(customer, card.crm_tier_id.browse()) | card.crm_tier_id
        for partner in self:
            partner.crm_loyalty_tier_ids = tiers.get(
                partner.commercial_partner_id.id, self.env["crm.loyalty.tier"]
            )

    def _search_crm_loyalty_tier_ids(self, operator, value):
        holders = (
            self.env["loyalty.card"]
            .sudo()
            .search_fetch([("crm_tier_id", operator, value)], ["partner_id"])
            .partner_id.commercial_partner_id
        )
        return [("commercial_partner_id", "in", holders.ids)]
