from odoo import api, fields, models
from odoo.tools import SQL


class CrmScorecard(models.Model):
    """The loyalty columns of the scorecard: members, the points liability at the end of
    the month and the breakage (points expired in the month), as the loyalty points report
    counts them (`crm.loyalty.ledger.report`)."""

    _name = "crm.scorecard"
    _inherit = "crm.scorecard"

    loyalty_members = fields.Integer(
        readonly=True,
        aggregator="avg",
        help="Active cards of ledger programmes held by a customer at the end of the month "
        "(a card counts from its first ledger line, or its creation).",
    )
    loyalty_liability = fields.Monetary(
        string="Points Liability",
        readonly=True,
        aggregator="avg",
        help="Points not yet spent nor expired at the end of the month times each "
        "programme's value of a point.",
    )
    loyalty_breakage = fields.Monetary(
        string="Breakage",
        readonly=True,
        help="The value of the points that expired in the month.",
    )

    @api.model
    def _compute_months(self, company, months):
        """Adds the loyalty columns, in one statement for all the months. Reads
        loyalty_history, loyalty_card and loyalty_program (ledger programmes of the company);
        writes crm_scorecard."""
        super()._compute_months(company, months)
        if not months:
            return
        self.env["loyalty.history"].flush_model()
        self.env["loyalty.card"].flush_model()
        self.env.cr.execute(
            SQL(
                """
            WITH lines AS (
                SELECT h.card_id, h.crm_date, h.crm_kind,
                       COALESCE(h.issued, 0) - COALESCE(h.used, 0) AS points,
                       COALESCE(p.crm_point_value, 0) AS point_value
                  FROM loyalty_history h
                  JOIN loyalty_card c ON c.id = h.card_id
                  JOIN loyalty_program p ON p.id = c.program_id
                 WHERE h.crm_kind IS NOT NULL AND p.company_id = %(company)s
                   AND h.crm_date < %(end)s
            ),
            ledger AS (
                SELECT m.month,
                       SUM(l.points * l.point_value)
                           FILTER (WHERE l.crm_date < m.month_end)
                           AS liability,
                       -SUM(l.points * l.point_value)
                           FILTER (WHERE l.crm_kind = 'expire' AND l.crm_date >= m.month
                                     AND l.crm_date < m.month_end)
                           AS breakage
                  FROM %(months)s
                  CROSS JOIN lines l
                 GROUP BY m.month
            ),
            cards AS (
                SELECT c.id, LEAST(c.create_date, MIN(h.crm_date)) AS since
                  FROM loyalty_card c
                  JOIN loyalty_program p ON p.id = c.program_id
                  LEFT JOIN loyalty_history h ON h.card_id = c.id AND h.crm_kind IS NOT NULL
                 WHERE p.company_id = %(company)s AND p.crm_enabled AND p.active AND c.active
                   AND c.partner_id IS NOT NULL
                 GROUP BY c.id
            ),
            members AS (
                SELECT m.month, COUNT(c.id) AS members
                  FROM %(months)s
                  LEFT JOIN cards c ON c.since < m.month_end
                 GROUP BY m.month
            )
            UPDATE crm_scorecard s
               SET loyalty_members = mb.members,
                   loyalty_liability = COALESCE(l.liability, 0),
                   loyalty_breakage = COALESCE(l.breakage, 0)
              FROM members mb
              LEFT JOIN ledger l ON l.month = mb.month
             WHERE s.company_id = %(company)s AND s.month = mb.month
            """,
                months=self._months_sql(company, months),
                company=company.id,
                end=self._months_end(company, months),
            )
        )
        self.invalidate_model(["loyalty_members", "loyalty_liability", "loyalty_breakage"])
