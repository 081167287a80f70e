from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.tools import SQL

# months the install and the "backfill" fill, up to the month of the customer figures
BACKFILL_MONTHS = 24


def month_start(day):
    return day.replace(day=1)


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

    _sql_constraints = [
        ("company_month_unique", "unique(company_id, month)", "One scorecard row per month."),
    ]

    @api.depends("month")
    def _compute_display_name(self):
        for row in self:
            row.display_name = row.month and row.month.strftime("%Y-%m") or ""

    # ------------------------------------------------------------------ business

    @api.model
    def _months_to(self, last_month, count):
        """The first days of the `count` months up to `last_month`, oldest first."""
        last = month_start(last_month)
        return [last - relativedelta(months=count - 1 - i) for i in range(count)]

    @api.model
    def _compute_months(self, company, months):
        """Write the rows of `company` for `months` (first days), set-based: one upsert for
        all the months. Extended by the higher addons (their columns, one statement each).

        Reads crm_customer_score (first purchase, lost date, value tier, lifetime value),
        the sales the insight counts (`crm.customer.figures._sales_source_sql`: sale_order,
        account_move, res_partner) and res_company (the churn rule); writes crm_scorecard."""
        if not months:
            return
        months = sorted(month_start(m) for m in months)
        end = months[-1] + relativedelta(months=1)
        as_of = company.crm_figures_as_of or None
        rule = company._crm_churn_rule()
        if rule["method"] == "relative":
            lost_after = SQL(
                "COALESCE(s.usual_interval_days * %s, %s)", rule["lost_factor"], rule["lost_days"]
            )
        else:
            lost_after = SQL("%s::float", rule["lost_days"])
        sales = self.env["crm.customer.figures"]._sales_source_sql(
            company, end - relativedelta(days=1)
        )
        self.env["crm.customer.score"].flush_model()
        self.env["sale.order"].flush_model()
        self.env["account.move"].flush_model()
        self.env.cr.execute(
            SQL(
                """
            WITH months AS (
                SELECT UNNEST(%(months)s::date[]) AS month
            ),
            counts AS (
                SELECT m.month,
                       COUNT(s.id) FILTER (WHERE s.first_order_date < m.month
                                             AND (s.lost_date IS NULL OR s.lost_date >= m.month))
                           AS active_count,
                       COUNT(s.id) FILTER (WHERE s.first_order_date >= m.month
                                             AND s.first_order_date
                                                 < m.month + INTERVAL '1 month') AS new_count,
                       COUNT(s.id) FILTER (WHERE s.lost_date >= m.month
                                             AND s.lost_date < m.month + INTERVAL '1 month')
                           AS lost_count
                  FROM months m
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
                SELECT date_trunc('month', d.day)::date AS month,
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
                SELECT date_trunc('month', %(as_of)s::date)::date AS month,
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
                months=months,
                company=company.id,
                sales=sales,
                lost_after=lost_after,
                first=months[0],
                end=end,
                as_of=as_of,
                now=fields.Datetime.now(),
            )
        )
        self.invalidate_model()

    @api.model
    def _backfill(self, months=BACKFILL_MONTHS):
        """The past `months` months of every company with customer figures (install)."""
        for company in self.env["res.company"].search([("crm_figures_as_of", "!=", False)]):
            self._compute_months(company, self._months_to(company.crm_figures_as_of, months))

    @api.model
    def _cron_take(self):
        """Monthly: the month just ended and the current one of every company with
        customer figures. Safe to run twice (an upsert per company)."""
        self._backfill(months=2)
