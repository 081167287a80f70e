from odoo import api, fields, models, tools
from odoo.tools import SQL

REPORT_MONTHS = 12


class CrmChurnReport(models.Model):
    """Churn rate per month and per segment: customers lost during the month over customers
    active at its start, each counted in the segment it was in at the start of the month
    (from the segment history; before its first recorded change, the segment the customer
    was first put in). The months are the twelve up to the day of the company's figures
    (its last refresh, `res.company.crm_figures_as_of`), not the database's clock: the
    report and the figures it counts agree on what "now" is.

    The months are those of each company's calendar (`res.company._crm_period_starts`):
    Solar Hijri months (1 Farvardin to the day before 1 Ordibehesht, ...) for a company
    that uses that calendar, Gregorian months otherwise. They are computed when the report
    is read (a table query, not a stored view), so a company switching calendars sees its
    new months at once and the report needs no rebuild when the calendar addon comes or
    goes; the counting over the customers stays one set-based statement."""

    _name = "crm.churn.report"
    _description = "Churn Rate"
    _auto = False
    _order = "month desc"
    _depends = {
        "crm.customer.score": [
            "company_id",
            "user_id",
            "segment_id",
            "first_order_date",
            "lost_date",
        ],
        "crm.customer.segment.history": ["partner_id", "company_id", "segment_id", "date"],
        "res.company": ["crm_figures_as_of"],
    }

    month = fields.Date(readonly=True, help="First day of the month, in the company's calendar.")
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

    @api.model
    def _report_months(self):
        """The months of the report, [(company id, first day, first day of the next
        month)]: the twelve months of each company's calendar up to its figures' day."""
        companies = self.env["res.company"].sudo().search([("crm_figures_as_of", "!=", False)])
        months = []
        for company in companies:
            last = company._crm_period_start(company.crm_figures_as_of)
            bounds = company._crm_period_bounds(
                company._crm_add_months(last, 1 - REPORT_MONTHS), last
            )
            months += [(company.id, start, end) for start, end in bounds]
        return months

    @property
    def _table_query(self):
        """One pass over the customers, not one per month: each customer (and each stretch
        of its segment history) becomes month numbers of the report (1 to 12, from the
        company's month starts with ``width_bucket``): the months it is in that segment at
        their start, active at their start, and lost in; customers alike are counted
        together, then spread over the months their numbers cover."""
        months = self._report_months()

        def months_before(point):
            """How many of the company's report months start before the timestamp."""
            bucket = SQL("width_bucket(%s, c.starts_at)", point)
            return SQL(
                "(%s - CASE WHEN c.starts_at[%s] = %s THEN 1 ELSE 0 END)",
                bucket,
                bucket,
                point,
            )

        lost_bucket = SQL("width_bucket(s.lost_date, c.starts)")
        return SQL(
            """
            WITH months AS (
                SELECT m.*, ROW_NUMBER() OVER (PARTITION BY company_id ORDER BY month) AS n
                  FROM unnest(%(companies)s::int[], %(starts)s::date[], %(ends)s::date[])
                       AS m(company_id, month, next_month)
            ),
            calendars AS (
                SELECT company_id, array_agg(month ORDER BY n) AS starts,
                       array_agg(month::timestamp ORDER BY n) AS starts_at,
                       array_agg(next_month ORDER BY n) AS ends, count(*) AS total
                  FROM months
              GROUP BY company_id
            ),
            spans AS (
                SELECT partner_id, company_id, segment_id,
                       CASE WHEN ROW_NUMBER() OVER w = 1 THEN '-infinity'::timestamp
                            ELSE date END AS valid_from,
                       COALESCE(LEAD(date) OVER w, 'infinity'::timestamp) AS valid_to
                  FROM crm_customer_segment_history
                 WHERE company_id = ANY(%(companies)s::int[])
                WINDOW w AS (PARTITION BY partner_id, company_id ORDER BY date, id)
            ),
            stretches AS (
                -- month numbers: in the segment at the month's start from in_first to
                -- in_last, active at its start from active_first to active_last, lost in
                -- lost_in (customers without history: in their segment every month)
                SELECT s.company_id, s.user_id,
                       CASE WHEN h.partner_id IS NULL THEN s.segment_id
                            ELSE h.segment_id END AS segment_id,
                       CASE WHEN h.partner_id IS NULL THEN 1
                            ELSE %(from_before)s + 1 END AS in_first,
                       CASE WHEN h.partner_id IS NULL THEN c.total
                            ELSE %(to_before)s END AS in_last,
                       width_bucket(s.first_order_date, c.starts) + 1 AS active_first,
                       CASE WHEN s.lost_date IS NULL THEN c.total
                            ELSE %(lost_bucket)s END AS active_last,
                       CASE WHEN s.lost_date < c.ends[%(lost_bucket)s]
                            THEN %(lost_bucket)s END AS lost_in,
                       COUNT(*) AS customers
                  FROM crm_customer_score s
                  JOIN calendars c ON c.company_id = s.company_id
                  LEFT JOIN spans h ON h.partner_id = s.partner_id
                                   AND h.company_id = s.company_id
                 GROUP BY 1, 2, 3, 4, 5, 6, 7, 8
            ),
            counts AS (
                SELECT m.month, t.company_id, t.user_id, t.segment_id,
                       COALESCE(SUM(t.customers) FILTER (
                           WHERE m.n BETWEEN t.active_first AND t.active_last), 0)::bigint
                           AS active_count,
                       COALESCE(SUM(t.customers) FILTER (WHERE m.n = t.lost_in), 0)::bigint
                           AS lost_count
                  FROM stretches t
                  JOIN months m ON m.company_id = t.company_id
                               AND m.n BETWEEN t.in_first AND t.in_last
                 GROUP BY 1, 2, 3, 4
            )
            SELECT ROW_NUMBER() OVER (ORDER BY month, company_id, user_id, segment_id) AS id,
                   month, company_id, user_id, segment_id, active_count, lost_count,
                   CASE WHEN active_count > 0
                        THEN 100.0 * lost_count / active_count ELSE 0 END AS churn_rate
              FROM counts
            """,
            companies=[company_id for company_id, _start, _end in months],
            starts=[start for _company_id, start, _end in months],
            ends=[end for _company_id, _start, end in months],
            from_before=months_before(SQL("h.valid_from")),
            to_before=months_before(SQL("h.valid_to")),
            lost_bucket=lost_bucket,
        )

    def init(self):
        # the report was a stored view before its months followed the company's calendar
        tools.drop_view_if_exists(self.env.cr, self._table)
