from odoo import api, fields, models
from odoo.tools import SQL

VISIT_STATES = [("planned", "Planned"), ("done", "Done"), ("missed", "Missed")]


class CrmVisitPlanLine(models.Model):
    _name = "crm.visit.plan.line"
    _description = "Planned Visit"
    _order = "date_start, id"
    _rec_name = "partner_id"
    _check_company_auto = True

    plan_id = fields.Many2one(
        "crm.visit.plan", required=True, ondelete="cascade", index=True, check_company=True
    )
    user_id = fields.Many2one("res.users", string="Salesperson", required=True, index=True)
    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True, check_company=True
    )
    rule_id = fields.Many2one("crm.visit.plan.rule", ondelete="set null", check_company=True)
    company_id = fields.Many2one("res.company", required=True, index=True)
    date_start = fields.Datetime(string="Planned At", required=True)
    date_end = fields.Datetime(string="Until", required=True)
    state = fields.Selection(VISIT_STATES, required=True, default="planned", index=True)
    event_id = fields.Many2one("calendar.event", ondelete="set null", index="btree_not_null")
    activity_id = fields.Many2one("mail.activity", ondelete="set null", index="btree_not_null")
    done_date = fields.Datetime(string="Visited On", readonly=True)

    def action_mark_done(self):
        self.write({"state": "done", "done_date": fields.Datetime.now()})
        return True

    def action_reset(self):
        self.write({"state": "planned", "done_date": False})
        return True

    @api.model
    def _cron_flag_missed(self):
        """Daily: visits still planned a day after their slot are missed (one UPDATE);
        their customers show the missed-visit flag."""
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """UPDATE crm_visit_plan_line
                      SET state = 'missed', write_date = now() AT TIME ZONE 'UTC'
                    WHERE state = 'planned' AND date_end < %s""",
                fields.Datetime.subtract(fields.Datetime.now(), days=1),
            )
        )
        self.invalidate_model(["state"])
