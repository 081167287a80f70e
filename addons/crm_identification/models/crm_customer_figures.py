from datetime import timedelta

import numpy as np

from odoo import api, models
from odoo.tools import SQL

from ..lib import rfm
from .refresh_tools import FIGURES_DAY_KEY, INCREMENTAL_MAX_CUSTOMERS, INDEXED, local_settings

# what crm_fig carries of each customer's stored row, as old_<column>, for the write step
# (segment history, labels to copy) without another join of every stored row
STORED_COLUMNS = (
    "id",
    "segment_id",
    "segment_since",
    "computed_at",
    "value_tier",
    "churn_status",
    "recency_score",
    "frequency_score",
    "monetary_score",
    "lost_date",
    "p_alive",
    "expected_orders",
    "clv",
    "clv_method",
    "clv_date",
)

# the columns of crm_customer_score the write step writes from the figures (besides the
# segment, its date and the extra figures)
WRITTEN_COLUMNS = (
    "user_id", "first_order_date", "last_order_date", "order_count", "purchase_days",
    "total_value", "frequency", "monetary", "recency_score", "frequency_score",
    "monetary_score", "rfm_code", "value_tier", "churn_status", "usual_interval_days",
    "lost_date", "p_alive", "expected_orders", "clv", "clv_method", "clv_date",
    "first_value",
)  # fmt: skip
OWN_COLUMNS = frozenset(
    {"partner_id", "company_id", "currency_id", *STORED_COLUMNS, *WRITTEN_COLUMNS}
)


# the definition of the stored figures: a new one makes the next refresh compute every
# customer from the sales (2: a purchase is a day with orders, its value the day's orders)
FIGURES_DEFINITION = 2


def micros(amount):
    """SQL of an amount (float8 or numeric) in millionths, rounded once, as int8."""
    return SQL("ROUND((%s)::float8 * 1000000::float8)::int8", amount)


class CrmCustomerFigures(models.AbstractModel):
    """Step 1 of the customer-insight refresh: each customer's figures from the sales.

    Writes the temporary table crm_fig, one row per customer (active commercial partner
    with a sale): partner_id, first_day and last_day of purchase, purchase_days (days
    with a purchase), order_count and total_value of all time, frequency and monetary in
    the window, first_value (the first day's orders: the first purchase), recency_days,
    in_window (orders in the window), spent (value in the window), user_id (salesperson),
    fresh (the figures may differ from the stored row's: computed from the sales, or sales
    left the window) and the stored row's `_stored_columns` as old_<column> (NULL for a
    new customer). Amounts are exact numerics.

    Then the temporary view crm_new over it: the figures under crm_customer_score's column
    names with the R/F/M scores, the A/B/C tier, the churn status and lost date, the old_
    columns, and the columns of other addons' extra figures (`crm.customer.score.
    _extra_figures`).

    Reads sale_order, res_partner and account_move (the sales), crm_customer_score (the
    stored figures) and crm_customer_touch (through crm_touched: customers whose sales
    changed); the incremental path also writes the temporary tables crm_touched and
    crm_leaving (the sales that left the window since the stored figures)."""

    _name = "crm.customer.figures"
    _description = "Customer Figures (refresh step)"

    def _sales_source_sql(self, company, last_day, first_day=None, touched=False):
        """(partner, day, amount, is_sale) of every sale dated up to last_day (and from
        first_day, if given), zero-amount sales left out, refunds as negative amounts.
        Amounts are in millionths of the company currency, as int8: each sale is rounded
        once, and sums of integers are exact whatever their order, so that figures kept
        from the stored rows (less the sales leaving the window) equal figures summed
        anew to the last digit. With touched, only the sales of the customers in crm_touched."""

        def only(day, customer):
            """The conditions of first_day and touched on these columns."""
            return SQL(
                "%s AND %s",
                SQL("%s >= %s", SQL(day), first_day) if first_day else SQL("TRUE"),
                SQL("%s IN (SELECT partner_id FROM crm_touched)", SQL(customer))
                if touched
                else SQL("TRUE"),
            )

        moves_only = only("m.invoice_date", "m.commercial_partner_id")
        if company.crm_sales_source == "invoices":
            return SQL(
                """
                SELECT m.commercial_partner_id AS partner_id, m.invoice_date AS day,
                       %(micros)s AS amount,
                       m.move_type = 'out_invoice' AS is_sale
                  FROM account_move m
                 WHERE m.company_id = %(company)s AND m.state = 'posted'
                   AND m.move_type IN ('out_invoice', 'out_refund')
                   AND m.invoice_date <= %(last_day)s AND m.amount_untaxed_signed <> 0
                   AND %(moves_only)s
                """,
                company=company.id,
                last_day=last_day,
                moves_only=moves_only,
                micros=micros(SQL("m.amount_untaxed_signed")),
            )
        amount = SQL.identifier(
            "o", "margin" if company.crm_monetary_basis == "margin" else "amount_untaxed"
        )
        return SQL(
            """
            SELECT p.commercial_partner_id AS partner_id, o.date_order::date AS day,
                   %(amount)s AS amount, TRUE AS is_sale
              FROM sale_order o
              JOIN res_partner p ON p.id = o.partner_id
             WHERE o.company_id = %(company)s AND o.state = 'sale'
               AND o.date_order < %(next_day)s AND o.amount_untaxed <> 0
               AND %(orders_only)s
            UNION ALL
            SELECT m.commercial_partner_id, m.invoice_date, %(refund)s, FALSE
              FROM account_move m
             WHERE m.company_id = %(company)s AND m.state = 'posted'
               AND m.move_type = 'out_refund' AND m.invoice_date <= %(last_day)s
               AND m.amount_untaxed_signed <> 0 AND %(moves_only)s
            """,
            amount=micros(SQL("%s / COALESCE(NULLIF(o.currency_rate, 0), 1)", amount)),
            refund=micros(SQL("m.amount_untaxed_signed")),
            company=company.id,
            last_day=last_day,
            next_day=last_day + timedelta(days=1),
            orders_only=only("o.date_order", "p.commercial_partner_id"),
            moves_only=moves_only,
        )

    @api.model
    def _basis(self, company):
        """What the stored figures depend on besides the sales: another basis than the
        last refresh's means every customer is computed from the sales again (and the
        lifetime-value model fitted anew), as when the definition of the figures changes."""
        return (
            f"{company.crm_sales_source}/{company.crm_monetary_basis}/{company.crm_lookback_days}"
            f"/{FIGURES_DEFINITION}"
        )

    def _build(self, company, window):
        """The figures of each customer into the temporary table crm_fig (see
        `_build_figures`), then the temporary view crm_new: the figures with the R/F/M
        scores (customers with no sale in the window get 1, 1, 1), the A/B/C tier by
        cumulative share of revenue and the churn status. Returns what `_build_figures`
        returns, and "extra" (the names of the extra figures' columns)."""
        rule = company._crm_churn_rule()
        interval = SQL(
            "CASE WHEN a.purchase_days > 1 "
            "THEN (a.last_day - a.first_day)::float / (a.purchase_days - 1) END"
        )
        if rule["method"] == "relative":
            lost_after = SQL(
                "COALESCE(%(interval)s * %(factor)s, %(days)s)",
                interval=interval,
                factor=rule["lost_factor"],
                days=rule["lost_days"],
            )
            at_risk_after = SQL(
                "COALESCE(%(interval)s * %(factor)s, %(days)s)",
                interval=interval,
                factor=rule["at_risk_factor"],
                days=rule["at_risk_days"],
            )
        else:
            lost_after = SQL("%s::float", rule["lost_days"])
            at_risk_after = SQL("%s::float", rule["at_risk_days"])
        extra_queries = self._extra_queries(company, window)
        extra = [name for _query, names in extra_queries for name in names]
        figures = self._build_figures(company, window, extra)
        figures["extra"] = extra
        self.env.cr.execute("ANALYZE crm_fig")
        r, f, m = self._score_sqls(company)
        # a view, not a table: its rows are read once, by the write step (writing them
        # out first cost 0.3 s at full size, and the window function over every customer
        # for the tiers 1.9 s). OFFSET 0 keeps PostgreSQL from inlining the scores into
        # each expression that uses them, which would compute them again each time.
        self.env.cr.execute(
            SQL(
                """
            CREATE TEMP VIEW crm_new AS
            SELECT a.partner_id, a.user_id, a.purchase_days, a.fresh,
                   a.first_day AS first_order_date, a.last_day AS last_order_date,
                   a.order_count, ROUND(a.total_value::numeric, 6) AS total_value,
                   ROUND(a.first_value::numeric, 6) AS first_value,
                   a.recency_days, a.frequency, ROUND(a.monetary::numeric, 6) AS monetary,
                   a.r AS recency_score, a.f AS frequency_score, a.m AS monetary_score,
                   a.r::text || a.f::text || a.m::text AS rfm_code,
                   %(tier)s AS value_tier,
                   %(interval)s AS usual_interval_days,
                   CASE WHEN a.recency_days > %(lost_after)s THEN 'lost'
                        WHEN a.recency_days > %(at_risk_after)s OR %(signal)s THEN 'at_risk'
                        ELSE 'active' END AS churn_status,
                   CASE WHEN a.recency_days > %(lost_after)s
                        THEN a.last_day + CEIL(%(lost_after)s)::int END AS lost_date,
                   %(signal)s AS churn_signal, %(extra_columns)s %(stored)s
              FROM (SELECT f.*,
                           CASE WHEN in_window THEN %(r)s ELSE 1 END AS r,
                           CASE WHEN in_window THEN %(f)s ELSE 1 END AS f,
                           CASE WHEN in_window THEN %(m)s ELSE 1 END AS m
                      FROM crm_fig f
                    OFFSET 0) a
              %(extra_joins)s
            """,
                r=r,
                f=f,
                m=m,
                tier=self._tier_sql(company),
                interval=interval,
                lost_after=lost_after,
                at_risk_after=at_risk_after,
                stored=SQL(", ").join(
                    SQL.identifier("a", f"old_{c}") for c in self._stored_columns(extra)
                ),
                **self._extra_sqls(extra_queries),
            )
        )
        return figures

    def _extra_queries(self, company, window):
        """Other addons' figures (`crm.customer.score._extra_figures`, with the day of
        the figures in the context), checked: each name must be a stored field of
        crm.customer.score, given once."""
        Score = self.env["crm.customer.score"]
        queries = Score.with_context(
            **{FIGURES_DAY_KEY: {company.id: window.as_of}}
        )._extra_figures(company)
        names = [name for _query, fields in queries for name in fields]
        for name in names:
            if name == "churn_signal":
                continue
            field = Score._fields.get(name)
            if not field or not field.store or name in OWN_COLUMNS or names.count(name) > 1:
                raise ValueError(f"extra figure {name!r}: not a stored field of its own")
        return queries

    def _extra_sqls(self, queries):
        """The parts of crm_new that the extra figures add: their LEFT JOINs, their
        columns, and the churn signal (true when any of them says so)."""
        joins, columns, signals = [], [], []
        for index, (query, names) in enumerate(queries):
            alias = f"x{index}"
            joins.append(
                SQL(
                    "LEFT JOIN (%s) %s ON %s = a.partner_id",
                    query,
                    SQL.identifier(alias),
                    SQL.identifier(alias, "partner_id"),
                )
            )
            for name in names:
                if name == "churn_signal":
                    signals.append(SQL("COALESCE(%s, FALSE)", SQL.identifier(alias, name)))
                else:
                    columns.append(
                        SQL("%s AS %s,", SQL.identifier(alias, name), SQL.identifier(name))
                    )
        return {
            "extra_joins": SQL(" ").join(joins),
            "extra_columns": SQL(" ").join(columns),
            "signal": SQL("(%s)", SQL(" OR ").join(signals)) if signals else SQL("FALSE"),
        }

    def _stored_columns(self, extra):
        """What crm_fig carries of the stored row as old_<column>: STORED_COLUMNS, the
        churn signal and the extra figures' columns."""
        return (
            *STORED_COLUMNS,
            "churn_signal",
            *(name for name in extra if name != "churn_signal"),
        )

    def _build_figures(self, company, window, extra):
        """The temporary table crm_fig: per customer (active commercial partner with a
        sale), first and last day of purchase, days with a purchase, orders and value of
        all time and of the window, days since the last order, salesperson; `fresh`
        when these figures may differ from the stored row's (computed from the sales, or
        sales left the window), and the stored row's `_stored_columns` as old_<column>.

        When the stored rows hold the figures of an earlier day on the same basis, only
        the customers whose sales changed since (crm.customer.touch) and those with sales
        dated after that day are computed from their sales; every other customer keeps
        its stored figures, less the sales that left the window since. Otherwise (first
        refresh, another basis, `recount`, or so many changed customers that one pass
        over every sale is cheaper), every customer is computed from the sales. Returns
        the number of customers ("customers"), how many of them were computed from their
        sales ("recomputed"), whether the others were kept ("incremental") and, when not
        all of them were, whether a customer with a stored row has none now
        ("anyone_left"; None: not known)."""
        self.env["crm.customer.touch"]._take(company)
        incremental = bool(
            not window.recount
            and window.previous
            and window.previous <= window.as_of
            and company.crm_figures_basis == self._basis(company)
        )
        if not incremental:
            return self._build_all(company, window, extra)
        # a few thousand sales and customers, read through the indexes (nested loops,
        # which the refresh settings otherwise rule out)
        with local_settings(self.env.cr, INDEXED):
            # the sales dated after the day of the stored figures count from now on
            self.env.cr.execute(
                SQL(
                    "INSERT INTO crm_touched SELECT DISTINCT partner_id FROM (%s) dated"
                    " ON CONFLICT DO NOTHING",
                    self._sales_source_sql(
                        company, window.as_of, window.previous + timedelta(days=1)
                    ),
                )
            )
            self.env.cr.execute("SELECT count(*) FROM crm_touched")
            touched = self.env.cr.fetchone()[0]
        if touched > INCREMENTAL_MAX_CUSTOMERS:
            return self._build_all(company, window, extra)
        return self._build_incremental(company, window, extra)

    def _build_incremental(self, company, window, extra):
        """crm_fig from the sales of the customers in crm_touched and from the other
        customers' stored rows (see `_build_figures`)."""
        with local_settings(self.env.cr, INDEXED):
            self.env.cr.execute("ANALYZE crm_touched")
            self.env.cr.execute(
                SQL(
                    "CREATE TEMP TABLE crm_fig ON COMMIT DROP AS %s",
                    self._fresh_sql(company, window, extra, touched=True),
                )
            )
            recomputed = self.env.cr.rowcount
            # only a customer computed anew can have left (archived, merged, sales gone)
            self.env.cr.execute(
                SQL(
                    """
                SELECT EXISTS (
                    SELECT 1 FROM crm_touched t
                      JOIN crm_customer_score s
                        ON s.partner_id = t.partner_id AND s.company_id = %s
                     WHERE NOT EXISTS (SELECT 1 FROM crm_fig f
                                        WHERE f.partner_id = t.partner_id))
                """,
                    company.id,
                )
            )
            anyone_left = self.env.cr.fetchone()[0]
            # the sales that left the window since, per customer
            self.env.cr.execute(
                SQL(
                    """
                CREATE TEMP TABLE crm_leaving ON COMMIT DROP AS
                SELECT partner_id, COUNT(*) FILTER (WHERE is_sale) AS orders,
                       SUM(amount) AS amount
                  FROM (%s) leaving
                 GROUP BY partner_id;
                ANALYZE crm_leaving
                """,
                    self._sales_source_sql(
                        company, window.start - timedelta(days=1), window.previous_start
                    ),
                )
            )
        # the other customers' stored figures, less the sales that left the window
        self.env.cr.execute(
            SQL(
                """
            INSERT INTO crm_fig
            SELECT k.partner_id, k.first_order_date, k.last_order_date, k.purchase_days,
                   k.order_count, k.total_value, k.frequency_now, k.monetary_now,
                   k.first_value,
                   %(as_of)s - k.last_order_date, k.frequency_now > 0, k.monetary_now > 0,
                   k.user_id, k.leaving, %(kept)s
              FROM (SELECT s.*,
                           l.partner_id IS NOT NULL AS leaving,
                           s.frequency - COALESCE(l.orders, 0) AS frequency_now,
                           s.monetary - COALESCE(l.amount, 0) / 1000000.0 AS monetary_now
                      FROM crm_customer_score s
                      LEFT JOIN crm_leaving l ON l.partner_id = s.partner_id
                     WHERE s.company_id = %(company)s
                       AND NOT EXISTS (SELECT 1 FROM crm_touched t
                                        WHERE t.partner_id = s.partner_id)) k
            """,
                as_of=window.as_of,
                company=company.id,
                kept=SQL(", ").join(SQL.identifier("k", c) for c in self._stored_columns(extra)),
            )
        )
        return {
            "customers": recomputed + self.env.cr.rowcount,
            "recomputed": recomputed,
            "incremental": True,
            "anyone_left": anyone_left,
        }

    def _build_all(self, company, window, extra):
        """crm_fig from every sale (see `_build_figures`)."""
        self.env.cr.execute(
            SQL(
                "CREATE TEMP TABLE crm_fig ON COMMIT DROP AS %s",
                self._fresh_sql(company, window, extra),
            )
        )
        customers = self.env.cr.rowcount
        return {
            "customers": customers,
            "recomputed": customers,
            "incremental": False,
            "anyone_left": None,
        }

    def _fresh_sql(self, company, window, extra, touched=False):
        """SELECT of the crm_fig rows of every customer (with touched, of the customers in
        crm_touched) from their sales, in one aggregate pass. Amounts come in millionths
        (int8, see `_sales_source_sql`) and leave as exact numerics. The days with an order
        are the customer's purchases (several orders of a day are one purchase of the
        lifetime-value model, as in BG/NBD's published convention), and the first
        purchase's value is the first day's orders' (the model leaves it out of the spend
        per purchase): the first day comes from a window over the sales sorted by customer,
        the sort the aggregate needs anyway (two million sales of 100,000 customers: 3.9 s
        with the first order's value, 4.5 s so; summing each customer's days first, then
        the customers, 10.7 s)."""
        return SQL(
            """
            WITH tx AS (%(source)s),
            agg AS (
                SELECT tx.partner_id,
                       MIN(day) FILTER (WHERE is_sale) AS first_day,
                       MAX(day) FILTER (WHERE is_sale) AS last_day,
                       COUNT(DISTINCT day) FILTER (WHERE is_sale) AS purchase_days,
                       COUNT(*) FILTER (WHERE is_sale) AS order_count,
                       SUM(amount) / 1000000.0 AS total_value,
                       COUNT(*) FILTER (WHERE is_sale AND day >= %(window_start)s) AS frequency,
                       COALESCE(SUM(amount) FILTER (WHERE day >= %(window_start)s), 0)
                           / 1000000.0 AS monetary,
                       SUM(amount) FILTER (WHERE is_sale AND day = first_sale_day)
                           / 1000000.0 AS first_value
                  FROM (SELECT sale.*,
                               MIN(day) FILTER (WHERE is_sale)
                                   OVER (PARTITION BY partner_id) AS first_sale_day
                          FROM tx sale) tx
                 GROUP BY tx.partner_id
            )
            SELECT a.partner_id, a.first_day, a.last_day, a.purchase_days, a.order_count,
                   a.total_value, a.frequency, a.monetary, a.first_value,
                   %(as_of)s - a.last_day AS recency_days, a.frequency > 0 AS in_window,
                   a.monetary > 0 AS spent, cp.user_id, TRUE AS fresh, %(stored)s
              FROM agg a
              JOIN res_partner cp ON cp.id = a.partner_id AND cp.active
              LEFT JOIN crm_customer_score s
                     ON s.partner_id = a.partner_id AND s.company_id = %(company)s
             WHERE a.order_count > 0
            """,
            source=self._sales_source_sql(company, window.as_of, touched=touched),
            window_start=window.start,
            as_of=window.as_of,
            stored=self._stored_columns_sql(extra),
            company=company.id,
        )

    def _stored_columns_sql(self, extra):
        """The `_stored_columns` of the stored row s, as old_<column>."""
        return SQL(", ").join(
            SQL("s.%s AS %s", SQL.identifier(c), SQL.identifier(f"old_{c}"))
            for c in self._stored_columns(extra)
        )

    def _tier_sql(self, company):
        """SQL giving the A/B/C tier of a crm_fig row aliased a: A while the share of revenue
        of the customers before it (highest value first, equal values by partner id) is below the
        A share, B below the B share, C after and for customers who brought nothing. The
        last customer of each tier is found in Python from the values alone
        (`rfm.tier_cut_offs`), and each row compares with it: no window function sorts
        every customer."""
        self.env.cr.execute(
            "SELECT string_agg(monetary::text, ','), string_agg(partner_id::text, ',')"
            "  FROM crm_fig WHERE spent"
        )
        values, partners = self.env.cr.fetchone()
        cut_offs = rfm.tier_cut_offs(
            np.fromstring(values, sep=",") if values else [],
            np.fromstring(partners, sep=",", dtype=np.int64) if partners else [],
            (company.crm_tier_a_share, company.crm_tier_b_share),
        )
        within = [
            SQL(
                "(a.monetary > %(value)s"
                " OR (a.monetary = %(value)s AND a.partner_id <= %(partner)s))",
                value=cut_off[0],
                partner=cut_off[1],
            )
            if cut_off
            else SQL("FALSE")
            for cut_off in cut_offs
        ]
        return SQL(
            "CASE WHEN a.spent AND %s THEN 'a' WHEN a.spent AND %s THEN 'b' ELSE 'c' END",
            *within,
        )

    def _score_sqls(self, company):
        """SQL giving the 1-5 R, F and M scores of a crm_fig row with sales in the window:
        by the company's thresholds, or by quintiles of those customers.

        A quintile score is 1 + floor(5 * percent_rank), the rank among the customers with
        sales in the window (best last; equal values share the rank of the first). With n
        such customers, a value scores at least k + 1 when at least ceil(k * (n - 1) / 5)
        values come before it, that is when it is past the value at that position of the
        sorted population. So the four cut-off values of each score are read from one sorted
        aggregate, and each row compares with them: no window function sorts the customers
        (three sorts of a million rows at full size)."""
        columns = (("recency_days", False), ("frequency", True), ("monetary", True))
        if company.crm_score_method != "quintile":
            return [self._threshold_score_sql(c, company, better) for c, better in columns]
        self.env.cr.execute("SELECT count(*) FROM crm_fig WHERE in_window")
        positions = rfm.quintile_cut_positions(self.env.cr.fetchone()[0])
        if not positions:
            return [SQL("1")] * len(columns)
        self.env.cr.execute(
            SQL(
                "SELECT %s FROM (SELECT %s FROM crm_fig WHERE in_window) sorted",
                SQL(", ").join(
                    SQL("%s[%s]", SQL.identifier(column), position)
                    for column, _better in columns
                    for position in positions
                ),
                SQL(", ").join(
                    SQL(
                        "array_agg(%(c)s ORDER BY %(c)s %(order)s) AS %(c)s",
                        c=SQL.identifier(column),
                        order=SQL("ASC" if better else "DESC"),
                    )
                    for column, better in columns
                ),
            )
        )
        cuts = iter(self.env.cr.fetchone())
        scores = []
        for column, better in columns:
            # past the cut-off: above it when higher is better, below it for recency
            past = SQL(">" if better else "<")
            scores.append(
                SQL(
                    "(1 + %s)",
                    SQL(" + ").join(
                        SQL("(%s %s %s)::int", SQL.identifier(column), past, next(cuts))
                        for _position in positions
                    ),
                )
            )
        return scores

    def _threshold_score_sql(self, column, company, higher_is_better):
        """SQL giving the 1-5 score of a column by the company's thresholds."""
        field_name = {
            "recency_days": "crm_recency_thresholds",
            "frequency": "crm_frequency_thresholds",
            "monetary": "crm_monetary_thresholds",
        }[column]
        thresholds = rfm.parse_thresholds(company[field_name])
        if higher_is_better:
            terms = [SQL("(%s >= %s)::int", SQL.identifier(column), t) for t in thresholds]
            return SQL("(1 + %s)", SQL(" + ").join(terms))
        terms = [SQL("(%s > %s)::int", SQL.identifier(column), t) for t in thresholds]
        return SQL("(5 - (%s))", SQL(" + ").join(terms))
