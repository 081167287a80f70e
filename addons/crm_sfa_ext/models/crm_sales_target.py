from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..lib.phasing import split_by_weights

# periods in the company's calendar (res.company._crm_period_*): Gregorian, or Solar Hijri
# months (Farvardin...), quarters of three of them and years from 1 Farvardin
PERIOD_TYPES = [("month", "Month"), ("quarter", "Quarter"), ("year", "Year")]
PHASINGS = [("even", "Evenly"), ("profile", "By Profile")]
# figures of the forecast report shown against each target on the dashboard
FORECAST_FIGURES = (
    "weighted",
    "commit",
    "best_case",
    "won_revenue",
    "won_count",
    "ordered",
    "invoiced",
)


class CrmSalesTarget(models.Model):
    _name = "crm.sales.target"
    _description = "Sales Target"
    _order = "date_from desc, team_id, user_id"
    _check_company_auto = True

    name = fields.Char(compute="_compute_name", store=True, precompute=True)
    user_id = fields.Many2one(
        "res.users",
        string="Salesperson",
        index=True,
        domain="[('share', '=', False)]",
        help="Leave empty for a target of the whole sales team.",
    )
    team_id = fields.Many2one("crm.team", string="Sales Team", index=True, check_company=True)
    period_type = fields.Selection(PERIOD_TYPES, string="Period", required=True, default="month")
    date_from = fields.Date(
        string="Start",
        required=True,
        default=lambda self: self.env.company._crm_period_start(
            fields.Date.context_today(self), "month"
        ),
    )
    date_to = fields.Date(string="End", compute="_compute_date_to", store=True, precompute=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    target_revenue = fields.Monetary(string="Revenue Target", required=True)
    target_won_count = fields.Integer(
        string="Won Deals Target", help="Optional: number of opportunities to win."
    )
    # phasing: a quarterly or yearly quota split into monthly targets (its children), which
    # the forecast report counts instead of the quota
    parent_id = fields.Many2one(
        "crm.sales.target",
        string="Phased From",
        index="btree_not_null",
        ondelete="cascade",
        readonly=True,
        check_company=True,
        help="The quarterly or yearly quota this monthly target is a part of.",
    )
    child_ids = fields.One2many("crm.sales.target", "parent_id", string="Monthly Targets")
    phasing = fields.Selection(
        PHASINGS,
        default="even",
        help="How the quota is split into monthly targets: evenly, or in proportion to the "
        "monthly weights of a profile (seasonality).",
    )
    phasing_profile_id = fields.Many2one("crm.sales.target.profile", check_company=True)
    # figures of the period, from the forecast report (dashboard)
    weighted = fields.Monetary(string="Weighted Forecast", compute="_compute_forecast")
    commit = fields.Monetary(compute="_compute_forecast")
    best_case = fields.Monetary(compute="_compute_forecast")
    won_revenue = fields.Monetary(string="Won", compute="_compute_forecast")
    won_count = fields.Integer(string="Deals Won", compute="_compute_forecast")
    ordered = fields.Monetary(compute="_compute_forecast")
    invoiced = fields.Monetary(compute="_compute_forecast")
    attainment = fields.Float(string="Attainment (%)", compute="_compute_forecast")
    forecast_attainment = fields.Float(
        string="Forecast vs Target (%)", compute="_compute_forecast"
    )
    open_weighted = fields.Monetary(
        string="Open Weighted Pipeline",
        compute="_compute_forecast",
        help="Open opportunities expected to close in the period, times their probability.",
    )
    still_to_win = fields.Monetary(
        compute="_compute_forecast", help="The target less what is won so far, zero at least."
    )
    coverage = fields.Float(
        string="Pipeline Coverage",
        compute="_compute_forecast",
        help="Open weighted pipeline divided by what is still to win: 1 or more means the "
        "pipeline can reach the target (0 when the target is reached).",
    )
    undated_pipeline = fields.Monetary(
        compute="_compute_forecast",
        help="Open opportunities without an expected closing date, in no period: give them "
        "a date to count them in a forecast.",
    )

    @api.depends("user_id", "team_id", "period_type", "date_from")
    def _compute_name(self):
        for target in self:
            who = target.user_id.name or target.team_id.name or ""
            if not target.date_from:
                target.name = who
                continue
            company = target.company_id or self.env.company
            period = company._crm_period_label(target.date_from, target.period_type)
            target.name = f"{who} {period}".strip()

    @api.depends("period_type", "date_from", "company_id")
    def _compute_date_to(self):
        for target in self:
            company = target.company_id or self.env.company
            target.date_to = target.date_from and company._crm_period_end(
                target.date_from, target.period_type
            )

    @api.depends("user_id", "team_id", "date_from", "date_to", "company_id", "target_revenue")
    def _compute_forecast(self):
        """One grouped read of the forecast report per distinct period of the targets (the
        period's rows and the undated pipeline together)."""
        report = self.env["crm.forecast.report"]
        periods = {}
        for target in self:
            periods.setdefault((target.date_from, target.date_to), self.browse())
            periods[(target.date_from, target.date_to)] |= target
        for (date_from, date_to), targets in periods.items():
            by_user, by_team = {}, {}
            if date_from and date_to:
                rows = report._read_group(
                    [
                        ("company_id", "in", targets.company_id.ids),
                        "|",
                        ("user_id", "in", targets.user_id.ids),
                        ("team_id", "in", targets.team_id.ids),
                        "|",
                        ("undated", "=", True),
                        "&",
                        ("date", ">=", date_from),
                        ("date", "<=", date_to),
                    ],
                    ["company_id", "user_id", "team_id", "undated"],
                    [f"{figure}:sum" for figure in FORECAST_FIGURES] + ["pipeline:sum"],
                )
                for company, user, team, undated, *figures in rows:
                    undated_pipeline = figures.pop()
                    for key, totals in (
                        ((company.id, user.id), by_user),
                        ((company.id, team.id), by_team),
                    ):
                        acc = totals.setdefault(key, [0.0] * (len(FORECAST_FIGURES) + 1))
                        if undated:
                            acc[-1] += undated_pipeline or 0.0
                            continue
                        for index, value in enumerate(figures):
                            acc[index] += value or 0.0
            for target in targets:
                if target.user_id:
                    figures = by_user.get((target.company_id.id, target.user_id.id))
                else:
                    figures = by_team.get((target.company_id.id, target.team_id.id))
                figures = figures or [0.0] * (len(FORECAST_FIGURES) + 1)
                target.undated_pipeline = figures[-1]
                figures = dict(zip(FORECAST_FIGURES, figures[:-1], strict=True))
                figures["won_count"] = int(figures["won_count"])
                target.update(figures)
                revenue = target.target_revenue
                target.attainment = 100.0 * figures["won_revenue"] / revenue if revenue else 0.0
                target.forecast_attainment = (
                    100.0 * figures["weighted"] / revenue if revenue else 0.0
                )
                target.open_weighted = figures["weighted"] - figures["won_revenue"]
                target.still_to_win = max(revenue - figures["won_revenue"], 0.0)
                target.coverage = (
                    target.open_weighted / target.still_to_win if target.still_to_win else 0.0
                )

    @api.constrains("user_id", "team_id", "target_revenue", "target_won_count")
    def _check_owner_and_amounts(self):
        for target in self:
            if not target.user_id and not target.team_id:
                raise ValidationError(
                    self.env._("A target is for a salesperson or a sales team: set one of them.")
                )
            if target.target_revenue < 0 or target.target_won_count < 0:
                raise ValidationError(
                    self.env._(
                        "The target of %(target)s cannot be negative: enter zero or more.",
                        target=target.name,
                    )
                )

    @api.constrains("user_id", "team_id", "period_type", "date_from", "date_to", "company_id")
    def _check_overlap(self):
        """Refuses two targets of the same salesperson (or of the same team, for team targets)
        and the same granularity whose periods overlap, in one search for the whole batch: a
        quarterly or yearly quota and the monthly targets that make it up live together."""
        others = self.search(
            [
                ("company_id", "in", self.company_id.ids),
                ("period_type", "in", list(set(self.mapped("period_type")))),
                ("date_from", "<=", max(self.mapped("date_to"))),
                ("date_to", ">=", min(self.mapped("date_from"))),
                "|",
                ("user_id", "in", self.user_id.ids),
                "&",
                ("user_id", "=", False),
                ("team_id", "in", self.team_id.ids),
            ]
        )
        for target in self:
            for other in others:
                if (
                    other != target
                    and other.company_id == target.company_id
                    and other.user_id == target.user_id
                    and other.period_type == target.period_type
                    and (target.user_id or other.team_id == target.team_id)
                    and other.date_from <= target.date_to
                    and other.date_to >= target.date_from
                ):
                    raise ValidationError(
                        self.env._(
                            "%(who)s already has the target %(other)s for %(start)s to "
                            "%(end)s, which overlaps %(target)s. Change that target instead "
                            "of adding another one for the same days.",
                            who=target.user_id.name or target.team_id.name,
                            other=other.name,
                            start=other.date_from,
                            end=other.date_to,
                            target=target.name,
                        )
                    )

    @api.model_create_multi
    def create(self, vals_list):
        # a target starts on the first day of its period, in its company's calendar
        for vals in vals_list:
            if vals.get("date_from"):
                company = self.env["res.company"].browse(vals.get("company_id")) or (
                    self.env.company
                )
                vals["date_from"] = company._crm_period_start(
                    fields.Date.to_date(vals["date_from"]), vals.get("period_type", "month")
                )
        return super().create(vals_list)

    def write(self, vals):
        if vals.get("date_from") or vals.get("period_type"):
            for target in self:
                day = fields.Date.to_date(vals.get("date_from")) or target.date_from
                company = self.env["res.company"].browse(vals.get("company_id")) or (
                    target.company_id
                )
                period_type = vals.get("period_type", target.period_type)
                super(CrmSalesTarget, target).write(
                    dict(vals, date_from=company._crm_period_start(day, period_type))
                )
            return True
        return super().write(vals)

    def action_open_forecast(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "crm_sfa_ext.crm_forecast_report_action"
        )
        domain = [("date", ">=", self.date_from), ("date", "<=", self.date_to)]
        if self.user_id:
            domain.append(("user_id", "=", self.user_id.id))
        else:
            domain.append(("team_id", "=", self.team_id.id))
        action["domain"] = domain
        return action

    def action_phase(self):
        """Splits the quarterly or yearly quota into monthly targets of the same salesperson
        or team (replacing the ones it was split into before), evenly or by the profile."""
        self.ensure_one()
        if self.period_type == "month":
            raise UserError(
                self.env._(
                    "%(target)s is already a monthly target: phasing splits a quarterly or "
                    "yearly quota into months.",
                    target=self.name,
                )
            )
        if self.phasing == "profile" and not self.phasing_profile_id:
            raise UserError(
                self.env._(
                    "Choose the phasing profile of %(target)s, or phase it evenly.",
                    target=self.name,
                )
            )
        company = self.company_id
        months = company._crm_period_starts(self.date_from, self.date_to, "month")
        if self.phasing == "profile":
            year_start = company._crm_period_start(self.date_from, "year")
            first = len(company._crm_period_starts(year_start, self.date_from, "month"))
            weights = self.phasing_profile_id._weights(range(first, first + len(months)))
        else:
            weights = [1.0] * len(months)
        amounts = split_by_weights(
            self.target_revenue, weights, company.currency_id.decimal_places
        )
        counts = split_by_weights(self.target_won_count, weights, 0)
        self.child_ids.unlink()
        self.create(
            [
                {
                    "parent_id": self.id,
                    "user_id": self.user_id.id,
                    "team_id": self.team_id.id,
                    "company_id": company.id,
                    "period_type": "month",
                    "date_from": month,
                    "target_revenue": amount,
                    "target_won_count": count,
                }
                for month, amount, count in zip(months, amounts, counts, strict=True)
            ]
        )
        return True

    def action_open_monthly_targets(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "crm_sfa_ext.crm_sales_target_action"
        )
        action["domain"] = [("parent_id", "=", self.id)]
        action["context"] = {"default_parent_id": self.id}
        return action
