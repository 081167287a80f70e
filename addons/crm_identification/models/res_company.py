from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL
from odoo.tools.misc import format_date

from ..lib import clv, periods, rfm


class ResCompany(models.Model):
    _inherit = "res.company"

    crm_lookback_days = fields.Integer(string="Look-back Window (days)", default=365)
    crm_sales_source = fields.Selection(
        [("orders", "Confirmed sales orders"), ("invoices", "Posted invoices")],
        string="Sales Source",
        default="orders",
        required=True,
    )
    crm_monetary_basis = fields.Selection(
        [("revenue", "Revenue"), ("margin", "Margin")],
        string="Monetary Value",
        default="revenue",
        required=True,
    )
    crm_score_method = fields.Selection(
        [("quintile", "Quintiles of the customers"), ("thresholds", "Fixed thresholds")],
        string="Scoring",
        default="quintile",
        required=True,
    )
    crm_recency_thresholds = fields.Char(
        string="Recency Thresholds (days)",
        default="30,90,180,365",
        help="Score 5 up to the first number of days since the last order, 4 up to the "
        "second, 3 up to the third, 2 up to the fourth, 1 beyond.",
    )
    crm_frequency_thresholds = fields.Char(
        string="Frequency Thresholds (orders)",
        default="2,3,5,10",
        help="Score 2 from the first number of orders in the window, 3 from the second, "
        "4 from the third, 5 from the fourth.",
    )
    crm_monetary_thresholds = fields.Char(
        string="Monetary Thresholds",
        default="500,2000,5000,20000",
        help="Score 2 from the first amount in the window (company currency), 3 from "
        "the second, 4 from the third, 5 from the fourth.",
    )
    crm_churn_method = fields.Selection(
        [
            ("relative", "Relative to the customer's usual interval"),
            ("fixed", "Fixed number of days"),
        ],
        string="Churn Rule",
        default="relative",
        required=True,
    )
    crm_churn_factor = fields.Float(string="Lost after (x usual interval)", default=3.0)
    crm_at_risk_factor = fields.Float(string="At risk after (x usual interval)", default=1.5)
    crm_churn_days = fields.Integer(
        string="Lost after (days)",
        default=365,
        help="Under the fixed rule, and for customers with a single purchase.",
    )
    crm_at_risk_days = fields.Integer(string="At risk after (days)", default=180)
    crm_tier_a_share = fields.Float(string="Tier A: share of revenue (%)", default=80.0)
    crm_tier_b_share = fields.Float(string="Tier B: share of revenue up to (%)", default=95.0)
    crm_clv_horizon_days = fields.Integer(string="Lifetime Value Horizon (days)", default=365)
    crm_clv_discount_rate = fields.Float(
        string="Annual Discount Rate (%)",
        default=10.0,
        help="Future purchases are worth less than purchases today: the lifetime value "
        "discounts the purchases expected over the horizon at this yearly rate (0 for none).",
    )
    crm_basket_min_support = fields.Float(
        string="Minimum Support (%)",
        default=0.5,
        help="Share of orders that must contain both products.",
    )
    crm_basket_min_confidence = fields.Float(string="Minimum Confidence (%)", default=10.0)
    crm_basket_min_lift = fields.Float(string="Minimum Lift", default=1.2)
    crm_basket_min_orders = fields.Integer(
        string="Minimum Orders Together",
        default=3,
        help="A pair of products bought together in fewer orders is not suggested.",
    )
    crm_credit_floor = fields.Float(
        string="Lowest Credit Limit",
        default=1.0,
        digits=(16, 2),
        help="The smallest credit limit the credit grades suggest, in the company's "
        "currency: the worst payers (grade E) get it, so that their quotations and invoices "
        "warn from the first unpaid amount. Above 0: in Odoo a credit limit of 0 means no "
        "limit at all.",
    )
    crm_insight_refreshed_at = fields.Datetime(
        string="Customer Insight Computed On", readonly=True
    )
    # what the customers' stored figures were computed for, so that the next refresh can
    # start from them (see crm.customer.touch)
    crm_figures_as_of = fields.Date(string="Customer Figures Day", readonly=True)
    crm_figures_basis = fields.Char(
        string="Customer Figures Basis",
        readonly=True,
        help="Sales source, monetary value and look-back window of the stored figures.",
    )
    crm_clv_method = fields.Selection(
        [("model", "BG/NBD model"), ("historical", "Historical value")],
        string="Lifetime Value Method",
        readonly=True,
    )
    crm_clv_reason = fields.Selection(
        [
            ("fitted", "Fitted"),
            ("too_few_repeat", "Too few repeat customers"),
            ("no_convergence", "No convergence"),
        ],
        string="Lifetime Value Outcome",
        readonly=True,
    )
    crm_clv_repeat_customers = fields.Integer(string="Repeat Customers", readonly=True)
    # the fitted lifetime-value model and the horizon it predicted for: the nightly refresh
    # predicts the customers whose sales changed with it; the weekly recount fits it again
    crm_clv_params = fields.Json(string="Lifetime Value Model", readonly=True)
    crm_clv_note = fields.Char(string="Lifetime Value Note", compute="_compute_crm_clv_note")

    @api.depends("crm_clv_reason", "crm_clv_repeat_customers", "crm_clv_params")
    @api.depends_context("lang")
    def _compute_crm_clv_note(self):
        """Why the lifetime value is what it is, in the reader's language."""
        _ = self.env._
        for company in self:
            fitted = _(
                "Fitted on %(customers)s customers with repeat orders.",
                customers=company.crm_clv_repeat_customers,
            )
            params = (company.crm_clv_params or {}).get("params") or {}
            if company.crm_clv_method == "model" and not clv.has_spend_model(params):
                fitted = _(
                    "Fitted on %(customers)s customers with repeat orders, without a spend "
                    "model: purchases are valued at each customer's own average.",
                    customers=company.crm_clv_repeat_customers,
                )
            company.crm_clv_note = {
                "fitted": fitted,
                "too_few_repeat": _(
                    "only %(repeat)s customers ordered more than once; the BG/NBD model "
                    "needs at least %(needed)s.",
                    repeat=company.crm_clv_repeat_customers,
                    needed=clv.MIN_REPEAT_CUSTOMERS,
                ),
                "no_convergence": _("the BG/NBD model did not converge on this history."),
            }.get(company.crm_clv_reason, False)

    @api.constrains(
        "crm_recency_thresholds", "crm_frequency_thresholds", "crm_monetary_thresholds"
    )
    def _check_crm_thresholds(self):
        labels = {
            "crm_recency_thresholds": self.env._("Recency thresholds"),
            "crm_frequency_thresholds": self.env._("Frequency thresholds"),
            "crm_monetary_thresholds": self.env._("Monetary thresholds"),
        }
        for company in self:
            for fname, label in labels.items():
                try:
                    rfm.parse_thresholds(company[fname])
                except ValueError as error:
                    raise ValidationError(
                        self.env._(
                            "%(label)s “%(value)s” must be four increasing, non-negative "
                            "numbers separated by commas, for example 30,90,180,365.",
                            label=label,
                            value=company[fname] or "",
                        )
                    ) from error

    @api.constrains(
        "crm_lookback_days",
        "crm_churn_factor",
        "crm_at_risk_factor",
        "crm_churn_days",
        "crm_at_risk_days",
        "crm_tier_a_share",
        "crm_tier_b_share",
        "crm_clv_horizon_days",
        "crm_basket_min_support",
        "crm_basket_min_confidence",
        "crm_basket_min_lift",
        "crm_basket_min_orders",
        "crm_sales_source",
        "crm_monetary_basis",
        "crm_clv_discount_rate",
        "crm_credit_floor",
    )
    def _check_crm_settings(self):
        _ = self.env._
        for c in self:
            if c.crm_lookback_days <= 0 or c.crm_clv_horizon_days <= 0:
                raise ValidationError(
                    _(
                        "The look-back window and the lifetime-value horizon must be at "
                        "least one day."
                    )
                )
            if not 0 <= c.crm_clv_discount_rate <= 100:
                raise ValidationError(
                    _(
                        "The annual discount rate of the lifetime value is a percentage "
                        "between 0 and 100 (for example 10)."
                    )
                )
            if not 0 < c.crm_at_risk_factor < c.crm_churn_factor:
                raise ValidationError(
                    _(
                        "“At risk after” must be a positive multiple of the usual interval "
                        "smaller than “Lost after” (for example 1.5 and 3)."
                    )
                )
            if not 0 < c.crm_at_risk_days < c.crm_churn_days:
                raise ValidationError(
                    _(
                        "“At risk after (days)” must be positive and smaller than "
                        "“Lost after (days)” (for example 180 and 365)."
                    )
                )
            if not 0 < c.crm_tier_a_share < c.crm_tier_b_share <= 100:
                raise ValidationError(
                    _(
                        "Tier shares must satisfy 0 < A < B <= 100 (for example A 80%% and "
                        "B 95%%): A customers bring the first A%% of revenue."
                    )
                )
            if (
                not 0 <= c.crm_basket_min_support <= 100
                or not 0 <= c.crm_basket_min_confidence <= 100
                or c.crm_basket_min_lift < 0
                or c.crm_basket_min_orders < 1
            ):
                raise ValidationError(
                    _(
                        "Market-basket thresholds: support and confidence are percentages "
                        "between 0 and 100, lift is not negative, and at least one order "
                        "must hold both products."
                    )
                )
            if c.crm_credit_floor <= 0:
                raise ValidationError(
                    _(
                        "The lowest credit limit must be above 0 (for example 1): in Odoo a "
                        "credit limit of 0 means no limit at all, so the worst payers would get "
                        "unlimited credit."
                    )
                )
            if c.crm_sales_source == "invoices" and c.crm_monetary_basis == "margin":
                raise ValidationError(
                    _(
                        "Margin comes from sales orders: choose sales orders as the source, "
                        "or revenue as the monetary value."
                    )
                )

    def _crm_churn_rule(self):
        self.ensure_one()
        return {
            "method": self.crm_churn_method,
            "lost_factor": self.crm_churn_factor,
            "at_risk_factor": self.crm_at_risk_factor,
            "lost_days": self.crm_churn_days,
            "at_risk_days": self.crm_at_risk_days,
        }

    # Periods in the company's calendar. The suite does not depend on base_solar_hijri: when
    # it is installed (its res.company has `_calendar_period_start`), months, quarters and
    # years follow the company's calendar; otherwise they are Gregorian.

    def _crm_calendar_company(self):
        company = self[:1] or self.env.company
        return company if hasattr(company, "_calendar_period_start") else None

    def _crm_period_start(self, day, granularity="month"):
        """First day of the month, quarter or year holding ``day`` (a date)."""
        company = self._crm_calendar_company()
        if company:
            return company._calendar_period_start(day, granularity)
        return periods.period_start(day, granularity)

    def _crm_period_end(self, day, granularity="month"):
        """Last day (inclusive) of the month, quarter or year holding ``day``."""
        company = self._crm_calendar_company()
        if company:
            return company._calendar_period_end(day, granularity)
        return periods.period_end(day, granularity)

    def _crm_period_starts(self, first, last, granularity="month"):
        """Every period start from the period of ``first`` to that of ``last``."""
        company = self._crm_calendar_company()
        if company:
            return company._calendar_period_starts(first, last, granularity)
        return periods.period_starts(first, last, granularity)

    def _crm_period_bounds(self, first, last, granularity="month"):
        """[(first day, first day of the next period)] of every period from that of
        ``first`` to that of ``last``: the rows a set-based report joins its dates to."""
        starts = self._crm_period_starts(first, last, granularity)
        if not starts:
            return []
        ends = [*starts[1:], self._crm_period_end(starts[-1], granularity) + timedelta(days=1)]
        return list(zip(starts, ends, strict=True))

    def _crm_add_months(self, day, months):
        """``day`` plus ``months`` months of the company's calendar (day clamped)."""
        company = self._crm_calendar_company()
        if company:
            return company._calendar_add_months(day, months)
        return day + relativedelta(months=months)

    def _crm_period_label(self, day, granularity="month"):
        """The period's name for the current user: 'Farvardin 1405', 'March 2026'."""
        company = self._crm_calendar_company()
        if company:
            return company._calendar_period_label(day, granularity)
        pattern = {"month": "MMMM y", "quarter": "QQQ y", "year": "y"}[granularity]
        return format_date(self.env, day, date_format=pattern)

    def _crm_format_date(self, day):
        """``day`` written for whoever reads it: in Solar Hijri for a reader of that calendar
        when base_solar_hijri is installed, in their language's date format otherwise."""
        users = self.env["res.users"]
        if hasattr(users, "_solar_hijri_format_date"):
            return users._solar_hijri_format_date(day)
        return format_date(self.env, day)

    def _crm_period_start_sql(self, expression, granularity="month"):
        """SQL giving the (date) start of the period holding the date ``expression`` (an
        ``SQL``), set-based: Solar Hijri functions of base_solar_hijri or date_trunc."""
        if granularity not in periods.GRANULARITIES:
            raise ValueError(f"Unknown period {granularity!r}")
        company = self._crm_calendar_company()
        if company and company.solar_hijri_periods:
            return SQL("solar_hijri_%s_start((%s)::date)", SQL(granularity), expression)
        return SQL("date_trunc(%s, %s)::date", granularity, expression)
