from odoo import api, fields, models
from odoo.tools import SQL


class CrmScorecard(models.Model):
    """The complaints columns of the scorecard, of the complaints received in the month
    (as the complaints analysis groups them, by creation date): how many per hundred active
    customers, the SLA compliance, the customers' satisfaction and what they cost."""

    _name = "crm.scorecard"
    _inherit = "crm.scorecard"

    complaint_count = fields.Integer(string="Complaints", readonly=True)
    complaints_per_100 = fields.Float(
        string="Complaints per 100 Customers",
        readonly=True,
        aggregator="avg",
        help="Complaints received in the month per hundred customers active at its start.",
    )
    complaint_sla_compliance = fields.Float(
        string="SLA Compliance (%)",
        readonly=True,
        aggregator="avg",
        help="The share of the month's complaints handled within their SLA.",
    )
    complaint_satisfaction = fields.Float(
        string="Satisfaction (%)",
        readonly=True,
        aggregator="avg",
        help="The share of the month's rated complaints rated 4 or 5 (of 5).",
    )
    complaint_cost = fields.Monetary(
        string="Cost of Complaints",
        readonly=True,
        help="The cost of the remedies of the month's complaints.",
    )

    @api.model
    def _compute_months(self, company, months):
        """Adds the complaints columns, in one statement for all the months. Reads
        crm_complaint; writes crm_scorecard (after the base columns: the active customers)."""
        super()._compute_months(company, months)
        if not months:
            return
        self.env["crm.complaint"].flush_model()
        self.env.cr.execute(
            SQL(
                """
            WITH figures AS (
                SELECT m.month, COUNT(c.id) AS complaints,
                       AVG(c.sla_compliance) AS sla_compliance,
                       100.0 * COUNT(c.id) FILTER (WHERE c.rating_last_value >= 4)
                           / NULLIF(COUNT(c.id) FILTER (WHERE c.rating_last_value > 0), 0)
                           AS satisfaction,
                       COALESCE(SUM(c.cost), 0) AS cost
                  FROM %(months)s
                  LEFT JOIN crm_complaint c
                         ON c.company_id = %(company)s AND c.active
                        AND c.create_date >= m.month
                        AND c.create_date < m.month_end
                 GROUP BY m.month
            )
            UPDATE crm_scorecard s
               SET complaint_count = f.complaints,
                   complaints_per_100 = CASE WHEN s.active_count > 0
                                             THEN 100.0 * f.complaints / s.active_count END,
                   complaint_sla_compliance = f.sla_compliance,
                   complaint_satisfaction = f.satisfaction,
                   complaint_cost = f.cost
              FROM figures f
             WHERE s.company_id = %(company)s AND s.month = f.month
            """,
                months=self._months_sql(company, months),
                company=company.id,
            )
        )
        self.invalidate_model(
            [
                "complaint_count",
                "complaints_per_100",
                "complaint_sla_compliance",
                "complaint_satisfaction",
                "complaint_cost",
            ]
        )
