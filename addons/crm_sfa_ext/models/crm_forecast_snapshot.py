from odoo import api, fields, models
from odoo.tools import SQL
from odoo.tools.sql import create_unique_index

from .crm_sales_target import PERIOD_TYPES


def accuracy_sql(won, forecast):
    """Accuracy of ``forecast`` against what was ``won`` (SQL expressions), in percent:
    100 x (1 - |won - forecast| / won), 0 at worst; 100 when nothing was forecast and
    nothing won. The one definition of the computed and the adjusted forecasts' accuracy."""
    return SQL(
        """CASE WHEN %(won)s > 0
                THEN GREATEST(0, 100 * (1 - ABS(%(won)s - %(forecast)s) / %(won)s))
                WHEN %(forecast)s = 0 THEN 100 ELSE 0 END""",
        won=won,
        forecast=forecast,
    )


class CrmForecastSnapshot(models.Model):
    """The forecast of a salesperson (and team) for a period, frozen on the day it was taken,
    with what was actually won in the period since; the difference is the forecast's accuracy."""

    _name = "crm.forecast.snapshot"
    _description = "Forecast Snapshot"
    _order = "date_from desc, team_id, user_id"

    date = fields.Date(string="Taken On", required=True, readonly=True)
    period_type = fields.Selection(PERIOD_TYPES, string="Period", required=True, readonly=True)
    date_from = fields.Date(string="Start", required=True, readonly=True)
    date_to = fields.Date(string="End", required=True, readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True, index=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True, index=True)
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    target_revenue = fields.Monetary(string="Target", readonly=True)
    pipeline = fields.Monetary(string="Open Pipeline", readonly=True)
    weighted = fields.Monetary(string="Weighted Forecast", readonly=True)
    commit = fields.Monetary(readonly=True)
    best_case = fields.Monetary(readonly=True)
    won_at_snapshot = fields.Monetary(string="Won When Taken", readonly=True)
    actual_won = fields.Monetary(string="Actually Won", readonly=True)
    accuracy = fields.Float(
        string="Accuracy (%)",
        readonly=True,
        aggregator="avg",
        help="100 x (1 - |actually won - weighted forecast| / actually won), 0 at worst; "
        "100 when nothing was forecast and nothing won.",
    )
    bias = fields.Monetary(
        string="Over-forecast", readonly=True, help="Weighted forecast less what was won."
    )
    adjusted = fields.Monetary(
        string="Adjusted Forecast",
        readonly=True,
        help="The sales manager's adjusted forecast of the salesperson for the period (the "
        "weighted forecast where there is no adjustment), brought up to date with the actuals.",
    )
    adjusted_accuracy = fields.Float(
        string="Adjusted Accuracy (%)",
        readonly=True,
        aggregator="avg",
        help="The accuracy of the adjusted forecast, measured as the computed one's.",
    )

    def init(self):
        # one snapshot per period and owner (NULL owner included, PostgreSQL 13 has no
        # NULLS NOT DISTINCT); _take's ON CONFLICT relies on it
        create_unique_index(
            self.env.cr,
            "crm_forecast_snapshot_period_owner_uniq",
            self._table,
            [
                "period_type",
                "date_from",
                "COALESCE(user_id, 0)",
                "COALESCE(team_id, 0)",
                "company_id",
            ],
        )

    @api.model
    def _take(self, period_type, day, companies=None, update_actuals=True):
        """Takes the snapshot of the period that contains ``day`` (in each company's
        calendar) for every salesperson and team with figures in it, in one INSERT ... SELECT
        over the forecast report per company, then (unless told not to) brings the actuals
        up to date. Safe to run twice: a period already taken is kept.
        Reads crm_forecast_report's sources, writes crm_forecast_snapshot. Returns the number
        of rows taken."""
        self.env.flush_all()
        taken = 0
        for company in companies or self.env.companies:
            taken += self._take_company(period_type, day, company)
        self.invalidate_model()
        if update_actuals:
            self._update_actuals()
        return taken

    @api.model
    def _take_company(self, period_type, day, company):
        date_from = company._crm_period_start(day, period_type)
        date_to = company._crm_period_end(day, period_type)
        report = self.env["crm.forecast.report"]
        self.env.cr.execute(
            SQL(
                """INSERT INTO crm_forecast_snapshot (
                        date, period_type, date_from, date_to, user_id, team_id, company_id,
                        target_revenue, pipeline, weighted, commit, best_case, won_at_snapshot,
                        actual_won, accuracy, bias, create_uid, create_date, write_uid,
                        write_date)
                   SELECT %(day)s, %(period_type)s, %(date_from)s, %(date_to)s, r.user_id,
                          r.team_id, r.company_id, SUM(r.target_revenue), SUM(r.pipeline),
                          SUM(r.weighted), SUM(r.commit), SUM(r.best_case),
                          SUM(r.won_revenue), SUM(r.won_revenue), 0, 0, %(uid)s,
                          now() AT TIME ZONE 'UTC', %(uid)s, now() AT TIME ZONE 'UTC'
                     FROM %(report)s r
                    WHERE r.date BETWEEN %(date_from)s AND %(date_to)s
                      AND r.company_id = %(company)s
                      AND r.source IN ('target', 'open', 'won')
                 GROUP BY r.user_id, r.team_id, r.company_id
                ON CONFLICT DO NOTHING""",
                day=day,
                period_type=period_type,
                date_from=date_from,
                date_to=date_to,
                uid=self.env.uid,
                report=report._table_sql,
                company=company.id,
            )
        )
        return self.env.cr.rowcount

    @api.model
    def _update_actuals(self):
        """What was won in each snapshot's period (so far), the manager's adjusted forecast
        of the salesperson and period (the forecast sheet's line), and the accuracy of the
        weighted and adjusted forecasts against what was won, for every snapshot whose period
        has started: one UPDATE from one aggregate over the won opportunities.
        Reads crm_forecast_report's sources and crm_forecast_adjustment, writes
        crm_forecast_snapshot."""
        self.env.flush_all()
        report = self.env["crm.forecast.report"]
        self.env.cr.execute(
            SQL(
                """UPDATE crm_forecast_snapshot s
                      SET actual_won = a.won,
                          bias = s.weighted - a.won,
                          accuracy = %(accuracy)s,
                          adjusted = COALESCE(a.adjusted, s.weighted),
                          adjusted_accuracy = %(adjusted_accuracy)s
                     FROM (SELECT s2.id, COALESCE(SUM(r.won_revenue), 0) AS won,
                                  MAX(adj.adjusted_amount) FILTER (WHERE adj.is_adjusted)
                                      AS adjusted
                             FROM crm_forecast_snapshot s2
                        LEFT JOIN crm_forecast_adjustment adj
                               ON adj.user_id = s2.user_id
                              AND adj.company_id = s2.company_id
                              AND adj.period_type = s2.period_type
                              AND adj.date_from = s2.date_from
                        LEFT JOIN %(report)s r
                               ON r.source = 'won'
                              AND r.date BETWEEN s2.date_from AND s2.date_to
                              AND r.company_id = s2.company_id
                              AND r.user_id IS NOT DISTINCT FROM s2.user_id
                              AND r.team_id IS NOT DISTINCT FROM s2.team_id
                            WHERE s2.date_from <= %(today)s
                         GROUP BY s2.id) a
                    WHERE a.id = s.id""",
                report=report._table_sql,
                today=fields.Date.context_today(self),
                accuracy=accuracy_sql(SQL("a.won"), SQL("s.weighted")),
                adjusted_accuracy=accuracy_sql(
                    SQL("a.won"), SQL("COALESCE(a.adjusted, s.weighted)")
                ),
            )
        )
        self.invalidate_model()

    @api.model
    def _cron_take_snapshots(self):
        """Daily: takes the snapshots of the month, quarter and year that start today (or
        that have none yet, if the scheduler missed their first day), adds the forecast
        sheet's lines of the salespeople new in those periods, then refreshes the actuals of
        every started period."""
        today = fields.Date.context_today(self)
        companies = self.env["res.company"].search([])
        for period_type, _label in PERIOD_TYPES:
            # the actuals once, after the three periods, not after each
            self._take(period_type, today, companies, update_actuals=False)
            self.env["crm.forecast.adjustment"]._generate(period_type, today, companies)
        self._update_actuals()
