from odoo import api, fields, models
from odoo.tools import SQL

VISIT_STATES = [("planned", "Planned"), ("done", "Done"), ("missed", "Missed")]


class CrmVisitPlanLine(models.Model):
    _name = "crm.visit.plan.line"
    _description = "Planned Visit"
    _order = "date_start, sequence, id"
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
    visit_day = fields.Date(string="Day", index=True)
    sequence = fields.Integer(
        string="Order in the Day", help="Position of the visit in the day's round."
    )
    travel_time = fields.Float(
        string="Travel Before",
        help="Travel time (hours) from the previous visit of the day, or from where the day "
        "starts.",
    )
    routed = fields.Boolean(
        string="On the Route",
        default=True,
        help="Off the route: the customer has no coordinates; the visit comes after the "
        "routed visits of its day and its travel time is not counted.",
    )
    state = fields.Selection(VISIT_STATES, required=True, default="planned", index=True)
    event_id = fields.Many2one("calendar.event", ondelete="set null", index="btree_not_null")
    activity_id = fields.Many2one("mail.activity", ondelete="set null", index="btree_not_null")
    done_date = fields.Datetime(string="Visited On", readonly=True)
    visited_after = fields.Boolean(
        string="Visited Since",
        readonly=True,
        help="This visit was missed, and the customer has been visited since: they are no "
        "longer flagged as not visited as planned.",
    )

    def write(self, vals):
        result = super().write(vals)
        if vals.get("state") == "done":
            self._clear_missed(self.partner_id.ids)
        return result

    def action_mark_done(self):
        self.write({"state": "done", "done_date": fields.Datetime.now()})
        return True

    @api.model
    def _clear_missed(self, partner_ids, moment=None):
        """The customers ``partner_ids`` were visited at ``moment`` (default now): their
        visits missed before it are visited since, which clears their "not visited as
        planned" flag (one UPDATE)."""
        if not partner_ids:
            return
        self.flush_model(["state", "partner_id", "date_start", "visited_after"])
        self.env.cr.execute(
            SQL(
                """UPDATE crm_visit_plan_line
                      SET visited_after = TRUE, write_date = now() AT TIME ZONE 'UTC'
                    WHERE state = 'missed' AND visited_after IS NOT TRUE
                      AND partner_id = ANY(%s) AND date_start < %s""",
                list(partner_ids),
                moment or fields.Datetime.now(),
            )
        )
        self.invalidate_model(["visited_after"])

    def action_reset(self):
        self.write({"state": "planned", "done_date": False})
        return True

    @api.model
    def _cron_flag_missed(self):
        """Daily: visits still planned a day after their slot are missed (one UPDATE);
        their customers show the "not visited as planned" flag, unless a later visit of the
        same customer is already done (then the missed visit is visited since at once)."""
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """UPDATE crm_visit_plan_line line
                      SET state = 'missed', write_date = now() AT TIME ZONE 'UTC',
                          visited_after = EXISTS (
                              SELECT 1 FROM crm_visit_plan_line later
                               WHERE later.partner_id = line.partner_id
                                 AND later.state = 'done'
                                 AND later.done_date > line.date_start)
                    WHERE line.state = 'planned' AND line.date_end < %s""",
                fields.Datetime.subtract(fields.Datetime.now(), days=1),
            )
        )
        self.invalidate_model(["state", "visited_after"])
