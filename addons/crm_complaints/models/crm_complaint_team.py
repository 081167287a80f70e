import ast
from datetime import datetime, time, timedelta

import pytz

from odoo import api, fields, models

from .crm_complaint_sla_mixin import OPEN_STATES


class CrmComplaintTeam(models.Model):
    """A service team: its members, its email alias (a complaint per new email), its
    working hours (the SLA clock) and how new complaints are assigned to its members."""

    _name = "crm.complaint.team"
    _description = "Complaint Team"
    _inherit = ["mail.alias.mixin"]
    _order = "sequence, name"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    color = fields.Integer()
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    user_id = fields.Many2one(
        "res.users",
        string="Team Manager",
        domain="[('share', '=', False)]",
        check_company=True,
        help="Notified by the escalation steps that notify the manager.",
    )
    member_ids = fields.Many2many(
        "res.users",
        "crm_complaint_team_member_rel",
        "team_id",
        "user_id",
        string="Members",
        domain="[('share', '=', False)]",
    )
    resource_calendar_id = fields.Many2one(
        "resource.calendar",
        string="Working Hours",
        default=lambda self: self.env.company.resource_calendar_id,
        check_company=True,
        help="SLA deadlines count these hours only; the calendar's public holidays (leaves "
        "without a resource) are skipped.",
    )
    assignment_method = fields.Selection(
        [
            ("manual", "Manually"),
            ("round_robin", "Each member in turn"),
            ("least_loaded", "Member with the fewest open complaints"),
        ],
        default="round_robin",
        required=True,
        help="New complaints go only to members at work today (their working hours and "
        "time off).",
    )
    last_assigned_user_id = fields.Many2one("res.users", readonly=True)
    unknown_sender = fields.Selection(
        [
            ("contact", "Create a contact"),
            ("pending", "Keep the complaint pending until someone links a contact"),
        ],
        string="Emails from Unknown Senders",
        default="contact",
        required=True,
    )
    require_root_cause = fields.Boolean(
        default=True, help="A complaint needs a root cause to be resolved."
    )
    complaint_ids = fields.One2many("crm.complaint", "team_id")
    open_count = fields.Integer(compute="_compute_counts")
    unassigned_count = fields.Integer(compute="_compute_counts")
    at_risk_count = fields.Integer(compute="_compute_counts")
    breached_count = fields.Integer(compute="_compute_counts")

    @api.depends("complaint_ids.state", "complaint_ids.sla_status", "complaint_ids.user_id")
    def _compute_counts(self):
        groups = self.env["crm.complaint"]._read_group(
            [("team_id", "in", self.ids), ("state", "in", OPEN_STATES)],
            ["team_id", "sla_status", "user_id"],
            ["__count"],
        )
        counts = {
            team: dict.fromkeys(("open", "unassigned", "at_risk", "breached"), 0) for team in self
        }
        for team, status, user, count in groups:
            counts[team]["open"] += count
            if not user:
                counts[team]["unassigned"] += count
            if status in ("at_risk", "breached"):
                counts[team][status] += count
        for team in self:
            team.open_count = counts[team]["open"]
            team.unassigned_count = counts[team]["unassigned"]
            team.at_risk_count = counts[team]["at_risk"]
            team.breached_count = counts[team]["breached"]

    def _alias_get_creation_values(self):
        values = super()._alias_get_creation_values()
        values["alias_model_id"] = self.env["ir.model"]._get("crm.complaint").id
        values["alias_contact"] = "everyone"
        if self.id:
            values["alias_defaults"] = defaults = ast.literal_eval(self.alias_defaults or "{}")
            defaults["team_id"] = self.id
            defaults["company_id"] = self.company_id.id
        return values

    def action_open_complaints(self):
        self.ensure_one()
        self.check_access("read")
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "crm_complaints.crm_complaint_action"
        )
        action["domain"] = [("team_id", "=", self.id)]
        action["context"] = {"default_team_id": self.id, "search_default_open": 1}
        return action

    def _members_at_work(self, day=None):
        """The members who work on `day` (today by default): a working interval in their
        own calendar (or the team's), time off and public holidays taken out."""
        self.ensure_one()
        members = self.member_ids.filtered("active")
        if not members:
            return members
        calendar = self.resource_calendar_id or self.company_id.resource_calendar_id
        tz = pytz.timezone(calendar.tz or "UTC")
        day = day or fields.Datetime.now().astimezone(tz).date()
        start = tz.localize(datetime.combine(day, time.min))
        end = start + timedelta(days=1)
        resources = members.resource_ids.filtered(lambda r: r.company_id == self.company_id)
        at_work = self.env["res.users"]
        with_resource = self.env["res.users"]
        for resource in resources:
            own = resource.calendar_id or calendar
            intervals = own._work_intervals_batch(start, end, resources=resource)[resource.id]
            with_resource |= resource.user_id
            if any(stop > begin for begin, stop, _meta in intervals):
                at_work |= resource.user_id
        # members without a resource in this company follow the team's calendar
        others = members - with_resource
        if others and calendar._work_intervals_batch(start, end)[False]:
            at_work |= others
        return at_work & members

    def _pick_assignee(self, day=None):
        """The member a new complaint goes to, by the team's method, among those at work."""
        self.ensure_one()
        if self.assignment_method == "manual":
            return self.env["res.users"]
        candidates = self._members_at_work(day).sorted("id")
        if not candidates:
            return candidates
        if self.assignment_method == "least_loaded":
            load = dict(
                self.env["crm.complaint"]
                .sudo()
                ._read_group(
                    [("user_id", "in", candidates.ids), ("state", "in", OPEN_STATES)],
                    ["user_id"],
                    ["__count"],
                )
            )
            return min(candidates, key=lambda user: (load.get(user, 0), user.id))
        after = candidates.filtered(lambda user: user.id > self.last_assigned_user_id.id)
        return (after or candidates)[0]

    def _assign(self, complaints):
        """Assign unassigned complaints of this team, one by one (each pick sees the
        previous one), and tell each assignee, not the customer."""
        self.ensure_one()
        for complaint in complaints.filtered(lambda c: not c.user_id):
            user = self._pick_assignee()
            if not user:
                continue
            # the write tells the assignee (crm.complaint.write)
            complaint.user_id = user
            self.sudo().last_assigned_user_id = user
