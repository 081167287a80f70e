from odoo import fields, models, tools
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

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """
            CREATE VIEW crm_loyalty_ledger_report AS
            WITH lines AS (
                SELECT c.program_id, date_trunc('month', h.crm_date)::date AS month,
                       h.crm_kind, COALESCE(h.issued, 0) - COALESCE(h.used, 0) AS points
                  FROM loyalty_history h
                  JOIN loyalty_card c ON c.id = h.card_id
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
            ), months AS (
                SELECT program_id,
                       generate_series(MIN(month), date_trunc('month', CURRENT_DATE)::date,
                                       INTERVAL '1 month')::date AS month
                  FROM sums
                 GROUP BY program_id
            ), rows AS (
                SELECT m.program_id, m.month,
                       COALESCE(s.earned, 0) AS earned, COALESCE(s.granted, 0) AS granted,
                       COALESCE(s.redeemed, 0) AS redeemed, COALESCE(s.expired, 0) AS expired,
                       SUM(COALESCE(s.net, 0)) OVER (PARTITION BY m.program_id
                                                     ORDER BY m.month) AS outstanding,
                       %(value)s AS value
                  FROM months m
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
                value=point_value_sql(
                    SQL("m.program_id"),
                    SQL("(m.month + INTERVAL '1 month' - INTERVAL '1 day')::date"),
                ),
            )
        )
