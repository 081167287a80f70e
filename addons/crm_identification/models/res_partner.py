from odoo import api, fields, models

from .crm_customer_score import CHURN_STATUSES, VALUE_TIERS
from .crm_customer_touch import PARTNER_FIGURE_FIELDS, write_noting_customers

_GROUP = "crm_identification.group_crm_identification_user"
# a label of the insight stored on the contact: one value per company, written by the
# refresh only, no index (the refresh rewrites it; searches go through the contact list)
_LABEL = {"company_dependent": True, "readonly": True, "index": False, "groups": _GROUP}


class ResPartner(models.Model):
    _inherit = "res.partner"

    crm_score_ids = fields.One2many(
        "crm.customer.score",
        "partner_id",
        string="Customer Insight",
        groups=_GROUP,
    )
    crm_score_id = fields.Many2one(
        "crm.customer.score",
        string="Insight (current company)",
        compute="_compute_crm_score_id",
        groups=_GROUP,
    )
    crm_rfm_code = fields.Char(string="R / F / M", compute="_compute_crm_score_id", groups=_GROUP)
    crm_clv = fields.Monetary(
        string="Lifetime Value",
        compute="_compute_crm_score_id",
        currency_field="crm_currency_id",
        groups=_GROUP,
    )
    crm_p_alive = fields.Float(string="P(alive)", compute="_compute_crm_score_id", groups=_GROUP)
    crm_last_order_date = fields.Date(
        string="Last Order", compute="_compute_crm_score_id", groups=_GROUP
    )
    crm_currency_id = fields.Many2one(
        "res.currency", string="Insight Currency", compute="_compute_crm_score_id", groups=_GROUP
    )
    crm_explanation = fields.Text(string="Why", compute="_compute_crm_score_id", groups=_GROUP)
    # The labels of the current company's insight, stored on every contact of the customer
    # (company-dependent: one value per company) so that contacts can be searched, grouped
    # and filtered by them. Written set-based by the refresh; the money figures stay on
    # crm.customer.score, whose record rules show them to the customer's salesperson only.
    crm_segment_id = fields.Many2one("crm.customer.segment", string="Customer Segment", **_LABEL)
    crm_value_tier = fields.Selection(VALUE_TIERS, string="Value Tier", **_LABEL)
    crm_churn_status = fields.Selection(CHURN_STATUSES, string="Churn Status", **_LABEL)
    crm_recency_score = fields.Integer(string="Recency Score", **_LABEL)
    crm_frequency_score = fields.Integer(string="Frequency Score", **_LABEL)
    crm_monetary_score = fields.Integer(string="Monetary Score", **_LABEL)
    crm_insight_date = fields.Datetime(
        string="Insight Computed On", compute="_compute_crm_insight_date", groups=_GROUP
    )
    crm_suggested_product_ids = fields.Many2many(
        "product.product",
        string="Suggested Products",
        compute="_compute_crm_suggested_product_ids",
        groups=_GROUP,
    )

    def _write_multi(self, vals_list):
        # archived, restored, or moved under another company: the customers whose sales
        # these contacts carry
        return write_noting_customers(
            self,
            vals_list,
            PARTNER_FIGURE_FIELDS,
            self.env["crm.customer.touch"]._touch_partners,
            super()._write_multi,
        )

    @api.depends_context("company", "uid")
    @api.depends("commercial_partner_id")
    def _compute_crm_score_id(self):
        """The current company's insight row of each partner's commercial entity, in one
        search (record rules apply: a salesperson sees only their own customers)."""
        scores = self.env["crm.customer.score"].search(
            [
                ("partner_id", "in", self.commercial_partner_id.ids),
                ("company_id", "=", self.env.company.id),
            ]
        )
        by_partner = {score.partner_id.id: score for score in scores}
        for partner in self:
            score = by_partner.get(partner.commercial_partner_id.id, scores.browse())
            partner.crm_score_id = score
            partner.crm_rfm_code = score.rfm_code
            partner.crm_clv = score.clv
            partner.crm_p_alive = score.p_alive
            partner.crm_last_order_date = score.last_order_date
            partner.crm_currency_id = score.currency_id or self.env.company.currency_id
            partner.crm_explanation = score.explanation

    @api.depends_context("company")
    def _compute_crm_insight_date(self):
        self.crm_insight_date = self.env.company.crm_insight_refreshed_at

    @api.depends_context("company")
    def _compute_crm_suggested_product_ids(self):
        suggestions = self.env["crm.product.association"]._suggest(self)
        for partner in self:
            partner.crm_suggested_product_ids = suggestions.get(
                partner.commercial_partner_id.id, []
            )

    def _crm_create_win_back_opportunity(self, score=None):
        """An opportunity for the customer's salesperson (or the current user) to win the
        customer back, with what they used to buy in the description."""
        self.ensure_one()
        partner = self.commercial_partner_id
        score = score or partner.crm_score_id
        lines = [self.env._("Win-back: this customer has stopped ordering.")]
        if score:
            lines += score._explain()
            if score.used_to_buy:
                lines.append(self.env._("Used to buy: %(products)s", products=score.used_to_buy))
        return self.env["crm.lead"].create(
            {
                "name": self.env._("Win back %(customer)s", customer=partner.display_name),
                "type": "opportunity",
                "partner_id": partner.id,
                "user_id": (partner.user_id or self.env.user).id,
                "description": "<br/>".join(lines),
                "company_id": self.env.company.id,
            }
        )

    def action_crm_win_back(self):
        self.ensure_one()
        lead = self._crm_create_win_back_opportunity()
        return {
            "type": "ir.actions.act_window",
            "res_model": "crm.lead",
            "res_id": lead.id,
            "view_mode": "form",
        }
