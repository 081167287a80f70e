from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL

# months the install and the "backfill" fill, up to the month of the customer figures
BACKFILL_MONTHS = 24


class CrmScorecard(models.Model):
    """The strategic scorecard: one row per company and month, kept in a table so that a
    month's figures stay what they were (lifetime values, members, liability are known only
    on the day they are taken).

    Filled set-based by `_compute_months` (one statement for any number of months), which
    the higher addons extend with their own columns: the monthly cron takes the last two
    months (the one just ended and the current one), the install backfills the past
    `BACKFILL_MONTHS` months where the data allows.

    The months are those of the customer figures (`res.company.crm_figures_as_of`, the day
    of the last insight refresh), not the database's clock: the scorecard and the churn
    report count from the same rows and agree on what "now" is. Gregorian months."""

    _name = "crm.scorecard"
    _description = "CRM Scorecard"
    _order = "month desc, company_id"
    _rec_name = "month"
    _log_access = False

    company_id = fields.Many2one("res.company", required=True, readonly=True, ondelete="cascade")
    currency_id = fields.Many2one(related="company_id.currency_id")
    month = fields.Date(required=True, readonly=True, help="The first day of the month.")
    active_count = fields.Integer(
        string="Active Customers",
        readonly=True,
        aggregator="avg",
        help="Customers who had bought before the month and were not lost at its start.",
    )
    new_count = fields.Integer(
        string="New Customers",
        readonly=True,
        help="Customers whose first purchase was in the month.",
    )
    lost_count = fields.Integer(
        string="Lost Customers", readonly=True, help="Customers lost during the month."
    )
    won_back_count = fields.Integer(
        string="Won-back Customers",
        readonly=True,
        help="Customers who bought in the month after a gap longer than their lost threshold.",
    )
    retention_rate = fields.Float(
        string="Retention Rate (%)",
        readonly=True,
        aggregator="avg",
        help="Active customers at the start of the month not lost during it, in percent.",
    )
    churn_rate = fields.Float(
        string="Churn Rate (%)",
        readonly=True,
        aggregator="avg",
        help="Customers lost during the month over those active at its start, in percent "
        "(as in the churn report).",
    )
    revenue = fields.Monetary(readonly=True)
    revenue_a = fields.Monetary(string="Revenue Tier A", readonly=True)
    revenue_b = fields.Monetary(string="Revenue Tier B", readonly=True)
    revenue_c = fields.Monetary(string="Revenue Tier C", readonly=True)
    clv_total = fields.Monetary(
        string="Total Lifetime Value",
        readonly=True,
        aggregator="avg",
        help="Sum of the customers' lifetime values, taken in the month of the figures (not "
        "known for months before the scorecard was kept).",
    )
    clv_average = fields.Monetary(string="Average Lifetime Value", readonly=True, aggregator="avg")
    computed_at = fields.Datetime(string="Taken On", readonly=True)
    comparison = fields.Selection(
        [("current", "Last Month"), ("last_year", "Same Month Last Year")],
        readonly=True,
        index="btree_not_null",
        help="The last complete month of the company's figures and the same month a year "
        "before it, in the company's calendar: what the dashboards compare.",
    )

    _sql_constraints = [
        ("company_month_unique", "unique(company_id, month)", "One scorecard row per month."),
    ]

    @api.depends("month", "company_id")
    def _compute_display_name(self):
        for row in self:
            row.display_name = (
                row.month and row.company_id._crm_period_label(row.month, "month") or ""
            )

    # ------------------------------------------------------------------ business

    @api.model
    def _months_to(self, last_day, count, company=None):
        """The first days of the `count` months of `company`'s calendar (the current
        company by default) up to the one holding `last_day`, oldest first."""
        company = company or self.env.company
        last = company._crm_period_start(last_day, "month")
        return company._crm_period_starts(company._crm_add_months(last, 1 - count), last)

    @api.model
    def _company_months(self, company, months):
        """The first days of the company's months holding the days `months`, sorted."""
        return sorted({company._crm_period_start(m, "month") for m in months})

    @api.model
    def _months_end(self, company, months):
        """The day after the last of `company`'s months holding the days `months`."""
        return company._crm_period_end(max(months), "month") + timedelta(days=1)

    @api.model
    def _months_sql(self, company, months):
        """A row source `m(month, month_end)`: each of `company`'s months holding the days
        `months`, its first day and the first day of the next one (exclusive end). The one
        contract every scorecard statement reads its months from (the months of a Solar
        Hijri company are not Gregorian months: no `+ INTERVAL '1 month'`)."""
        starts = self._company_months(company, months)
        ends = [company._crm_period_end(start, "month") + timedelta(days=1) for start in starts]
        return SQL(
            "(SELECT * FROM UNNEST(%s::date[], %s::date[]) AS u(month, month_end)) m",
            starts,
            ends,
        )

    @api.model
    def _compute_months(self, company, months):
        """Write the rows of `company` for `months` (first days), set-based: one upsert for
        all the months. Extended by the higher addons (their columns, one statement each).

        Reads crm_customer_score (first purchase, lost date, value tier, lifetime value),
        the sales the insight counts (`crm.customer.figures._sales_source_sql`: sale_order,
        account_move, res_partner) and res_company (the churn rule); writes crm_scorecard."""
        if not months:
            return
        months = self._company_months(company, months)
        end = self._months_end(company, months)
        as_of = company.crm_figures_as_of or None
        rule = company._crm_churn_rule()
        if rule["method"] == "relative":
            lost_after = SQL(
                "COALESCE(s.usual_interval_days * %s, %s)", rule["lost_factor"], rule["lost_days"]
            )
        else:
            lost_after = SQL("%s::float", rule["lost_days"])
        sales = self.env["crm.customer.figures"]._sales_source_sql(
            company, end - timedelta(days=1)
        )
        self.env["crm.customer.score"].flush_model()
        self.env["sale.order"].flush_model()
        self.env["account.move"].flush_model()
        self.env.cr.execute(
            SQL(
                """
            WITH counts AS (
                SELECT m.month,
                       COUNT(s.id) FILTER (WHERE s.first_order_date < m.month
                                             AND (s.lost_date IS NULL OR s.lost_date >= m.month))
                           AS active_count,
                       COUNT(s.id) FILTER (WHERE s.first_order_date >= m.month
                                             AND s.first_order_date < m.month_end)
                           AS new_count,
                       COUNT(s.id) FILTER (WHERE s.lost_date >= m.month
                                             AND s.lost_date < m.month_end) AS lost_count
                  FROM %(months)s
                  LEFT JOIN crm_customer_score s ON s.company_id = %(company)s
                 GROUP BY m.month
            ),
            days AS (
                SELECT partner_id, day, SUM(amount) AS amount,
                       LAG(day) OVER (PARTITION BY partner_id ORDER BY day) AS previous_day
                  FROM (%(sales)s) sales
                 GROUP BY partner_id, day
            ),
            month_sales AS (
                SELECT %(day_month)s AS month,
                       SUM(d.amount) / 1000000.0 AS revenue,
                       SUM(d.amount) FILTER (WHERE s.value_tier = 'a') / 1000000.0 AS revenue_a,
                       SUM(d.amount) FILTER (WHERE s.value_tier = 'b') / 1000000.0 AS revenue_b,
                       SUM(d.amount) FILTER (WHERE s.value_tier = 'c') / 1000000.0 AS revenue_c,
                       COUNT(DISTINCT d.partner_id) FILTER (
                           WHERE d.day - d.previous_day > %(lost_after)s) AS won_back_count
                  FROM days d
                  LEFT JOIN crm_customer_score s ON s.partner_id = d.partner_id
                                                AND s.company_id = %(company)s
                 WHERE d.day >= %(first)s AND d.day < %(end)s
                 GROUP BY 1
            ),
            lifetime AS (
                SELECT %(as_of_month)s::date AS month,
                       SUM(clv) AS clv_total, AVG(clv) AS clv_average
                  FROM crm_customer_score
                 WHERE company_id = %(company)s AND clv IS NOT NULL
                   AND %(as_of)s::date IS NOT NULL
            )
            INSERT INTO crm_scorecard (
                company_id, month, active_count, new_count, lost_count, won_back_count,
                retention_rate, churn_rate, revenue, revenue_a, revenue_b, revenue_c,
                clv_total, clv_average, computed_at)
            SELECT %(company)s, c.month, c.active_count, c.new_count, c.lost_count,
                   COALESCE(ms.won_back_count, 0),
                   CASE WHEN c.active_count > 0
                        THEN 100.0 * (c.active_count - c.lost_count) / c.active_count END,
                   CASE WHEN c.active_count > 0
                        THEN 100.0 * c.lost_count / c.active_count END,
                   COALESCE(ms.revenue, 0), COALESCE(ms.revenue_a, 0),
                   COALESCE(ms.revenue_b, 0), COALESCE(ms.revenue_c, 0),
                   l.clv_total, l.clv_average, %(now)s
              FROM counts c
              LEFT JOIN month_sales ms ON ms.month = c.month
              LEFT JOIN lifetime l ON l.month = c.month
            ON CONFLICT (company_id, month) DO UPDATE SET
                active_count = EXCLUDED.active_count, new_count = EXCLUDED.new_count,
                lost_count = EXCLUDED.lost_count, won_back_count = EXCLUDED.won_back_count,
                retention_rate = EXCLUDED.retention_rate, churn_rate = EXCLUDED.churn_rate,
                revenue = EXCLUDED.revenue, revenue_a = EXCLUDED.revenue_a,
                revenue_b = EXCLUDED.revenue_b, revenue_c = EXCLUDED.revenue_c,
                -- a month's lifetime values are those taken in it: kept once the month is over
                clv_total = COALESCE(EXCLUDED.clv_total, crm_scorecard.clv_total),
                clv_average = COALESCE(EXCLUDED.clv_average, crm_scorecard.clv_average),
                computed_at = EXCLUDED.computed_at
            """,
                months=self._months_sql(company, months),
                company=company.id,
                sales=sales,
                day_month=company._crm_period_start_sql(SQL("d.day"), "month"),
                as_of_month=as_of and company._crm_period_start(as_of, "month"),
                lost_after=lost_after,
                first=months[0],
                end=end,
                as_of=as_of,
                now=fields.Datetime.now(),
            )
        )
        self._mark_comparison(company)
        self.invalidate_model()

    @api.model
    def _mark_comparison(self, company):
        """Mark the company's last complete month (the one before that of its figures) and
        the same month a year before it, which the dashboards compare (one statement)."""
        if not company.crm_figures_as_of:
            return
        current = company._crm_add_months(
            company._crm_period_start(company.crm_figures_as_of, "month"), -1
        )
        last_year = company._crm_add_months(current, -12)
        self.env.cr.execute(
            SQL(
                """
            UPDATE crm_scorecard
               SET comparison = CASE month WHEN %(current)s THEN 'current'
                                           WHEN %(last_year)s THEN 'last_year' END
             WHERE company_id = %(company)s
               AND (comparison IS NOT NULL OR month IN (%(current)s, %(last_year)s))
            """,
                current=current,
                last_year=last_year,
                company=company.id,
            )
        )

    @api.model
    def _backfill(self, months=BACKFILL_MONTHS):
        """The past `months` months of every company with customer figures (install)."""
        for company in self.env["res.company"].search([("crm_figures_as_of", "!=", False)]):
            self._compute_months(
                company, self._months_to(company.crm_figures_as_of, months, company)
            )

    @api.model
    def _cron_take(self):
        """Monthly: the month just ended and the current one of every company with
        customer figures. Safe to run twice (an upsert per company)."""
        self._backfill(months=2)
