from odoo import fields, models, tools
from odoo.tools import SQL


class CrmChurnReport(models.Model):
    """Churn rate per month and per segment: customers lost during the month over customers
    active at its start, each counted in the segment it was in at the start of the month
    (from the segment history; before its first recorded change, the segment the customer
    was first put in). The months are the twelve up to the day of the company's figures
    (its last refresh, `res.company.crm_figures_as_of`), not the database's clock: the
    report and the figures it counts agree on what "now" is."""

    _name = "crm.churn.report"
    _description = "Churn Rate"
    _auto = False
    _order = "month desc"

    month = fields.Date(readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    segment_id = fields.Many2one("crm.customer.segment", readonly=True)
    active_count = fields.Integer(string="Active at Start", readonly=True)
    lost_count = fields.Integer(string="Lost in Month", readonly=True)
    # grouped, the rate is the group's lost over its active (not an average of rates)
    churn_rate = fields.Float(string="Churn Rate (%)", readonly=True, aggregator="avg")

    def _read_group_select(self, aggregate_spec, query):
        """The churn rate of a group of rows (a month, a segment, a salesperson, or
        several): the customers it lost over those active at the start, in percent."""
        if aggregate_spec != "churn_rate:avg":
            return super()._read_group_select(aggregate_spec, query)
        return SQL(
            "COALESCE(100.0 * SUM(%s) / NULLIF(SUM(%s), 0), 0)",
            self._field_to_sql(self._table, "lost_count", query),
            self._field_to_sql(self._table, "active_count", query),
        )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            """
            CREATE VIEW crm_churn_report AS
            WITH months AS (
                SELECT c.id AS company_id,
                       generate_series(
                           date_trunc('month', c.crm_figures_as_of) - INTERVAL '11 months',
                           date_trunc('month', c.crm_figures_as_of), INTERVAL '1 month'
                       )::date AS month
                  FROM res_company c
                 WHERE c.crm_figures_as_of IS NOT NULL
            ),
            spans AS (
                SELECT partner_id, company_id, segment_id,
                       CASE WHEN ROW_NUMBER() OVER w = 1 THEN '-infinity'::timestamp
                            ELSE date END AS valid_from,
                       COALESCE(LEAD(date) OVER w, 'infinity'::timestamp) AS valid_to
                  FROM crm_customer_segment_history
                WINDOW w AS (PARTITION BY partner_id, company_id ORDER BY date, id)
            ),
            counts AS (
                SELECT m.month, s.company_id, s.user_id,
                       CASE WHEN h.partner_id IS NULL THEN s.segment_id
                            ELSE h.segment_id END AS segment_id,
                       COUNT(*) FILTER (WHERE s.first_order_date < m.month
                                          AND (s.lost_date IS NULL OR s.lost_date >= m.month))
                           AS active_count,
                       COUNT(*) FILTER (WHERE s.lost_date >= m.month
                                          AND s.lost_date < m.month + INTERVAL '1 month')
                           AS lost_count
                  FROM months m
                  JOIN crm_customer_score s ON s.company_id = m.company_id
                  LEFT JOIN spans h ON h.partner_id = s.partner_id
                                   AND h.company_id = s.company_id
                                   AND h.valid_from <= m.month AND m.month < h.valid_to
                 GROUP BY 1, 2, 3, 4
            )
            SELECT ROW_NUMBER() OVER (ORDER BY month, company_id, user_id, segment_id) AS id,
                   month, company_id, user_id, segment_id, active_count, lost_count,
                   CASE WHEN active_count > 0
                        THEN 100.0 * lost_count / active_count ELSE 0 END AS churn_rate
              FROM counts
            """
        )
