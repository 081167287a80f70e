import logging
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.osv import expression
from odoo.tools import SQL, format_amount, format_date

from ..lib import clv
from .refresh_tools import (
    REFRESH_SETTINGS,
    StepTimes,
    Window,
    figures_days,
    local_settings,
)

_logger = logging.getLogger(__name__)

CHURN_STATUSES = [("active", "Active"), ("at_risk", "At risk"), ("lost", "Lost")]
VALUE_TIERS = [("a", "A"), ("b", "B"), ("c", "C")]
# the nightly cron counts every month's product pairs, and every customer's figures, again
# on Sundays
RECOUNT_WEEKDAY = 6
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
    _check_company_auto = True
    # rows are derived data rewritten by every refresh: no create/write user and date
    # columns, whose foreign keys would be checked on each of a million rows
    _log_access = False

    # indexes: few on purpose, every refresh rewrites the rows; (partner_id, company_id) is
    # covered by the unique constraint, tier and churn status have three values each
    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, ondelete="cascade", check_company=True
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
    first_value = fields.Monetary(
        string="First Purchase Value",
        readonly=True,
        help="The value of the first purchase (the orders of the first day with an order). "
        "The lifetime-value model leaves the first purchase out of the value expected per "
        "purchase, which it often differs from.",
    )
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
        "crm.customer.segment", readonly=True, index=True, ondelete="set null", check_company=True
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
        [("model", "BG/NBD model"), ("historical", "Historical value")],
        string="Lifetime Value Method",
        readonly=True,
    )
    clv_date = fields.Date(
        string="Lifetime Value As Of",
        readonly=True,
        help="The day the lifetime value was predicted for: the day the customer's sales "
        "last changed, or of the last weekly recount.",
    )
    churn_signal = fields.Boolean(
        string="Service Signal",
        readonly=True,
        help="Set by figures other than the sales (complaints, ...): an otherwise active "
        "customer is at risk.",
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
        days.update(figures_days(self.env.context))
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
        "churn_signal",
        "first_value",
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
            if self._next_order_overdue():
                lines.append(_("At risk: the next order is overdue."))
            if self.churn_signal:
                lines.append(_("At risk: service signals say this customer may leave."))
        lines += self._explain_lifetime_value()
        return lines

    def _explain_lifetime_value(self):
        """The lifetime value in words: how it was predicted, or why it was not."""
        _ = self.env._
        company = self.company_id
        value = format_amount(self.env, self.clv, company.currency_id)
        day = format_date(self.env, self.clv_date)
        if self.clv_method == "model":
            stored = company.crm_clv_params or {}
            params = stored.get("params") or {}
            rate = company.crm_clv_discount_rate
            rate_text = f"{rate:g}"  # a literal in _()'s arguments would break extraction
            figures = {
                "clv": value,
                "date": day,
                "orders": round(self.expected_orders, 1),
                "horizon": company.crm_clv_horizon_days,
                "discount": _("discounted at %(rate)s%% a year", rate=rate_text)
                if rate
                else _("not discounted"),
                "alive": round(100 * self.p_alive),
            }
            if clv.has_spend_model(params):
                lines = [
                    _(
                        "Lifetime value %(clv)s as of %(date)s: %(orders)s expected purchases "
                        "in the next %(horizon)s days times the value expected per purchase "
                        "(from its repeat purchases, the first one left out), %(discount)s; "
                        "%(alive)s%% likely still active (BG/NBD + Gamma-Gamma model).",
                        **figures,
                    )
                ]
            else:
                why = {
                    clv.SPEND_TOO_FEW: _(
                        "fewer than %(needed)s customers with repeat purchases spent anything",
                        needed=clv.MIN_REPEAT_CUSTOMERS,
                    ),
                    clv.SPEND_NO_FIT: _("the Gamma-Gamma spend model did not converge"),
                }.get(stored.get("spend_reason"), _("the spend model could not be fitted"))
                lines = [
                    _(
                        "Lifetime value %(clv)s as of %(date)s: %(orders)s expected purchases "
                        "in the next %(horizon)s days times its own average purchase value, "
                        "%(discount)s; %(alive)s%% likely still active (BG/NBD model; no "
                        "spend model: %(why)s).",
                        why=why,
                        **figures,
                    )
                ]
            cap = params.get("cap")
            repeat = self.purchase_days - 1
            if cap and repeat > 0 and (self.total_value - self.first_value) / repeat > cap:
                lines.append(
                    _(
                        "Its mean value per purchase is far above other customers' and was "
                        "capped at %(cap)s for the prediction.",
                        cap=format_amount(self.env, cap, company.currency_id),
                    )
                )
            if self.total_value <= 0:
                lines.append(
                    _(
                        "Its refunds cancel its purchases: what it may buy next is valued at "
                        "nothing."
                    )
                )
            return lines
        if self.clv_method == "historical":
            why = (
                _("its figures could not be used by the model.")
                if company.crm_clv_method == "model"
                else company.crm_clv_note or ""
            )
            return [
                _(
                    "Lifetime value %(clv)s as of %(date)s from past spending only: %(why)s "
                    "Probability of still being active: not estimated.",
                    clv=value,
                    date=day,
                    why=why,
                )
            ]
        return []

    def _next_order_overdue(self):
        """Whether the days since the last order alone make the customer at risk."""
        rule = self.company_id._crm_churn_rule()
        after = rule["at_risk_days"]
        if rule["method"] == "relative" and self.usual_interval_days:
            after = self.usual_interval_days * rule["at_risk_factor"]
        return self.recency_days > after

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

    # ------------------------------------------------------------------ extension

    @api.model
    def _extra_figures(self, company):
        """Figures other addons add to every customer's insight row at each refresh.

        Returns a list of (query, field_names): `query` an odoo.tools.SQL selecting
        `partner_id` (the commercial partner) and one column per name in `field_names`, at
        most one row per customer, for `company`; each name is a stored readonly field the
        addon declares on crm.customer.score (_inherit). The refresh joins them onto every
        customer's figures (no row: NULL), writes them where they changed, and segment
        rules may test them. The day of the figures is in the context, put there by the
        refresh: `refresh_tools.figures_days(self.env.context)[company.id]` (a date; never
        read the key directly, a client's context may hold anything). A query may also give
        `churn_signal` (listed in its names): when any says true, a customer otherwise
        active is at risk. Say why on the
        Customer Insight tab by extending `_explain`. Override, call super, append."""
        return []

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
    def _today(self, company, moment=None):
        """The day of `moment` (a UTC datetime, now by default) where the company is: in
        the time zone of its address, else of the user, else UTC. The day a refresh
        computes for. Read from records, never from the context, so that a client cannot
        make a refresh compute another day."""
        tz = company.sudo().partner_id.tz or self.env.user.tz or "UTC"
        return fields.Date.context_today(self.with_context(tz=tz), moment)

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
        """Recompute the customer insight of one company, set-based, for the day `as_of`
        (today by default). Safe to run again: the same data gives the same rows, and the
        history records only changes of segment. With `recount`, every customer's figures
        and every month's product pairs are computed from the sales and the lifetime-value
        model is fitted anew (Refresh now, and the cron on Sundays); without, only what
        changed since the stored figures' day is.

        The steps, each in its own model, and the tables each reads and writes:

        1. figures (`crm.customer.figures`): reads the sales (sale_order, account_move,
           res_partner), crm_customer_touch and the stored crm_customer_score rows; writes
           the temporary table crm_fig (one row per customer) and the view crm_new over it
           (scores, tier, churn status, other addons' extra figures).
        2. lifetime value (`crm.customer.clv`): reads crm_fig; fits the model on a thread
           (or takes the company's stored one) while step 3 runs; writes the temporary table
           crm_clv and, after a fit, the model on res_company.
        3. basket (`crm.product.association`): reads sale_order_line and crm_basket_month;
           writes crm_basket_month and crm_product_association.
        4. write (`crm.customer.rows`): reads crm_new, crm_clv and the segment rules
           (`crm.customer.segment._rules_case_sql`); writes the temporary table crm_seg, then
           crm_customer_score and crm_customer_segment_history.
        5. labels (`res.partner._crm_write_labels`): reads crm_customer_score and crm_seg;
           writes the labels on res_partner.
        6. prospects (`res.partner._crm_write_prospects`): reads crm_lead, calendar_event,
           mail_message, crm_customer_score and crm_customer_prospect; writes the prospect
           label on res_partner and crm_customer_prospect.

        Returns the figures of the run: customers, recomputed (from their sales), moved
        (changed segment), written (rows), associations, steps (seconds per step), seconds.
        """
        if isinstance(company, int):  # called from XML data (<function>)
            company = self.env["res.company"].browse(company)
        started = time.monotonic()
        window = Window.of(company, as_of or self._today(company), recount)
        self.env.flush_all()
        times = StepTimes()
        self.env.cr.execute(DROP_REFRESH_TABLES)
        with local_settings(self.env.cr, REFRESH_SETTINGS):
            stats = self._refresh_steps(company, window, times)
        self.env.cr.execute(DROP_REFRESH_TABLES)
        company.sudo().write(
            {
                "crm_insight_refreshed_at": fields.Datetime.now(),
                "crm_figures_as_of": window.as_of,
                "crm_figures_basis": self.env["crm.customer.figures"]._basis(company),
            }
        )
        self.env.invalidate_all()
        stats.update(steps=times.seconds, seconds=time.monotonic() - started)
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
            ", ".join(f"{name} {seconds:.2f}" for name, seconds in times.seconds.items()),
        )
        return stats

    def _refresh_steps(self, company, window, times):
        """The five steps of `_refresh_company`, timed in `times`."""
        with times("figures"):
            figures = self.env["crm.customer.figures"]._build(company, window)
        stats = {"customers": figures["customers"], "recomputed": figures["recomputed"]}
        Clv = self.env["crm.customer.clv"]
        fitted = Clv._stored_fit(company) if figures["incremental"] else None
        # the lifetime-value model is fitted on a thread while the database counts the
        # baskets: on two cores, both at once (full size: 1.6 s of Python no longer waited for)
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="crm_clv") as pool:
            with times("clv"):
                pending = Clv._start(company, window, pool, fitted)
            with times("basket"):
                stats["associations"] = self.env["crm.product.association"]._refresh_company(
                    company, window.as_of, window.recount
                )
            with times("clv"):
                Clv._store(company, pending, fitted)
        with times("write"):
            stats["moved"], stats["written"], anyone_left = self.env["crm.customer.rows"]._write(
                company, window.as_of, figures
            )
        # the contacts written since the day before the last refresh have their labels
        # checked one by one (new contacts of a customer, contacts moved to another, the
        # contact kept by a merge, which takes the labels of the contacts merged into it)
        since = None
        if window.previous and not window.recount:
            since = datetime.combine(window.previous - timedelta(days=1), datetime.min.time())
        with times("labels"):
            self.env["res.partner"]._crm_write_labels(company, since, anyone_left)
        with times("prospects"):
            self.env["res.partner"]._crm_write_prospects(
                company, window.as_of, window.recount, since
            )
        return stats

    # ------------------------------------------------------------------ cron

    @api.model
    def _cron_refresh(self):
        """Refresh one company per run, the stalest first; report progress so that the
        scheduler runs again at once while companies are left. Safe to run twice."""
        companies = self.env["res.company"].search([])
        stale = companies.filtered(
            lambda c: not c.crm_insight_refreshed_at
            or self._today(c, c.crm_insight_refreshed_at) < self._today(c)
        ).sorted(lambda c: c.crm_insight_refreshed_at or fields.Datetime.to_datetime("1970-01-01"))
        if not stale:
            self.env["ir.cron"]._notify_progress(done=0, remaining=0)
            return
        company = stale[0]
        # once a week every month's product pairs are counted again, so that orders
        # changed in SQL, behind the ORM's back, are counted within the week
        recount = self._today(company).weekday() == RECOUNT_WEEKDAY
        try:
            with self.env.cr.savepoint():
                self.with_company(company)._refresh_company(company, recount=recount)
        except Exception:
            _logger.exception("Customer insight refresh of %s failed", company.name)
            # mark it done for today so that one broken company does not block the others
            company.sudo().crm_insight_refreshed_at = fields.Datetime.now()
        self.env["ir.cron"]._notify_progress(done=1, remaining=len(stale) - 1)
