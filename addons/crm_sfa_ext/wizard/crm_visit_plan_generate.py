from datetime import timedelta

from odoo import fields, models


class CrmVisitPlanGenerate(models.TransientModel):
    _name = "crm.visit.plan.generate"
    _description = "Generate Visit Plans"

    date_from = fields.Date(
        string="From",
        required=True,
        default=lambda self: fields.Date.context_today(self) + timedelta(days=1),
    )
    date_to = fields.Date(
        string="To",
        required=True,
        default=lambda self: fields.Date.context_today(self) + timedelta(days=28),
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
