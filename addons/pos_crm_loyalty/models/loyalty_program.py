from odoo import api, fields, models
from odoo.tools import SQL

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

    def _crm_qualifying_sales(self, since):
        """The till's orders qualify like sales orders: their untaxed amount in the
        company's currency, one order each; a refund at the till takes its amount back
        (unless invoiced: its credit note does) and is no order."""
        company = SQL("AND po.company_id = %s", self.company_id.id) if self.company_id else SQL()
        till = SQL(
            """
            SELECT p.commercial_partner_id AS customer,
                   (po.amount_total - po.amount_tax)
                       / COALESCE(NULLIF(po.currency_rate, 0), 1) AS amount,
                   CASE WHEN po.amount_total >= 0 THEN 1 ELSE 0 END AS orders
              FROM pos_order po
              JOIN res_partner p ON p.id = po.partner_id
             WHERE po.state IN ('paid', 'done', 'invoiced') AND po.date_order >= %(since)s
               AND NOT (po.state = 'invoiced' AND po.amount_total < 0) %(company)s
            """,
            since=since,
            company=company,
        )
        return [*super()._crm_qualifying_sales(since), till]
