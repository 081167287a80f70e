from datetime import timedelta

from odoo import api, fields, models


class CrmVisitPlanGenerate(models.TransientModel):
    _name = "crm.visit.plan.generate"
    _description = "Generate Visit Plans"

    period = fields.Selection(
        [("month", "A Month"), ("days", "Chosen Days")],
        string="Plan For",
        required=True,
        default="month",
        help="A month of the company's calendar (a Solar Hijri month when the company uses "
        "that calendar), or the days you choose.",
    )
    month_day = fields.Date(
        string="Month",
        default=lambda self: self._default_month_day(),
        help="Any day of the month to plan.",
    )
    date_from = fields.Date(
        string="From",
        required=True,
        compute="_compute_dates",
        store=True,
        readonly=False,
        precompute=True,
    )
    date_to = fields.Date(
        string="To",
        required=True,
        compute="_compute_dates",
        store=True,
        readonly=False,
        precompute=True,
    )
    rule_ids = fields.Many2many(
        "crm.visit.plan.rule",
        string="Rules",
        required=True,
        default=lambda self: self.env["crm.visit.plan.rule"].search(
            [("company_id", "=", self.env.company.id)]
        ),
    )
    user_ids = fields.Many2many(
        "res.users",
        string="Salespeople",
        domain="[('share', '=', False)]",
        help="Leave empty to plan for every salesperson who has customers under the rules.",
    )
    result = fields.Text(readonly=True)
    plan_ids = fields.Many2many("crm.visit.plan", string="Plans")

    def _default_month_day(self):
        """The first day of next month in the company's calendar."""
        today = fields.Date.context_today(self)
        return self.env.company._crm_period_end(today, "month") + timedelta(days=1)

    @api.depends("period", "month_day")
    def _compute_dates(self):
        today = fields.Date.context_today(self)
        for wizard in self:
            if wizard.period == "month" and wizard.month_day:
                company = self.env.company
                wizard.date_from = company._crm_period_start(wizard.month_day, "month")
                wizard.date_to = company._crm_period_end(wizard.month_day, "month")
            elif not wizard.date_from:
                wizard.date_from = today + timedelta(days=1)
                wizard.date_to = today + timedelta(days=28)

    def action_generate(self):
        self.ensure_one()
        plans, messages = self.env["crm.visit.plan"]._generate(
            self.date_from, self.date_to, self.rule_ids, self.user_ids or None, background=True
        )
        summary = self.env._(
            "%(plans)s plans queued: their visits are being planned in the background. Open "
            "the plans to follow them; each says what did not fit once it is planned.",
            plans=len(plans),
        )
        self.write({"plan_ids": [(6, 0, plans.ids)], "result": "\n".join([summary, *messages])})
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
        }

    def action_open_plans(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("crm_sfa_ext.crm_visit_plan_action")
        action["domain"] = [("id", "in", self.plan_ids.ids)]
        return action
