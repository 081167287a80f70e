from odoo import api, fields, models
from odoo.tools import SQL


class CrmScorecard(models.Model):
    """The sales force column of the scorecard: how accurate the month's forecasts were."""

    _name = "crm.scorecard"
    _inherit = "crm.scorecard"

    forecast_accuracy = fields.Float(
        string="Forecast Accuracy (%)",
        readonly=True,
        aggregator="avg",
        help="The average accuracy of the salespeople's monthly forecast snapshots of the "
        "month (what was won against the weighted forecast when the snapshot was taken).",
    )

    @api.model
    def _compute_months(self, company, months):
        """Adds the forecast accuracy, in one statement for all the months. Reads
        crm_forecast_snapshot (monthly snapshots of salespeople); writes crm_scorecard."""
        super()._compute_months(company, months)
        if not months:
            return
        months = sorted(m.replace(day=1) for m in months)
        self.env["crm.forecast.snapshot"].flush_model()
        self.env.cr.execute(
            SQL(
                """
            WITH months AS (
                SELECT UNNEST(%(months)s::date[]) AS month
            ),
            accuracy AS (
                SELECT m.month, AVG(f.accuracy) AS accuracy
                  FROM months m
                  LEFT JOIN crm_forecast_snapshot f
                         ON f.company_id = %(company)s AND f.period_type = 'month'
                        AND f.user_id IS NOT NULL AND f.date_from = m.month
                 GROUP BY m.month
            )
            UPDATE crm_scorecard s
               SET forecast_accuracy = a.accuracy
              FROM accuracy a
             WHERE s.company_id = %(company)s AND s.month = a.month
            """,
                months=months,
                company=company.id,
            )
        )
        self.invalidate_model(["forecast_accuracy"])
