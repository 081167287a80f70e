from odoo import api, fields, models
from odoo.tools import SQL
from odoo.tools.sql import create_unique_index

from .crm_sales_target import PERIOD_TYPES

# figures of the forecast report summed per salesperson and period on the sheet
SHEET_FIGURES = (
    "target_revenue",
    "weighted",
    "open_weighted",
    "commit",
    "best_case",
    "won_revenue",
)


class CrmForecastAdjustment(models.Model):
    """The forecast sheet: one line per salesperson and period (month, quarter or year of the
    company's calendar) for every salesperson with pipeline in the period, undated pipeline
    or a target. The computed forecast (from the forecast report) stands beside the
    manager's adjusted forecast; each change of the adjustment is kept in its history, and
    the snapshots measure the accuracy of both."""

    _name = "crm.forecast.adjustment"
    _description = "Forecast Sheet Line"
    _order = "date_from desc, period_type, team_id, user_id"
    _check_company_auto = True

    user_id = fields.Many2one("res.users", string="Salesperson", required=True, index=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", index=True, check_company=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    period_type = fields.Selection(PERIOD_TYPES, string="Period", required=True)
    date_from = fields.Date(string="Start", required=True)
    date_to = fields.Date(string="End", required=True)
    period_name = fields.Char(compute="_compute_period_name")
    # the manager's figure
    adjusted_amount = fields.Monetary(
        string="Adjustment",
        help="The sales manager's forecast for the salesperson and period; it replaces the "
        "computed weighted forecast once entered.",
    )
    is_adjusted = fields.Boolean(string="Adjusted", readonly=True)
    adjusted_by = fields.Many2one("res.users", readonly=True)
    adjusted_on = fields.Datetime(readonly=True)
    adjustment_note = fields.Char(string="Reason")
    history_ids = fields.One2many(
        "crm.forecast.adjustment.history", "adjustment_id", readonly=True
    )
    can_adjust = fields.Boolean(compute="_compute_can_adjust")
    # computed figures of the period (not stored: always today's)
    target_revenue = fields.Monetary(string="Target", compute="_compute_figures")
    weighted = fields.Monetary(string="Weighted Forecast", compute="_compute_figures")
    open_weighted = fields.Monetary(string="Open Weighted Pipeline", compute="_compute_figures")
    commit = fields.Monetary(compute="_compute_figures")
    best_case = fields.Monetary(compute="_compute_figures")
    won_revenue = fields.Monetary(string="Won", compute="_compute_figures")
    undated_pipeline = fields.Monetary(compute="_compute_figures")
    still_to_win = fields.Monetary(compute="_compute_figures")
    coverage = fields.Float(
        string="Pipeline Coverage",
        compute="_compute_figures",
        help="Open weighted pipeline divided by what is still to win of the target.",
    )
    adjusted_forecast = fields.Monetary(
        compute="_compute_figures",
        help="The manager's adjustment when there is one, else the weighted forecast.",
    )
    slipped_amount = fields.Monetary(
        string="Slipped",
        compute="_compute_slippage",
        help="Open opportunities whose expected closing was moved out of the period (later "
        "or removed), at their expected revenue.",
    )
    slipped_count = fields.Integer(string="Deals Slipped", compute="_compute_slippage")

    def init(self):
        # one line per salesperson, period and company; _generate's ON CONFLICT relies on it
        create_unique_index(
            self.env.cr,
            "crm_forecast_adjustment_period_user_uniq",
            self._table,
            ["period_type", "date_from", "user_id", "company_id"],
        )

    @api.depends("period_type", "date_from", "company_id")
    def _compute_period_name(self):
        for line in self:
            line.period_name = line.date_from and line.company_id._crm_period_label(
                line.date_from, line.period_type
            )

    @api.depends_context("uid")
    def _compute_can_adjust(self):
        can_adjust = self.env.user.has_group("crm_sfa_ext.group_crm_sfa_ext_manager")
        for line in self:
            line.can_adjust = can_adjust

    @api.depends("user_id", "date_from", "date_to", "company_id", "adjusted_amount")
    def _compute_figures(self):
        """One grouped read of the forecast report for the lines' periods and undated
        pipeline."""
        totals = {}
        if self.ids or self.user_id:
            period_domains = [
                ["&", ("date", ">=", date_from), ("date", "<=", date_to)]
                for date_from, date_to in {(line.date_from, line.date_to) for line in self}
                if date_from and date_to
            ]
            domain = [("undated", "=", True)]
            for period in period_domains:
                domain = ["|", *domain, *period]
            rows = self.env["crm.forecast.report"]._read_group(
                [
                    ("user_id", "in", self.user_id.ids),
                    ("company_id", "in", self.company_id.ids),
                    ("source", "in", ("target", "open", "won")),
                    *domain,
                ],
                ["user_id", "company_id", "date:day", "undated"],
                [f"{figure}:sum" for figure in SHEET_FIGURES] + ["undated_pipeline:sum"],
            )
            for user, company, day, undated, *figures in rows:
                undated_pipeline = figures.pop()
                totals.setdefault((user.id, company.id), []).append(
                    (day, undated, figures, undated_pipeline)
                )
        for line in self:
            sums = dict.fromkeys(SHEET_FIGURES, 0.0)
            undated_total = 0.0
            for day, undated, figures, undated_pipeline in totals.get(
                (line.user_id.id, line.company_id.id), []
            ):
                if undated:
                    undated_total += undated_pipeline or 0.0
                elif day and line.date_from <= fields.Date.to_date(day) <= line.date_to:
                    for name, value in zip(SHEET_FIGURES, figures, strict=True):
                        sums[name] += value or 0.0
            line.update(sums)
            line.undated_pipeline = undated_total
            line.still_to_win = max(sums["target_revenue"] - sums["won_revenue"], 0.0)
            line.coverage = sums["open_weighted"] / line.still_to_win if line.still_to_win else 0.0
            line.adjusted_forecast = line.adjusted_amount if line.is_adjusted else sums["weighted"]

    @api.depends("user_id", "date_from", "date_to", "company_id")
    def _compute_slippage(self):
        """Open opportunities of the salesperson whose expected closing date was, at some
        change, in the period and moved after its end or removed, and that are not back in
        it: one query over the tracked changes of the expected closing date."""
        found = {}
        lines = self.filtered("id")
        if lines:
            for model in ("crm.lead", "mail.message", "mail.tracking.value", self._name):
                self.env[model].flush_model()
            field = self.env["ir.model.fields"]._get("crm.lead", "date_deadline")
            self.env.cr.execute(
                SQL(
                    """SELECT a.id, COUNT(l.id), SUM(COALESCE(l.expected_revenue, 0))
                         FROM crm_forecast_adjustment a
                         JOIN crm_lead l
                           ON l.user_id = a.user_id AND l.company_id = a.company_id
                          AND l.active AND l.type = 'opportunity'
                          AND (l.date_deadline IS NULL OR l.date_deadline > a.date_to)
                         JOIN crm_stage s ON s.id = l.stage_id AND s.is_won IS NOT TRUE
                        WHERE a.id = ANY(%(ids)s)
                          AND EXISTS (
                              SELECT FROM mail_message m
                                JOIN mail_tracking_value v ON v.mail_message_id = m.id
                               WHERE m.model = 'crm.lead' AND m.res_id = l.id
                                 AND v.field_id = %(field)s
                                 AND v.old_value_datetime::date
                                     BETWEEN a.date_from AND a.date_to
                                 AND (v.new_value_datetime IS NULL
                                      OR v.new_value_datetime::date > a.date_to))
                     GROUP BY a.id""",
                    ids=lines.ids,
                    field=field.id,
                )
            )
            found = {line_id: (count, amount) for line_id, count, amount in self.env.cr.fetchall()}
        for line in self:
            line.slipped_count, line.slipped_amount = found.get(line.id, (0, 0.0))

    def write(self, vals):
        """An adjustment records who changed it and when, and keeps the previous figure in
        the history (one create for the batch)."""
        if "adjusted_amount" not in vals:
            return super().write(vals)
        history = [
            {
                "adjustment_id": line.id,
                "previous_amount": line.adjusted_amount if line.is_adjusted else line.weighted,
                "was_adjusted": line.is_adjusted,
                "amount": vals["adjusted_amount"],
                "note": vals.get("adjustment_note", line.adjustment_note),
            }
            for line in self
        ]
        result = super().write(
            dict(
                vals, is_adjusted=True, adjusted_by=self.env.uid, adjusted_on=fields.Datetime.now()
            )
        )
        self.env["crm.forecast.adjustment.history"].create(history)
        return result

    def action_reset_adjustment(self):
        """Back to the computed forecast (the reset is kept in the history too)."""
        self.env["crm.forecast.adjustment.history"].create(
            [
                {
                    "adjustment_id": line.id,
                    "previous_amount": line.adjusted_amount,
                    "was_adjusted": True,
                    "amount": 0.0,
                    "reset": True,
                }
                for line in self.filtered("is_adjusted")
            ]
        )
        # not through write(): that would record a new adjustment of zero
        super().write(
            {
                "is_adjusted": False,
                "adjusted_amount": 0.0,
                "adjusted_by": self.env.uid,
                "adjusted_on": fields.Datetime.now(),
            }
        )
        return True

    def action_open_slipped(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("crm.crm_lead_opportunities")
        action["domain"] = [
            ("user_id", "=", self.user_id.id),
            ("company_id", "=", self.company_id.id),
            ("type", "=", "opportunity"),
            "|",
            ("date_deadline", "=", False),
            ("date_deadline", ">", self.date_to),
        ]
        action["context"] = {"create": False}
        return action

    @api.model
    def _generate(self, period_type, day, companies=None):
        """Adds the lines of the period holding ``day`` (in each company's calendar) for
        every salesperson with a target, opportunities expected in the period or undated
        opportunities, in one INSERT ... SELECT over the forecast report per company. Safe
        to run twice. Reads crm_forecast_report's sources, writes crm_forecast_adjustment.
        Returns the number of lines added."""
        self.env.flush_all()
        report = self.env["crm.forecast.report"]
        added = 0
        for company in companies or self.env.companies:
            date_from = company._crm_period_start(day, period_type)
            date_to = company._crm_period_end(day, period_type)
            self.env.cr.execute(
                SQL(
                    """INSERT INTO crm_forecast_adjustment (
                            user_id, team_id, company_id, period_type, date_from, date_to,
                            adjusted_amount, is_adjusted, create_uid, create_date, write_uid,
                            write_date)
                       SELECT r.user_id, MIN(r.team_id), r.company_id, %(period_type)s,
                              %(date_from)s, %(date_to)s, 0, FALSE, %(uid)s,
                              now() AT TIME ZONE 'UTC', %(uid)s, now() AT TIME ZONE 'UTC'
                         FROM %(report)s r
                        WHERE r.company_id = %(company)s AND r.user_id IS NOT NULL
                          AND r.source IN ('target', 'open', 'won')
                          AND (r.undated OR r.date BETWEEN %(date_from)s AND %(date_to)s)
                     GROUP BY r.user_id, r.company_id
                    ON CONFLICT DO NOTHING""",
                    period_type=period_type,
                    date_from=date_from,
                    date_to=date_to,
                    uid=self.env.uid,
                    report=report._table_sql,
                    company=company.id,
                )
            )
            added += self.env.cr.rowcount
        self.invalidate_model()
        return added

    @api.model
    def _action_open_sheet(self):
        """The forecast sheet (current month by default), the lines of salespeople new in
        the current month, quarter and year added first."""
        today = fields.Date.context_today(self)
        for period_type, _label in PERIOD_TYPES:
            self._generate(period_type, today)
        return self.env["ir.actions.act_window"]._for_xml_id(
            "crm_sfa_ext.crm_forecast_adjustment_action"
        )
