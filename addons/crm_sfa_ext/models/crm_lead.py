from odoo import api, fields, models

FORECAST_CATEGORIES = [
    ("pipeline", "Pipeline"),
    ("best_case", "Best Case"),
    ("commit", "Commit"),
]


class CrmLead(models.Model):
    _inherit = "crm.lead"

    sfa_forecast_category = fields.Selection(
        FORECAST_CATEGORIES,
        string="Forecast Category",
        default="pipeline",
        required=True,
        tracking=True,
        help="Commit: the salesperson commits to winning it in its closing period. "
        "Best Case: could close in the period if things go well. "
        "Pipeline: counted only weighted by its probability.",
    )
    # tracked: the forecast sheet's slippage reads the history of the expected closing date
    date_deadline = fields.Date(tracking=True)
    competitor_ids = fields.Many2many(
        "crm.competitor",
        "crm_lead_competitor_rel",
        "lead_id",
        "competitor_id",
        string="Competitors",
        check_company=True,
    )
    lost_to_competitor_id = fields.Many2one(
        "crm.competitor",
        string="Lost To",
        check_company=True,
        tracking=True,
        index="btree_not_null",
        help="The competitor who won this deal.",
    )
    buying_role_ids = fields.One2many(
        "crm.lead.buying.role", "lead_id", string="Buying Committee", copy=True
    )

    @api.model_create_multi
    def create(self, vals_list):
        # a competitor who won the deal was in the race
        for vals in vals_list:
            self._sfa_add_winner_to_competitors(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._sfa_add_winner_to_competitors(vals)
        return super().write(vals)

    @api.model
    def _sfa_add_winner_to_competitors(self, vals):
        if vals.get("lost_to_competitor_id"):
            vals.setdefault("competitor_ids", [])
            vals["competitor_ids"] = list(vals["competitor_ids"]) + [
                fields.Command.link(vals["lost_to_competitor_id"])
            ]
