import logging
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone

import numpy as np

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.osv import expression
from odoo.tools import SQL, format_amount, format_date
from odoo.tools.safe_eval import safe_eval

from ..lib import clv, rfm

_logger = logging.getLogger(__name__)

CHURN_STATUSES = [("active", "Active"), ("at_risk", "At risk"), ("lost", "Lost")]
VALUE_TIERS = [("a", "A"), ("b", "B"), ("c", "C")]
# Rows written back per statement when storing lifetime-value predictions.
CLV_BATCH = 200_000
# lifetime-value predictions travel to the database as integers: P(alive) and expected
# orders in millionths, values in thousandths (three decimals cover the currencies; a
# value in Iranian rials still fits an int8 up to 9e15)
CLV_SCALE = 1_000_000
VALUE_SCALE = 1_000
# PostgreSQL settings of the refresh transaction, restored when it ends: sorts and hashes
# of a million customers fit in memory instead of spilling to disk; the big scans and joins
# run on parallel workers (PostgreSQL's default costs keep a million-row result on one
# core); no JIT, whose compile time these few large statements do not win back (measured);
# no nested loops: the planner misjudges the size of aggregates and of temporary tables
# just rewritten, and a nested loop over a million customers is quadratic, where every
# join of the refresh is meant to be a hash join
REFRESH_SETTINGS = {
    "work_mem": "256MB",
    "jit": "off",
    "parallel_setup_cost": "100",
    "parallel_tuple_cost": "0.001",
    "enable_nestloop": "off",
}
# the nightly cron counts every month's product pairs, and every customer's figures, again
# on Sundays
RECOUNT_WEEKDAY = 6
# above this many customers with changed sales, one pass over every sale is cheaper than
# reading theirs through the indexes
INCREMENTAL_MAX_CUSTOMERS = 100_000
# what crm_fig carries of each customer's stored row, for the write step (segment history,
# labels to copy) without another join of every stored row
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
# the refresh's temporary tables go at commit, and as soon as the refresh is done
DROP_REFRESH_TABLES = (
    "DROP VIEW IF EXISTS crm_new;"
    " DROP TABLE IF EXISTS crm_fig, crm_clv, crm_seg, crm_touched, crm_leaving"
)


class CrmCustomerScore(models.Model):
    """What the company knows of one customer (a commercial partner): one row per company and
    customer, rewritten set-based by the refresh (never by per-record ORM writes)."""

    _name = "crm.customer.score"
    _description = "Customer Insight"
    _order = "monetary desc, id"
    _rec_name = "partner_id"
    # rows are derived data rewritten by every refresh: no create/write user and date
    # columns, whose foreign keys would be checked on each of a million rows
    _log_access = False

    # indexes: few on purpose, every refresh rewrites the rows; (partner_id, company_id) is
    # covered by the unique constraint, tier and churn status have three values each
    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, ondelete="cascade"
    )
    company_id = fields.Many2one("res.company", required=True, ondelete="cascade")
    currency_id = fields.Many2one(related="company_id.currency_id")
    user_id = fields.Many2one(
        "res.users", string="Salesperson", related="partner_id.user_id", store=True, index=True
    )
    country_id = fields.Many2one(related="partner_id.country_id")
    first_order_date = fields.Date(readonly=True)
    last_order_date = fields.Date(readonly=True)
    order_count = fields.Integer(string="Orders (all time)", readonly=True)
    purchase_days = fields.Integer(
        string="Days With Orders", readonly=True, help="Days with at least one order, all time."
    )
    total_value = fields.Monetary(string="Value (all time)", readonly=True)
    # not stored: it grows by one for every customer each day, which would make the nightly
    # refresh rewrite every row; computed from the day of the figures instead, in SQL too
    # (`_field_to_sql`: list, pivot, sorting and grouping) and searchable
    recency_days = fields.Integer(
        string="Days Since Last Order",
        compute="_compute_recency_days",
        search="_search_recency_days",
        aggregator="avg",
        help="Days from the last order to the day of the figures.",
    )
    frequency = fields.Integer(string="Orders in Window", readonly=True)
    monetary = fields.Monetary(string="Value in Window", readonly=True)
    recency_score = fields.Integer(string="R", readonly=True, aggregator="avg")
    frequency_score = fields.Integer(string="F", readonly=True, aggregator="avg")
    monetary_score = fields.Integer(string="M", readonly=True, aggregator="avg")
    rfm_code = fields.Char(string="RFM", readonly=True)
    segment_id = fields.Many2one(
        "crm.customer.segment", readonly=True, index=True, ondelete="set null"
    )
    segment_since = fields.Datetime(readonly=True)
    value_tier = fields.Selection(VALUE_TIERS, readonly=True)
    churn_status = fields.Selection(CHURN_STATUSES, readonly=True)
    usual_interval_days = fields.Float(
        string="Usual Days Between Orders", readonly=True, aggregator="avg"
    )
    lost_date = fields.Date(string="Lost Since", readonly=True)
    p_alive = fields.Float(string="P(alive)", readonly=True, aggregator="avg")
    expected_orders = fields.Float(readonly=True)
    clv = fields.Monetary(string="Lifetime Value", readonly=True)
    clv_method = fields.Selection(
        [("model", "BG/NBD + Gamma-Gamma"), ("historical", "Historical value")],
        string="Lifetime Value Method",
        readonly=True,
    )
    clv_date = fields.Date(
        string="Lifetime Value As Of",
        readonly=True,
        help="The day the lifetime value was predicted for: the day the customer's sales "
        "last changed, or of the last weekly recount.",
    )
    computed_at = fields.Datetime(string="Computed On", readonly=True)
    explanation = fields.Text(compute="_compute_explanation")
    used_to_buy = fields.Char(string="Used to Buy", compute="_compute_used_to_buy")

    _sql_constraints = [
        (
            "partner_company_unique",
            "unique(partner_id, company_id)",
            "A customer has one insight row per company.",
        ),
    ]

    def init(self):
        # the weekly recount rewrites every row (lifetime values as of its day): half-full
        # pages let the new version of a row stay in its page, a HOT update that writes
        # no index entry (full size: the rewrite 11.2 s -> 9.2 s)
        self.env.cr.execute("ALTER TABLE crm_customer_score SET (fillfactor = 50)")

    # ------------------------------------------------------------------ computes

    @api.depends("last_order_date", "company_id.crm_figures_as_of")
    def _compute_recency_days(self):
        for score in self:
            as_of = score.company_id.crm_figures_as_of
            last = score.last_order_date
            score.recency_days = (as_of - last).days if as_of and last else 0

    def _figures_days(self):
        """{company id: day of its figures}; the refresh puts the day it computes for in
        the context (`crm_figures_as_of`), before the company has it."""
        days = {
            company.id: company.crm_figures_as_of
            for company in self.env["res.company"]
            .sudo()
            .search([("crm_figures_as_of", "!=", False)])
        }
        days.update(self.env.context.get("crm_figures_as_of") or {})
        return days

    def _search_recency_days(self, operator, value):
        """recency_days <op> n is last_order_date <reversed op> (figures day - n), per
        company: the day of the figures differs between companies."""
        if operator in ("=", "!=") and value is False:
            return [("last_order_date", operator, False)]
        reversed_operator = {
            "=": "=",
            "!=": "!=",
            "<": ">",
            "<=": ">=",
            ">": "<",
            ">=": "<=",
            "in": "in",
            "not in": "not in",
        }.get(operator)
        values = value if operator in ("in", "not in") else [value]
        if not reversed_operator or not all(
            isinstance(v, int | float) and not isinstance(v, bool) and float(v).is_integer()
            for v in values
        ):
            raise UserError(
                self.env._(
                    "Days Since Last Order can only be compared with whole numbers of days."
                )
            )
        per_company = []
        for company_id, as_of in self._figures_days().items():
            days = [as_of - timedelta(days=int(v)) for v in values]
            per_company.append(
                [
                    ("company_id", "=", company_id),
                    (
                        "last_order_date",
                        reversed_operator,
                        days if operator in ("in", "not in") else days[0],
                    ),
                ]
            )
        return expression.OR(per_company)

    def _field_to_sql(self, alias, fname, query=None, flush=True):
        """recency_days in SQL: the day of the company's figures minus the last order's."""
        if fname != "recency_days":
            return super()._field_to_sql(alias, fname, query, flush)
        last_day = self._field_to_sql(alias, "last_order_date", query, flush)
        company_id = self._field_to_sql(alias, "company_id", query, flush)
        if query is None:
            return SQL(
                "((SELECT c.crm_figures_as_of FROM res_company c WHERE c.id = %s) - %s)",
                company_id,
                last_day,
            )
        # joined: a subquery per row costs several times as much (full size, an average
        # over every customer: 1.0 s -> 0.15 s)
        company = query.make_alias(alias, "crm_figures_company")
        query.add_join(
            "LEFT JOIN",
            company,
            "res_company",
            SQL("%s = %s", SQL.identifier(company, "id"), company_id),
        )
        return SQL("(%s - %s)", SQL.identifier(company, "crm_figures_as_of"), last_day)

    @api.depends(
        "recency_days",
        "usual_interval_days",
        "segment_id",
        "value_tier",
        "churn_status",
        "clv",
        "clv_date",
        "p_alive",
    )
    def _compute_explanation(self):
        for score in self:
            score.explanation = "\n".join(score._explain())

    def _explain(self):
        """Sentences a salesperson understands, one per figure."""
        self.ensure_one()
        _ = self.env._
        company = self.company_id
        lines = []
        if not self.last_order_date:
            return [_("No confirmed sales yet.")]
        if self.usual_interval_days:
            lines.append(
                _(
                    "Last order %(days)s days ago; usually orders every %(interval)s days.",
                    days=self.recency_days,
                    interval=round(self.usual_interval_days),
                )
            )
        else:
            lines.append(
                _(
                    "Last order %(days)s days ago; a single purchase so far.",
                    days=self.recency_days,
                )
            )
        lines.append(
            _(
                "%(orders)s orders worth %(value)s in the last %(window)s days.",
                orders=self.frequency,
                value=format_amount(self.env, self.monetary, company.currency_id),
                window=company.crm_lookback_days,
            )
        )
        if self.segment_id:
            lines.append(
                _(
                    "In %(segment)s because R=%(r)s, F=%(f)s, M=%(m)s.",
                    segment=self.segment_id.name,
                    r=self.recency_score,
                    f=self.frequency_score,
                    m=self.monetary_score,
                )
            )
        tier_text = {
            "a": _(
                "Tier A: among the customers who bring the first %(share)s%% of revenue.",
                share=round(company.crm_tier_a_share),
            ),
            "b": _(
                "Tier B: among the customers who bring revenue up to %(share)s%%.",
                share=round(company.crm_tier_b_share),
            ),
            "c": _("Tier C: the long tail of revenue."),
        }
        if self.value_tier:
            lines.append(tier_text[self.value_tier])
        if self.churn_status == "lost":
            lines.append(
                _(
                    "Lost since %(date)s: no order for %(days)s days.",
                    date=format_date(self.env, self.lost_date),
                    days=self.recency_days,
                )
            )
        elif self.churn_status == "at_risk":
            lines.append(_("At risk: the next order is overdue."))
        if self.clv_method == "model":
            lines.append(
                _(
                    "Lifetime value %(clv)s as of %(date)s: %(orders)s expected orders in the "
                    "next %(horizon)s days, %(alive)s%% likely still active (BG/NBD + "
                    "Gamma-Gamma model).",
                    clv=format_amount(self.env, self.clv, company.currency_id),
                    date=format_date(self.env, self.clv_date),
                    orders=round(self.expected_orders, 1),
                    horizon=company.crm_clv_horizon_days,
                    alive=round(100 * self.p_alive),
                )
            )
        elif self.clv_method == "historical":
            lines.append(
                _(
                    "Lifetime value %(clv)s as of %(date)s from past spending only: %(why)s",
                    clv=format_amount(self.env, self.clv, company.currency_id),
                    date=format_date(self.env, self.clv_date),
                    why=company.crm_clv_note or "",
                )
            )
        return lines

    def _compute_used_to_buy(self):
        """The customer's three most bought products (by quantity), in one query."""
        result = {}
        if self.ids:
            self.env["sale.order.line"].flush_model(["product_id", "product_uom_qty", "order_id"])
            rows = self.env.execute_query(
                SQL(
                    """
                SELECT score_id, string_agg(name, ', ' ORDER BY qty DESC, name)
                  FROM (
                    SELECT s.id AS score_id,
                           COALESCE(pt.name->>%(lang)s, pt.name->>'en_US') AS name,
                           SUM(l.product_uom_qty) AS qty,
                           ROW_NUMBER() OVER (PARTITION BY s.id
                                              ORDER BY SUM(l.product_uom_qty) DESC, pt.id)
                               AS rank
                      FROM crm_customer_score s
                      JOIN res_partner p ON p.commercial_partner_id = s.partner_id
                      JOIN sale_order o ON o.partner_id = p.id
                           AND o.company_id = s.company_id AND o.state = 'sale'
                      JOIN sale_order_line l ON l.order_id = o.id AND l.display_type IS NULL
                      JOIN product_product pp ON pp.id = l.product_id
                      JOIN product_template pt ON pt.id = pp.product_tmpl_id
                     WHERE s.id IN %(ids)s
                     GROUP BY s.id, pt.id
                  ) ranked
                 WHERE rank <= 3
                 GROUP BY score_id
                """,
                    lang=self.env.lang or "en_US",
                    ids=tuple(self.ids),
                )
            )
            result = dict(rows)
        for score in self:
            score.used_to_buy = result.get(score.id, "")

    # ------------------------------------------------------------------ actions

    def action_win_back(self):
        """An opportunity per lost customer, for its salesperson, to win them back."""
        leads = self.env["crm.lead"]
        for score in self:
            leads |= score.partner_id._crm_create_win_back_opportunity(score)
        if len(leads) == 1:
            return {
                "type": "ir.actions.act_window",
                "res_model": "crm.lead",
                "res_id": leads.id,
                "view_mode": "form",
            }
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Win-back Opportunities"),
            "res_model": "crm.lead",
            "domain": [("id", "in", leads.ids)],
            "view_mode": "list,form",
        }

    def action_open_partner(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "res.partner",
            "res_id": self.partner_id.id,
            "view_mode": "form",
        }

    # ------------------------------------------------------------------ refresh

    @api.model
    def _check_refresh_rights(self):
        if not self.env.is_superuser() and not self.env.user.has_group(
            "crm_identification.group_crm_identification_manager"
        ):
            raise AccessError(
                self.env._(
                    "Only Customer Identification managers can refresh the customer insight. "
                    "Ask one, or wait for the nightly refresh."
                )
            )

    @api.model
    def action_refresh_now(self):
        """Button: recompute everything for the current company now."""
        self._check_refresh_rights()
        company = self.env.company
        stats = self.sudo()._refresh_company(company, recount=True)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "title": self.env._("Customer insight refreshed"),
                "message": self.env._(
                    "%(customers)s customers scored in %(seconds)s s; %(moved)s changed "
                    "segment; %(rules)s product associations.",
                    customers=stats["customers"],
                    seconds=round(stats["seconds"], 1),
                    moved=stats["moved"],
                    rules=stats["associations"],
                ),
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    @api.model
    def _refresh_company(self, company, as_of=None, recount=False):
        """Recompute every figure of one company, set-based. Safe to run again: the same data
        gives the same rows, and history only records segment changes. The basket analysis
        reuses the product pairs counted for the whole months of the window, except those
        whose orders changed since; with recount, it counts them all again."""
        if isinstance(company, int):  # called from XML data (<function>)
            company = self.env["res.company"].browse(company)
        started = time.monotonic()
        as_of = as_of or fields.Date.context_today(self)
        self.env.flush_all()
        steps = {}

        def step(name, function, *args):
            begun = time.monotonic()
            result = function(*args)
            steps[name] = steps.get(name, 0.0) + time.monotonic() - begun
            return result

        previous_settings = self._set_local(REFRESH_SETTINGS)
        figures = step("figures", self._compute_figures, company, as_of, recount)
        stats = {
            "customers": figures["customers"],
            "recomputed": figures["recomputed"],
            "steps": steps,
        }
        # the lifetime-value model is fitted on a thread while the database counts the
        # baskets: on two cores, both at once (full size: 1.6 s of Python no longer waited for)
        fitted = self._clv_fit(company) if figures["incremental"] else None
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="crm_clv") as pool:
            pending = step("clv", self._start_clv, company, as_of, pool, fitted)
            stats["associations"] = step(
                "basket",
                self.env["crm.product.association"]._refresh_company,
                company,
                as_of,
                recount,
            )
            step("clv", self._store_clv, company, pending, fitted)
        # the contacts written since the day before the last refresh have their labels
        # checked one by one (new contacts of a customer, contacts moved to another)
        since = None
        if company.crm_figures_as_of and not recount:
            since = datetime.combine(
                company.crm_figures_as_of - timedelta(days=1), datetime.min.time()
            )
        stats["moved"], stats["written"], anyone_left = step(
            "write",
            self._write_scores,
            company,
            as_of,
            figures["customers"],
            figures["anyone_left"],
        )
        step(
            "labels",
            self._write_partner_labels,
            company,
            since,
            anyone_left,
        )
        self.env.cr.execute(DROP_REFRESH_TABLES)
        self._set_local(previous_settings)
        company.sudo().write(
            {
                "crm_insight_refreshed_at": fields.Datetime.now(),
                "crm_figures_as_of": as_of,
                "crm_figures_basis": self._figures_basis(company),
            }
        )
        self.env.invalidate_all()
        stats["seconds"] = time.monotonic() - started
        _logger.info(
            "Customer insight of %s refreshed: %s customers (%s computed from their sales, "
            "%s rows written), %s moved, %s associations, %.1f s (%s)",
            company.name,
            stats["customers"],
            stats["recomputed"],
            stats["written"],
            stats["moved"],
            stats["associations"],
            stats["seconds"],
            ", ".join(f"{name} {seconds:.2f}" for name, seconds in steps.items()),
        )
        return stats

    def _set_local(self, settings):
        """Give PostgreSQL settings these values until the end of the transaction; return
        the values they had, to hand back to this method."""
        names, values = list(settings), list(settings.values())
        self.env.cr.execute(
            "SELECT name, current_setting(name) FROM unnest(%s::text[]) AS name", [names]
        )
        previous = dict(self.env.cr.fetchall())
        self.env.cr.execute(
            "SELECT set_config(name, value, TRUE)"
            "  FROM unnest(%s::text[], %s::text[]) AS s(name, value)",
            [names, values],
        )
        return previous

    def _sales_source_sql(self, company, last_day, first_day=None, touched=False):
        """(partner, day, amount in company currency) of every sale dated up to last_day
        (and from first_day, if given), zero-amount sales left out, refunds as negative
        amounts. With touched, only the sales of the customers in crm_touched."""

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
                       m.amount_untaxed_signed::float8 AS amount,
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
            )
        amount = SQL.identifier(
            "o", "margin" if company.crm_monetary_basis == "margin" else "amount_untaxed"
        )
        return SQL(
            """
            SELECT p.commercial_partner_id AS partner_id, o.date_order::date AS day,
                   (%(amount)s / COALESCE(NULLIF(o.currency_rate, 0), 1))::float8 AS amount,
                   TRUE AS is_sale
              FROM sale_order o
              JOIN res_partner p ON p.id = o.partner_id
             WHERE o.company_id = %(company)s AND o.state = 'sale'
               AND o.date_order < %(next_day)s AND o.amount_untaxed <> 0
               AND %(orders_only)s
            UNION ALL
            SELECT m.commercial_partner_id, m.invoice_date, m.amount_untaxed_signed::float8, FALSE
              FROM account_move m
             WHERE m.company_id = %(company)s AND m.state = 'posted'
               AND m.move_type = 'out_refund' AND m.invoice_date <= %(last_day)s
               AND m.amount_untaxed_signed <> 0 AND %(moves_only)s
            """,
            amount=amount,
            company=company.id,
            last_day=last_day,
            next_day=last_day + timedelta(days=1),
            orders_only=only("o.date_order", "p.commercial_partner_id"),
            moves_only=moves_only,
        )

    @api.model
    def _figures_basis(self, company):
        """What the stored figures depend on besides the sales: another basis than the
        last refresh's means every customer is computed from the sales again."""
        return (
            f"{company.crm_sales_source}/{company.crm_monetary_basis}/{company.crm_lookback_days}"
        )

    def _compute_figures(self, company, as_of, recount=False):
        """Step 1: the figures of each customer into the temporary table crm_fig (see
        `_build_figures`), then the temporary view crm_new: the figures with the R/F/M
        scores (customers with no sale in the window get 1, 1, 1), the A/B/C tier by
        cumulative share of revenue and the churn status. Returns what `_build_figures`
        returns."""
        window_start = as_of - timedelta(days=company.crm_lookback_days)
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
        self.env.cr.execute(DROP_REFRESH_TABLES)
        figures = self._build_figures(company, as_of, window_start, recount)
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
                   a.recency_days, a.frequency, ROUND(a.monetary::numeric, 6) AS monetary,
                   a.r AS recency_score, a.f AS frequency_score, a.m AS monetary_score,
                   a.r::text || a.f::text || a.m::text AS rfm_code,
                   %(tier)s AS value_tier,
                   %(interval)s AS usual_interval_days,
                   CASE WHEN a.recency_days > %(lost_after)s THEN 'lost'
                        WHEN a.recency_days > %(at_risk_after)s THEN 'at_risk'
                        ELSE 'active' END AS churn_status,
                   CASE WHEN a.recency_days > %(lost_after)s
                        THEN a.last_day + CEIL(%(lost_after)s)::int END AS lost_date,
                   %(stored)s
              FROM (SELECT f.*,
                           CASE WHEN in_window THEN %(r)s ELSE 1 END AS r,
                           CASE WHEN in_window THEN %(f)s ELSE 1 END AS f,
                           CASE WHEN in_window THEN %(m)s ELSE 1 END AS m
                      FROM crm_fig f
                    OFFSET 0) a
            """,
                r=r,
                f=f,
                m=m,
                tier=self._tier_sql(company),
                interval=interval,
                lost_after=lost_after,
                at_risk_after=at_risk_after,
                stored=SQL(", ").join(SQL.identifier("a", f"old_{c}") for c in STORED_COLUMNS),
            )
        )
        return figures

    def _build_figures(self, company, as_of, window_start, recount):
        """The temporary table crm_fig: per customer (active commercial partner with a
        sale), first and last day of purchase, days with a purchase, orders and value of
        all time and of the window, days since the last order, salesperson; `fresh`
        when these figures may differ from the stored row's (computed from the sales, or
        sales left the window), and the stored row's STORED_COLUMNS as old_<column>.

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
        previous = company.crm_figures_as_of
        self.env["crm.customer.touch"]._take(company)
        incremental = bool(
            not recount
            and previous
            and previous <= as_of
            and company.crm_figures_basis == self._figures_basis(company)
        )
        if not incremental:
            return self._build_all_figures(company, as_of, window_start)
        # a few thousand sales and customers, read through the indexes (nested loops,
        # which the refresh settings otherwise rule out)
        previous_settings = self._set_local({"enable_nestloop": "on"})
        # the sales dated after the day of the stored figures count from now on
        self.env.cr.execute(
            SQL(
                "INSERT INTO crm_touched SELECT DISTINCT partner_id FROM (%s) dated"
                " ON CONFLICT DO NOTHING",
                self._sales_source_sql(company, as_of, previous + timedelta(days=1)),
            )
        )
        self.env.cr.execute("SELECT count(*) FROM crm_touched")
        if self.env.cr.fetchone()[0] > INCREMENTAL_MAX_CUSTOMERS:
            self._set_local(previous_settings)
            return self._build_all_figures(company, as_of, window_start)
        self.env.cr.execute("ANALYZE crm_touched")
        self.env.cr.execute(
            SQL(
                "CREATE TEMP TABLE crm_fig ON COMMIT DROP AS %s",
                self._fresh_figures_sql(company, as_of, window_start, touched=True),
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
                 WHERE NOT EXISTS (SELECT 1 FROM crm_fig f WHERE f.partner_id = t.partner_id))
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
            SELECT partner_id, COUNT(*) FILTER (WHERE is_sale) AS orders, SUM(amount) AS amount
              FROM (%s) leaving
             GROUP BY partner_id;
            ANALYZE crm_leaving
            """,
                self._sales_source_sql(
                    company,
                    window_start - timedelta(days=1),
                    previous - timedelta(days=company.crm_lookback_days),
                ),
            )
        )
        self._set_local(previous_settings)
        # the other customers' stored figures, less the sales that left the window
        self.env.cr.execute(
            SQL(
                """
            INSERT INTO crm_fig
            SELECT k.partner_id, k.first_order_date, k.last_order_date, k.purchase_days,
                   k.order_count, k.total_value::float8, k.frequency_now, k.monetary_now,
                   %(as_of)s - k.last_order_date, k.frequency_now > 0, k.monetary_now > 0,
                   k.user_id, k.leaving, %(kept)s
              FROM (SELECT s.*,
                           l.partner_id IS NOT NULL AS leaving,
                           s.frequency - COALESCE(l.orders, 0) AS frequency_now,
                           CASE WHEN l.partner_id IS NULL THEN s.monetary::float8
                                ELSE ROUND(s.monetary - l.amount::numeric, 6)::float8
                           END AS monetary_now
                      FROM crm_customer_score s
                      LEFT JOIN crm_leaving l ON l.partner_id = s.partner_id
                     WHERE s.company_id = %(company)s
                       AND NOT EXISTS (SELECT 1 FROM crm_touched t
                                        WHERE t.partner_id = s.partner_id)) k
            """,
                as_of=as_of,
                company=company.id,
                kept=SQL(", ").join(SQL.identifier("k", c) for c in STORED_COLUMNS),
            )
        )
        return {
            "customers": recomputed + self.env.cr.rowcount,
            "recomputed": recomputed,
            "incremental": True,
            "anyone_left": anyone_left,
        }

    def _build_all_figures(self, company, as_of, window_start):
        """crm_fig from every sale (see `_build_figures`)."""
        self.env.cr.execute(
            SQL(
                "CREATE TEMP TABLE crm_fig ON COMMIT DROP AS %s",
                self._fresh_figures_sql(company, as_of, window_start),
            )
        )
        customers = self.env.cr.rowcount
        return {
            "customers": customers,
            "recomputed": customers,
            "incremental": False,
            "anyone_left": None,
        }

    def _fresh_figures_sql(self, company, as_of, window_start, touched=False):
        """SELECT of the crm_fig rows of every customer (with touched, of the customers in
        crm_touched) from their sales. Amounts are summed as float8 (numeric arithmetic is
        several times slower) and rounded to the six decimals they are stored with, so
        that figures kept from the stored rows compare equal with figures computed anew."""
        return SQL(
            """
            WITH tx AS (%(source)s),
            agg AS (
                SELECT tx.partner_id,
                       MIN(day) FILTER (WHERE is_sale) AS first_day,
                       MAX(day) FILTER (WHERE is_sale) AS last_day,
                       COUNT(DISTINCT day) FILTER (WHERE is_sale) AS purchase_days,
                       COUNT(*) FILTER (WHERE is_sale) AS order_count,
                       ROUND(SUM(amount)::numeric, 6)::float8 AS total_value,
                       COUNT(*) FILTER (WHERE is_sale AND day >= %(window_start)s) AS frequency,
                       ROUND(COALESCE(SUM(amount) FILTER (WHERE day >= %(window_start)s), 0)
                             ::numeric, 6)::float8 AS monetary
                  FROM tx
                 GROUP BY tx.partner_id
            )
            SELECT a.*, %(as_of)s - a.last_day AS recency_days, a.frequency > 0 AS in_window,
                   a.monetary > 0 AS spent, cp.user_id, TRUE AS fresh, %(stored)s
              FROM agg a
              JOIN res_partner cp ON cp.id = a.partner_id AND cp.active
              LEFT JOIN crm_customer_score s
                     ON s.partner_id = a.partner_id AND s.company_id = %(company)s
             WHERE a.order_count > 0
            """,
            source=self._sales_source_sql(company, as_of, touched=touched),
            window_start=window_start,
            as_of=as_of,
            stored=self._stored_columns_sql(),
            company=company.id,
        )

    def _stored_columns_sql(self):
        """The STORED_COLUMNS of the stored row s, as old_<column>."""
        return SQL(", ").join(
            SQL("s.%s AS %s", SQL.identifier(c), SQL.identifier(f"old_{c}"))
            for c in STORED_COLUMNS
        )

    def _tier_sql(self, company):
        """SQL giving the A/B/C tier of a crm_fig row: A while the share of revenue of the
        customers before it (highest value first, equal values by partner id) is below the
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
                "(monetary > %(value)s OR (monetary = %(value)s AND partner_id <= %(partner)s))",
                value=cut_off[0],
                partner=cut_off[1],
            )
            if cut_off
            else SQL("FALSE")
            for cut_off in cut_offs
        ]
        return SQL(
            "CASE WHEN spent AND %s THEN 'a' WHEN spent AND %s THEN 'b' ELSE 'c' END", *within
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

    def _clv_fit(self, company):
        """The lifetime-value model of the company's last full refresh, for the same
        horizon, as a FitResult; None when there is none to reuse."""
        stored = company.crm_clv_params
        if (
            not company.crm_clv_method
            or not isinstance(stored, dict)
            or stored.get("horizon") != company.crm_clv_horizon_days
        ):
            return None
        return clv.FitResult(
            company.crm_clv_method,
            params=dict(stored.get("params") or {}),
            reason=company.crm_clv_reason or "",
            repeat_customers=company.crm_clv_repeat_customers,
        )

    def _start_clv(self, company, as_of, pool, fitted=None):
        """Step 2, begun: read the customers' history for the lifetime-value model and hand
        it to `pool` (a thread), which predicts P(alive), expected orders and lifetime value
        (or the historical value, saying why), with no database, while the database goes on
        with the next step. Without `fitted` (a FitResult), the model is fitted on every
        customer first and everyone is predicted; with it, only the customers whose
        figures changed (`fresh`) are, by that model: the others keep the prediction of
        the day their sales last changed, until the weekly recount fits the model again.
        Returns the pending prediction for `_store_clv`, None when there is no customer."""
        self.env.cr.execute(
            """
            CREATE TEMP TABLE crm_clv (partner_id int, p_alive float8, expected_orders float8,
                                       clv float8, clv_method varchar) ON COMMIT DROP
            """
        )
        self.env.cr.execute(
            SQL(
                """
            SELECT string_agg(partner_id::text, ','),
                   string_agg((purchase_days - 1)::text, ','),
                   string_agg((last_day - first_day)::text, ','),
                   string_agg((%(as_of)s - first_day)::text, ','),
                   string_agg(order_count::text, ','),
                   string_agg(ROUND(total_value::numeric, 6)::text, ',')
              FROM (SELECT * FROM crm_fig WHERE %(which)s ORDER BY partner_id) ordered
            """,
                as_of=as_of,
                which=SQL("fresh") if fitted else SQL("TRUE"),
            )
        )
        row = self.env.cr.fetchone()
        if not row or not row[0]:
            return None
        return pool.submit(_predict_lifetime_values, row, company.crm_clv_horizon_days, fitted)

    def _store_clv(self, company, pending, fitted=None):
        """Step 2, ended: wait for the prediction begun by `_start_clv`, note on the company
        how a model fitted anew was made, and put P(alive), expected orders and lifetime
        value of the customers predicted in the temporary table crm_clv."""
        if pending is None:
            if not fitted:
                company.sudo().write(
                    {
                        "crm_clv_method": False,
                        "crm_clv_reason": False,
                        "crm_clv_repeat_customers": 0,
                        "crm_clv_params": False,
                    }
                )
            return
        result, chunks = pending.result()
        if not fitted:
            company.sudo().write(
                {
                    "crm_clv_method": result.method,
                    "crm_clv_reason": result.reason or "fitted",
                    "crm_clv_repeat_customers": result.repeat_customers,
                    "crm_clv_params": {
                        "horizon": company.crm_clv_horizon_days,
                        "params": result.params,
                    },
                }
            )
        for ids, p_alive, orders, clv_value in chunks:
            self.env.cr.execute(
                SQL(
                    """
                INSERT INTO crm_clv (partner_id, p_alive, expected_orders, clv, clv_method)
                SELECT unnest(string_to_array(%(ids)s, ',')::int[]),
                       unnest(string_to_array(%(p)s, ',')::int8[]) / %(scale)s::float8,
                       unnest(string_to_array(%(o)s, ',')::int8[]) / %(scale)s::float8,
                       unnest(string_to_array(%(c)s, ',')::int8[]) / %(value_scale)s::float8,
                       %(method)s
                """,
                    method=result.method,
                    scale=CLV_SCALE,
                    value_scale=VALUE_SCALE,
                    ids=ids,
                    p=p_alive,
                    o=orders,
                    c=clv_value,
                )
            )
        self.env.cr.execute("ANALYZE crm_clv")

    def _segment_cases(self):
        """The segment rules as one SQL CASE over a row of customer figures aliased like the
        crm_customer_score table. A rule that no longer compiles is skipped and its error is
        recorded on the segment (never a crashed cron)."""
        Score = self.sudo().with_context(active_test=False)
        cases = []
        for segment in (
            self.env["crm.customer.segment"]
            .sudo()
            .search([("company_id", "in", [self.env.company.id, False])])
        ):
            try:
                query = Score._search(safe_eval(segment.rule_domain or "[]"))
                if query._joins or query.table != self._table:
                    raise ValueError(self.env._("the rule needs a join"))
                condition = query.where_clause if query._where_clauses else SQL("TRUE")
                cases.append(SQL("WHEN %s THEN %s", condition, segment.id))
                error = False
            except Exception as exc:  # a rule broken by a later change: report, go on
                error = str(exc)
                _logger.warning("Segment %s skipped: its rule fails: %s", segment.name, exc)
            if segment.rule_error != error:
                segment.rule_error = error
        self.env.flush_all()
        return SQL("CASE %s END", SQL(" ").join(cases)) if cases else SQL("NULL::int")

    def _write_scores(self, company, as_of, customers, anyone_left=None):
        """Step 3: every customer joins the first segment whose rule matches; changes of
        segment go to the history; rows that changed are updated and new customers inserted;
        customers gone since (archived, merged, no sale left) leave, with a history row.
        `customers` is their number, `anyone_left` False says no customer left (known
        from the figures step), None that it is not known. Returns the number of
        customers who changed segment, the number of rows written, and whether any
        customer left.

        The rows that may have changed go to the temporary table crm_seg: customers
        whose figures are fresh or were predicted again, and those whose scores, tier,
        churn or segment moved; on most nights a few thousand of a million."""
        now = datetime.now(timezone.utc).replace(tzinfo=None)
        # OFFSET 0: each figure is computed once per row, then read by the segment rules
        # (inlined, the scores were computed again in each rule that reads them)
        self.env.cr.execute(
            SQL(
                """
            CREATE TEMP TABLE crm_seg ON COMMIT DROP AS
            SELECT * FROM (
                SELECT crm_customer_score.*, %(case)s AS new_segment
                  FROM (SELECT n.old_id AS id, n.partner_id, %(company)s AS company_id,
                               n.user_id, n.first_order_date, n.last_order_date, n.order_count,
                               n.purchase_days, n.total_value, n.frequency, n.monetary,
                               n.recency_score, n.frequency_score, n.monetary_score,
                               n.rfm_code, n.old_segment_id AS segment_id,
                               n.old_segment_since AS segment_since, n.value_tier,
                               n.churn_status, n.usual_interval_days, n.lost_date,
                               COALESCE(c.p_alive, n.old_p_alive) AS p_alive,
                               COALESCE(c.expected_orders, n.old_expected_orders)
                                   AS expected_orders,
                               COALESCE(c.clv, n.old_clv) AS clv,
                               COALESCE(c.clv_method, n.old_clv_method) AS clv_method,
                               CASE WHEN c.partner_id IS NULL THEN n.old_clv_date
                                    ELSE %(as_of)s END AS clv_date,
                               n.old_computed_at AS computed_at,
                               -- every column but the labels and the segment is as stored
                               n.old_id IS NOT NULL AND NOT n.fresh AND c.partner_id IS NULL
                               AND n.old_lost_date IS NOT DISTINCT FROM n.lost_date AS kept,
                               -- the labels of the contacts but the segment are as stored
                               n.old_id IS NOT NULL
                               AND (n.old_value_tier, n.old_churn_status, n.old_recency_score,
                                    n.old_frequency_score, n.old_monetary_score)
                                   IS NOT DISTINCT FROM (n.value_tier, n.churn_status,
                                    n.recency_score, n.frequency_score, n.monetary_score)
                                   AS labels_kept
                          FROM crm_new n
                          LEFT JOIN crm_clv c ON c.partner_id = n.partner_id
                        OFFSET 0
                       ) AS crm_customer_score
            ) AS rows
             WHERE NOT (kept AND labels_kept AND segment_id IS NOT DISTINCT FROM new_segment)
            """,
                case=self.with_company(company)
                .with_context(crm_figures_as_of={company.id: as_of})
                ._segment_cases(),
                company=company.id,
                as_of=as_of,
            )
        )
        changed = self.env.cr.rowcount
        self.env.cr.execute("ANALYZE crm_seg")
        self.env.cr.execute(
            SQL(
                """
            INSERT INTO crm_customer_segment_history (
                partner_id, company_id, previous_segment_id, segment_id, date)
            SELECT partner_id, %(company)s, segment_id, new_segment, %(now)s
              FROM crm_seg
             WHERE segment_id IS DISTINCT FROM new_segment
             ORDER BY partner_id
            """,
                company=company.id,
                now=now,
            )
        )
        moved = self.env.cr.rowcount
        # rows are inserted in partner order here and above: the foreign-key checks then
        # read (and lock) res_partner page after page, not at random (full size, first
        # refresh: those checks 20.1 s -> 9.0 s)
        columns = [
            "user_id", "first_order_date", "last_order_date", "order_count", "purchase_days",
            "total_value", "frequency", "monetary", "recency_score", "frequency_score",
            "monetary_score", "rfm_code", "value_tier", "churn_status", "usual_interval_days",
            "lost_date", "p_alive", "expected_orders", "clv", "clv_method", "clv_date",
        ]  # fmt: skip
        names = SQL(", ").join(SQL.identifier(c) for c in columns)
        fresh = SQL(", ").join(SQL.identifier("n", c) for c in columns)
        current = SQL(", ").join(SQL.identifier("s", c) for c in columns)
        # a few thousand rows are reached through the primary key (nested loops), a
        # million by one hash join
        previous_settings = self._set_local(
            {"enable_nestloop": "on" if changed <= INCREMENTAL_MAX_CUSTOMERS else "off"}
        )
        # rows that changed are updated (an upsert would lock every conflicting row, changed
        # or not); new customers are inserted (DO NOTHING: a concurrent refresh of the same
        # company got there first)
        self.env.cr.execute(
            SQL(
                """
            UPDATE crm_customer_score s
               SET (%(names)s, segment_id, segment_since, computed_at)
                 = (%(fresh)s, n.new_segment,
                    CASE WHEN n.segment_id IS DISTINCT FROM n.new_segment THEN %(now)s
                         ELSE s.segment_since END,
                    %(now)s)
              FROM crm_seg n
             WHERE s.id = n.id
               AND (%(current)s, s.segment_id) IS DISTINCT FROM (%(fresh)s, n.new_segment)
            """,
                names=names,
                fresh=fresh,
                current=current,
                now=now,
            )
        )
        written = self.env.cr.rowcount
        self._set_local(previous_settings)
        self.env.cr.execute(
            SQL(
                """
            INSERT INTO crm_customer_score (
                partner_id, company_id, %(names)s, segment_id, segment_since, computed_at)
            SELECT partner_id, company_id, %(names)s, new_segment, %(now)s, %(now)s
              FROM crm_seg
             WHERE id IS NULL
             ORDER BY partner_id
            ON CONFLICT (partner_id, company_id) DO NOTHING
            """,
                names=names,
                now=now,
            )
        )
        written += self.env.cr.rowcount
        if written > customers // 10:
            # the labels step and the next refresh read this table: the planner must know
            # it holds a million rows, not the few it had before the first refresh (as
            # autovacuum would, later, past a tenth of the rows changed)
            self.env.cr.execute("ANALYZE crm_customer_score")
        if anyone_left is None:
            # every customer of crm_fig has its row now: more rows than customers means
            # some are gone (counting is cheaper than the anti-join, on nights nobody left)
            self.env.cr.execute(
                SQL(
                    "SELECT (SELECT count(*) FROM crm_customer_score WHERE company_id = %s)"
                    "     > (SELECT count(*) FROM crm_fig)",
                    company.id,
                )
            )
            anyone_left = self.env.cr.fetchone()[0]
        if not anyone_left:
            return moved, written, False
        self.env.cr.execute(
            SQL(
                """
            WITH gone AS (
                DELETE FROM crm_customer_score s
                 WHERE s.company_id = %(company)s
                   AND NOT EXISTS (SELECT 1 FROM crm_fig n WHERE n.partner_id = s.partner_id)
             RETURNING s.partner_id, s.segment_id
            )
            INSERT INTO crm_customer_segment_history (
                partner_id, company_id, previous_segment_id, segment_id, date)
            SELECT gone.partner_id, %(company)s, gone.segment_id, NULL, %(now)s
              FROM gone
             WHERE gone.segment_id IS NOT NULL
            """,
                company=company.id,
                now=now,
            )
        )
        return moved, written + self.env.cr.rowcount, True

    # the labels copied onto res.partner (company-dependent columns) from crm_customer_score
    PARTNER_LABELS = {
        "crm_segment_id": "segment_id",
        "crm_value_tier": "value_tier",
        "crm_churn_status": "churn_status",
        "crm_recency_score": "recency_score",
        "crm_frequency_score": "frequency_score",
        "crm_monetary_score": "monetary_score",
    }

    def _write_partner_labels(self, company, since=None, anyone_left=True):
        """Copy segment, tier, churn status and R/F/M scores onto every contact of each
        customer, under the company's key of the company-dependent columns; only contacts
        whose stored labels differ are written. Contacts of customers no longer scored
        lose the company's key.

        With `since` (a datetime), the contacts compared are those of the customers whose
        labels changed in this refresh and those written since (new contacts of a
        customer, contacts moved to another); and contacts lose their labels only if a
        customer left or they were written since. Without, every contact is compared: labels
        edited in SQL are put right too (Refresh now, and the cron on Sundays)."""
        key = str(company.id)
        columns = list(self.PARTNER_LABELS)
        # compared as text, half the cost of building and comparing jsonb values (full
        # size: 2.8 s -> 1.4 s); a missing key and a JSON null compare equal, both mean no
        # label (Odoo tells them apart only by a company default, which labels have not)
        stored = SQL(", ").join(SQL("p.%s ->> %s", SQL.identifier(c), key) for c in columns)
        fresh = SQL(", ").join(
            SQL("n.%s::text", SQL.identifier(source)) for source in self.PARTNER_LABELS.values()
        )
        assignments = SQL(", ").join(
            SQL(
                "%(column)s = COALESCE(p.%(column)s, '{}'::jsonb) "
                "|| jsonb_build_object(%(key)s, n.%(source)s)",
                column=SQL.identifier(column),
                key=key,
                source=SQL.identifier(source),
            )
            for column, source in self.PARTNER_LABELS.items()
        )
        removals = SQL(", ").join(
            SQL("%(column)s = p.%(column)s - %(key)s", column=SQL.identifier(c), key=key)
            for c in columns
        )
        scored = SQL("(SELECT * FROM crm_customer_score WHERE company_id = %s)", company.id)
        if since is None or anyone_left:
            # contacts of customers no longer scored lose their labels
            self.env.cr.execute(
                SQL(
                    """
                UPDATE res_partner p SET %(removals)s
                 WHERE p.crm_value_tier ? %(key)s
                   AND NOT EXISTS (SELECT 1 FROM %(scored)s n
                                    WHERE n.partner_id = p.commercial_partner_id)
                """,
                    removals=removals,
                    key=key,
                    scored=scored,
                )
            )

        def copy_labels(customers):
            """Write the labels of these customers (rows like crm_customer_score's) on
            their contacts."""
            self.env.cr.execute(
                SQL(
                    """
                UPDATE res_partner p SET %(assignments)s
                  FROM %(customers)s n
                 WHERE p.commercial_partner_id = n.partner_id
                   AND (%(stored)s) IS DISTINCT FROM (%(fresh)s)
                """,
                    assignments=assignments,
                    customers=customers,
                    stored=stored,
                    fresh=fresh,
                )
            )

        if since is None:
            copy_labels(scored)
            return
        # the few contacts concerned are reached through the indexes (nested loops)
        previous_settings = self._set_local({"enable_nestloop": "on"})
        # the contacts of the customers whose labels changed (a table of their own, whose
        # size the planner knows: a few thousand of a million customers, most nights)
        self.env.cr.execute(
            """
            CREATE TEMP TABLE crm_relabel ON COMMIT DROP AS
            SELECT partner_id, new_segment AS segment_id, value_tier, churn_status,
                   recency_score, frequency_score, monetary_score
              FROM crm_seg
             WHERE NOT (labels_kept AND segment_id IS NOT DISTINCT FROM new_segment);
            ANALYZE crm_relabel
            """
        )
        copy_labels(SQL.identifier("crm_relabel"))
        # the contacts written since: new contacts of a customer, contacts moved to another
        self.env.cr.execute(
            SQL(
                """
            CREATE TEMP TABLE crm_written ON COMMIT DROP AS
            SELECT id, commercial_partner_id FROM res_partner WHERE write_date >= %s;
            ANALYZE crm_written
            """,
                since,
            )
        )
        self.env.cr.execute(
            SQL(
                """
            UPDATE res_partner p SET %(assignments)s
              FROM crm_written w, crm_customer_score n
             WHERE p.id = w.id AND n.partner_id = w.commercial_partner_id
               AND n.company_id = %(company)s
               AND (%(stored)s) IS DISTINCT FROM (%(fresh)s)
            """,
                assignments=assignments,
                stored=stored,
                fresh=fresh,
                company=company.id,
            )
        )
        if not anyone_left:
            # moved to a company that is not a customer: no labels
            self.env.cr.execute(
                SQL(
                    """
                UPDATE res_partner p SET %(removals)s
                  FROM crm_written w
                 WHERE p.id = w.id AND p.crm_value_tier ? %(key)s
                   AND NOT EXISTS (SELECT 1 FROM crm_customer_score s
                                    WHERE s.partner_id = w.commercial_partner_id
                                      AND s.company_id = %(company)s)
                """,
                    removals=removals,
                    key=key,
                    company=company.id,
                )
            )
        self.env.cr.execute("DROP TABLE crm_relabel, crm_written")
        self._set_local(previous_settings)

    # ------------------------------------------------------------------ cron

    @api.model
    def _cron_refresh(self):
        """Refresh one company per run, the stalest first; report progress so that the
        scheduler runs again at once while companies are left. Safe to run twice."""
        today = fields.Date.context_today(self)
        companies = self.env["res.company"].search([])
        stale = companies.filtered(
            lambda c: not c.crm_insight_refreshed_at
            or fields.Datetime.context_timestamp(self, c.crm_insight_refreshed_at).date() < today
        ).sorted(lambda c: c.crm_insight_refreshed_at or fields.Datetime.to_datetime("1970-01-01"))
        if not stale:
            self.env["ir.cron"]._notify_progress(done=0, remaining=0)
            return
        company = stale[0]
        # once a week every month's product pairs are counted again, so that orders
        # changed in SQL, behind the ORM's back, are counted within the week
        recount = today.weekday() == RECOUNT_WEEKDAY
        try:
            with self.env.cr.savepoint():
                self.with_company(company)._refresh_company(company, recount=recount)
        except Exception:
            _logger.exception("Customer insight refresh of %s failed", company.name)
            # mark it done for today so that one broken company does not block the others
            company.sudo().crm_insight_refreshed_at = fields.Datetime.now()
        self.env["ir.cron"]._notify_progress(done=1, remaining=len(stale) - 1)


def _predict_lifetime_values(columns, horizon, fitted=None):
    """The part of the lifetime-value step that needs no database, run on a thread: from the
    comma-separated columns (partner ids, repeat purchases, days from first to last
    purchase, days since the first purchase, orders, total value), fit the model (unless
    `fitted` gives it) and predict P(alive), expected orders and lifetime value of each
    customer over `horizon` days. Returns the fit result and, per batch of CLV_BATCH
    customers, the texts of the partner ids and of the three predictions, scaled to
    integers, for string_to_array."""
    ids, x, t_x, T, n, total = (np.fromstring(column, sep=",") for column in columns)
    m = np.divide(total, n, out=np.zeros_like(total), where=n > 0)
    result = fitted or clv.fit(x, t_x, T, n, m)
    if result.method == "model":
        p_alive = clv.probability_alive(result.params, x, t_x, T)
        orders = clv.expected_purchases(result.params, horizon, x, t_x, T)
        value = clv.expected_spend(result.params, n, m)
        hist = clv.historical_value(horizon, total, T)
        clv_value = np.where(np.isnan(orders), hist, np.nan_to_num(orders) * value)
        orders = np.nan_to_num(orders)
    else:
        p_alive = np.zeros_like(x)
        orders = np.zeros_like(x)
        clv_value = clv.historical_value(horizon, total, T)
    chunks = []
    for start in range(0, len(ids), CLV_BATCH):
        chunk = slice(start, start + CLV_BATCH)
        chunks.append(
            (
                ",".join(map(str, ids[chunk].astype(int).tolist())),
                _join_scaled(p_alive[chunk]),
                _join_scaled(orders[chunk]),
                _join_scaled(clv_value[chunk], VALUE_SCALE),
            )
        )
    return result, chunks


def _join_scaled(values, scale=CLV_SCALE):
    """Floats as a comma-separated string of integers (values x scale) for
    string_to_array, NaN/inf as 0: integers print several times faster than floats, and
    the same float always gives the same text, so that a second run finds nothing changed."""
    clean = np.nan_to_num(values, nan=0.0, posinf=0.0, neginf=0.0)
    return ",".join(map(str, np.rint(clean * scale).astype(np.int64).tolist()))
