from odoo import fields, models
from odoo.addons.crm_identification.models.crm_customer_score import VALUE_TIERS
from odoo.tools import SQL

from .readable import readable

OUTCOMES = [("won", "Won"), ("lost", "Lost"), ("open", "Open")]


class CrmCompetitorReport(models.Model):
    """Win/loss analysis: one row per opportunity and competitor in the race (one row with no
    competitor when nobody was recorded), with its outcome, lost reason, the customer's
    segment and value tier in the opportunity's company, and the main product quoted (the
    largest line of its quotations). Grouped by competitor, a deal with two competitors
    counts once under each. A reader sees the rows of the opportunities they may open
    (crm.lead's record rules: a salesperson their own)."""

    _name = "crm.competitor.report"
    _description = "Win/Loss Analysis"
    _auto = False
    _rec_name = "lead_id"
    _order = "date desc"
    _depends = {
        "crm.lead": [
            "active", "type", "stage_id", "date_closed", "create_date", "lost_reason_id",
            "user_id", "team_id", "company_id", "partner_id", "expected_revenue", "probability",
            "competitor_ids", "lost_to_competitor_id",
        ],
        "crm.stage": ["is_won"],
        "res.partner": ["crm_segment_id", "crm_value_tier"],
        "sale.order": ["opportunity_id", "state"],
        "sale.order.line": ["order_id", "product_id", "price_subtotal"],
    }  # fmt: skip

    lead_id = fields.Many2one("crm.lead", string="Opportunity", readonly=True)
    competitor_id = fields.Many2one("crm.competitor", readonly=True)
    lost_to = fields.Boolean(string="Won by This Competitor", readonly=True)
    outcome = fields.Selection(OUTCOMES, readonly=True)
    date = fields.Date(readonly=True, help="Closing date, or creation date of open deals.")
    lost_reason_id = fields.Many2one("crm.lost.reason", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    segment_id = fields.Many2one("crm.customer.segment", string="Customer Segment", readonly=True)
    value_tier = fields.Selection(VALUE_TIERS, readonly=True)
    product_id = fields.Many2one("product.product", string="Main Product", readonly=True)
    expected_revenue = fields.Monetary(readonly=True)
    win_rate = fields.Float(
        string="Win Rate (%)",
        readonly=True,
        aggregator="avg",
        help="Share of closed deals won; open deals are left out.",
    )

    @property
    def _table_query(self):
        company_key = SQL("l.company_id::text")
        return SQL(
            """SELECT l.id::bigint * 1000000 + COALESCE(rel.competitor_id, 0) AS id,
                      l.id AS lead_id,
                      rel.competitor_id,
                      rel.competitor_id IS NOT NULL
                          AND rel.competitor_id = l.lost_to_competitor_id AS lost_to,
                      CASE WHEN l.active AND s.is_won THEN 'won'
                           WHEN l.active THEN 'open' ELSE 'lost' END AS outcome,
                      COALESCE(l.date_closed, l.create_date)::date AS date,
                      l.lost_reason_id,
                      l.user_id,
                      l.team_id,
                      l.company_id,
                      l.partner_id,
                      (p.crm_segment_id ->> %(key)s)::int AS segment_id,
                      p.crm_value_tier ->> %(key)s AS value_tier,
                      main.product_id,
                      COALESCE(l.expected_revenue, 0) AS expected_revenue,
                      CASE WHEN l.active AND s.is_won THEN 100.0
                           WHEN l.active THEN NULL ELSE 0.0 END AS win_rate
                 FROM crm_lead l
                 JOIN crm_stage s ON s.id = l.stage_id
            LEFT JOIN crm_lead_competitor_rel rel ON rel.lead_id = l.id
            LEFT JOIN res_partner p ON p.id = l.partner_id
            -- the main product of each opportunity, in one pass over its orders; unique on
            -- the opportunity, so PostgreSQL leaves the join out of queries not asking for it
            LEFT JOIN (
                      SELECT DISTINCT ON (so.opportunity_id) so.opportunity_id, sol.product_id
                        FROM sale_order so
                        JOIN sale_order_line sol ON sol.order_id = so.id
                       WHERE so.opportunity_id IS NOT NULL AND so.state != 'cancel'
                         AND sol.product_id IS NOT NULL
                    ORDER BY so.opportunity_id, sol.price_subtotal DESC, sol.id
                    ) main ON main.opportunity_id = l.id
                WHERE l.type = 'opportunity'
                  AND (l.active OR COALESCE(l.probability, 0) = 0)
                  AND %(readable)s""",
            key=company_key,
            readable=readable(self.env, "crm.lead", SQL("l.id")),
        )
