from odoo import api, fields, models, tools
from odoo.tools import SQL

from ..models.crm_loyalty_point_value import point_value_sql


class CrmLoyaltyLedgerReport(models.Model):
    """The points of each ledger programme month by month: earned, granted, redeemed,
    expired (breakage) and clawed back, the points outstanding at the end of the month and
    what they would cost the company (outstanding points times the programme's value of a
    point at the end of that month, from its history), and the breakage income of the
    month at that value. Read from the ledger (loyalty_history), one row per programme
    and month from the first line to this month."""

    _name = "crm.loyalty.ledger.report"
    _description = "Loyalty Points Report"
    _auto = False
    _order = "month desc, program_id"

    month = fields.Date(readonly=True)
    program_id = fields.Many2one("loyalty.program", string="Programme", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    earned = fields.Float(readonly=True, help="Points earned on orders, less clawbacks.")
    granted = fields.Float(
        readonly=True, help="Points given by hand, as compensation, by offers or transfers."
    )
    redeemed = fields.Float(readonly=True, help="Points spent on rewards, less give-backs.")
    expired = fields.Float(string="Expired (Breakage)", readonly=True)
    outstanding = fields.Float(
        string="Outstanding Points",
        readonly=True,
        aggregator="sum",
        help="Points not yet spent nor expired at the end of the month.",
    )
    point_value = fields.Monetary(
        string="Value of a Point",
        readonly=True,
        aggregator="avg",
        help="The programme's value of a point at the end of the month (its history).",
    )
    liability = fields.Monetary(
        string="Outstanding Liability",
        readonly=True,
        help="The outstanding points times the value of a point at the end of the month.",
    )
    breakage_value = fields.Monetary(
        string="Breakage Income",
        readonly=True,
        help="The points expired in the month times the value of a point then.",
    )
    redemption_rate = fields.Float(
        string="Redemption Rate (%)",
        readonly=True,
        aggregator="avg",
        help="Points redeemed over points earned and granted in the month.",
    )
    breakage_rate = fields.Float(
        string="Breakage Rate (%)",
        readonly=True,
        aggregator="avg",
        help="Points expired over points earned and granted in the month.",
    )

    @api.model
    def _report_months(self):
        """[(company id, first day, first day of the next month)]: the months of each
        company's calendar from its first ledger line to today's month, and the SQL of the
        month holding a ledger line (a CASE over the companies' calendars)."""
        self.env.cr.execute(
            """
            SELECT p.company_id, MIN(h.crm_date)::date
              FROM loyalty_history h
              JOIN loyalty_card c ON c.id = h.card_id
              JOIN loyalty_program p ON p.id = c.program_id
             WHERE h.crm_kind IS NOT NULL AND p.company_id IS NOT NULL
             GROUP BY 1
            """
        )
        today = fields.Date.context_today(self)
        months, cases = [], []
        for company_id, first in self.env.cr.fetchall():
            company = self.env["res.company"].browse(company_id).sudo()
            last = company._crm_period_start(today)
            bounds = company._crm_period_bounds(first, max(first, last))
            months += [(company_id, start, end) for start, end in bounds]
            cases.append(
                SQL(
                    "WHEN %s THEN %s",
                    company_id,
                    company._crm_period_start_sql(SQL("h.crm_date")),
                )
            )
        month = (
            SQL("CASE p.company_id %s END", SQL(" ").join(cases)) if cases else SQL("NULL::date")
        )
        return months, month

    @property
    def _table_query(self):
        months, month = self._report_months()
        return SQL(
            """
            WITH months AS (
                SELECT *
                  FROM unnest(%(companies)s::int[], %(starts)s::date[], %(ends)s::date[])
                       AS m(company_id, month, next_month)
            ), lines AS (
                SELECT c.program_id, %(month)s AS month,
                       h.crm_kind, COALESCE(h.issued, 0) - COALESCE(h.used, 0) AS points
                  FROM loyalty_history h
                  JOIN loyalty_card c ON c.id = h.card_id
                  JOIN loyalty_program p ON p.id = c.program_id
                 WHERE h.crm_kind IS NOT NULL
            ), sums AS (
                SELECT program_id, month,
                       SUM(points) FILTER (WHERE crm_kind IN ('earn', 'clawback')) AS earned,
                       SUM(points) FILTER (WHERE crm_kind IN ('compensation', 'offer',
                                                              'adjust', 'transfer')) AS granted,
                       -SUM(points) FILTER (WHERE crm_kind IN ('redeem', 'giveback')) AS redeemed,
                       -SUM(points) FILTER (WHERE crm_kind = 'expire') AS expired,
                       SUM(points) AS net
                  FROM lines
                 GROUP BY 1, 2
            ), program_months AS (
                SELECT f.program_id, m.month, m.next_month
                  FROM (SELECT program_id, MIN(month) AS first FROM sums GROUP BY 1) f
                  JOIN loyalty_program p ON p.id = f.program_id
                  JOIN months m ON m.company_id = p.company_id AND m.month >= f.first
            ), rows AS (
                SELECT m.program_id, m.month,
                       COALESCE(s.earned, 0) AS earned, COALESCE(s.granted, 0) AS granted,
                       COALESCE(s.redeemed, 0) AS redeemed, COALESCE(s.expired, 0) AS expired,
                       SUM(COALESCE(s.net, 0)) OVER (PARTITION BY m.program_id
                                                     ORDER BY m.month) AS outstanding,
                       %(value)s AS value
                  FROM program_months m
                  JOIN loyalty_program p ON p.id = m.program_id
             LEFT JOIN sums s ON s.program_id = m.program_id AND s.month = m.month
            )
            SELECT ROW_NUMBER() OVER (ORDER BY r.month, r.program_id) AS id,
                   r.month, r.program_id, p.company_id, p.currency_id,
                   r.earned, r.granted, r.redeemed, r.expired, r.outstanding,
                   r.value AS point_value,
                   r.outstanding * r.value AS liability,
                   r.expired * r.value AS breakage_value,
                   CASE WHEN r.earned + r.granted > 0
                        THEN 100.0 * r.redeemed / (r.earned + r.granted) ELSE 0 END
                       AS redemption_rate,
                   CASE WHEN r.earned + r.granted > 0
                        THEN 100.0 * r.expired / (r.earned + r.granted) ELSE 0 END
                       AS breakage_rate
              FROM rows r
              JOIN loyalty_program p ON p.id = r.program_id
            """,
            companies=[company_id for company_id, _start, _end in months],
            starts=[start for _company_id, start, _end in months],
            ends=[end for _company_id, _start, end in months],
            month=month,
            value=point_value_sql(SQL("m.program_id"), SQL("(m.next_month - 1)")),
        )

    def init(self):
        # the report was a stored view before its months followed the company's calendar
        tools.drop_view_if_exists(self.env.cr, self._table)
