from odoo import api, fields, models

SLA_STATUSES = [("on_time", "On time"), ("at_risk", "At risk"), ("breached", "Breached")]
# stage kinds in which a complaint counts as open (followed, under SLA)
OPEN_STATES = ("new", "in_progress", "waiting")

# the SLA is the service team's business, not the customer's
INTERNAL = "crm_complaints.group_crm_complaints_user"

SLA_DATES = (
    "sla_first_response_deadline",
    "sla_first_response_warning",
    "sla_resolution_deadline",
    "sla_resolution_warning",
)


class CrmComplaintSlaMixin(models.AbstractModel):
    """The SLA clock of a complaint: deadlines set on creation and re-set when the priority,
    team or category changes, paused while waiting for the customer, the status kept by the
    set-based cron of crm.complaint.escalation. Mixed into crm.complaint only."""

    _name = "crm.complaint.sla.mixin"
    _description = "Complaint SLA Clock"

    sla_policy_id = fields.Many2one(
        "crm.complaint.sla", string="SLA Policy", readonly=True, copy=False, groups=INTERNAL
    )
    sla_start = fields.Datetime(
        string="SLA Clock Start", readonly=True, copy=False, groups=INTERNAL
    )
    sla_first_response_deadline = fields.Datetime(
        string="First Response Due", readonly=True, copy=False, groups=INTERNAL
    )
    sla_first_response_warning = fields.Datetime(readonly=True, copy=False, groups=INTERNAL)
    sla_resolution_deadline = fields.Datetime(
        string="Resolution Due", readonly=True, copy=False, index=True, groups=INTERNAL
    )
    sla_resolution_warning = fields.Datetime(readonly=True, copy=False, groups=INTERNAL)
    sla_status = fields.Selection(
        SLA_STATUSES, string="SLA Status", readonly=True, copy=False, index=True, groups=INTERNAL
    )
    sla_paused_since = fields.Datetime(
        string="SLA Paused Since",
        readonly=True,
        copy=False,
        groups=INTERNAL,
        help="The SLA clock stops while the complaint waits for the customer.",
    )
    escalation_level = fields.Integer(readonly=True, copy=False, groups=INTERNAL)
    first_response_hours = fields.Float(
        string="Hours to First Response",
        readonly=True,
        copy=False,
        aggregator="avg",
        groups=INTERNAL,
        help="Wall-clock hours from the complaint to the first answer to the customer.",
    )
    resolution_hours = fields.Float(
        string="Hours to Resolution",
        readonly=True,
        copy=False,
        aggregator="avg",
        groups=INTERNAL,
        help="Wall-clock hours from the complaint to its resolution.",
    )
    first_response_work_hours = fields.Float(
        string="Working Hours to First Response",
        readonly=True,
        copy=False,
        aggregator="avg",
        groups=INTERNAL,
        help="Hours of the team's working time (public holidays skipped) from the complaint "
        "to the first answer to the customer.",
    )
    resolution_work_hours = fields.Float(
        string="Working Hours to Resolution",
        readonly=True,
        copy=False,
        aggregator="avg",
        groups=INTERNAL,
        help="Hours of the team's working time (public holidays skipped) from the complaint "
        "to its resolution.",
    )
    sla_breached = fields.Boolean(
        string="SLA Breached",
        compute="_compute_sla_breached",
        store=True,
        aggregator="sum",
        groups=INTERNAL,
    )

    sla_compliance = fields.Float(
        string="SLA Compliance (%)",
        compute="_compute_sla_breached",
        store=True,
        aggregator="avg",
        groups=INTERNAL,
        help="100 for a complaint within its SLA, 0 for a breached one: averaged in the "
        "reports, the share of complaints handled in time.",
    )

    @api.depends("sla_status")
    def _compute_sla_breached(self):
        for complaint in self:
            complaint.sla_breached = complaint.sla_status == "breached"
            complaint.sla_compliance = 0.0 if complaint.sla_breached else 100.0

    @api.model_create_multi
    def create(self, vals_list):
        complaints = super().create(vals_list)
        complaints._sla_apply()
        for team, team_complaints in complaints.grouped("team_id").items():
            if team:
                team._assign(team_complaints)
        return complaints

    def _sla_calendar(self):
        self.ensure_one()
        return self.team_id.resource_calendar_id or self.company_id.resource_calendar_id

    def _sla_work_hours(self, start, end):
        """The working hours of the complaint's calendar between `start` and `end` (naive
        UTC), public holidays (leaves without a resource) taken out; wall-clock hours without
        a calendar."""
        self.ensure_one()
        if not start or not end or end <= start:
            return 0.0
        calendar = self._sla_calendar()
        if not calendar:
            return (end - start).total_seconds() / 3600
        return calendar.get_work_hours_count(start, end, compute_leaves=True)

    def _portal_response_promise(self):
        """What the portal tells the customer of this complaint: how soon the team answers a
        complaint of its priority (the first-response target of its SLA policy, in working
        hours); empty once answered, or without a policy. Read as the system: the SLA is
        not the customer's to read."""
        self.ensure_one()
        complaint = self.sudo()
        policy = complaint.sla_policy_id
        if not policy or complaint.date_first_response or complaint.state not in OPEN_STATES:
            return ""
        hours = f"{policy.first_response_hours:g}"
        priority = dict(complaint._fields["priority"]._description_selection(self.env)).get(
            complaint.priority, ""
        )
        return self.env._(
            "We answer complaints of %(priority)s priority within %(hours)s working hours.",
            priority=priority.lower(),
            hours=hours,
        )

    def _sla_apply(self):
        """Match each open complaint's policy and set its deadlines from the SLA clock's start
        (the complaint's creation), then its status."""
        now = fields.Datetime.now()
        for complaint in self.filtered(lambda c: c.state in OPEN_STATES):
            policy = self.env["crm.complaint.sla"].sudo()._match(complaint)
            start = complaint.sla_start or complaint.create_date or now
            values = {"sla_policy_id": policy.id, "sla_start": start}
            if policy:
                values.update(policy._deadlines(complaint._sla_calendar(), start))
                if complaint.sla_paused_since:
                    values.update(complaint._sla_shifted(values, now))
            else:
                values.update(dict.fromkeys(SLA_DATES, False))
            super(CrmComplaintSlaMixin, complaint).write(values)
        self._sla_refresh_status()
        return True

    def _sla_shifted(self, deadlines, now):
        """The deadlines moved by the working hours spent waiting for the customer."""
        self.ensure_one()
        calendar = self._sla_calendar()
        paused = (
            calendar.get_work_hours_count(self.sla_paused_since, now)
            if calendar
            else ((now - self.sla_paused_since).total_seconds() / 3600)
        )
        shifted = {}
        for name in SLA_DATES:
            if deadlines.get(name) and deadlines[name] > self.sla_paused_since:
                shifted[name] = self.sla_policy_id._plan(calendar, deadlines[name], paused)
        return shifted

    def _sla_on_state_change(self, old, new):
        """Pause the clock when waiting for the customer, resume it (deadlines moved by the
        paused working hours) when the complaint moves on; record the time to resolution."""
        self.ensure_one()
        now = fields.Datetime.now()
        values = {}
        if new == "waiting" and not self.sla_paused_since:
            values["sla_paused_since"] = now
        elif old == "waiting" and self.sla_paused_since:
            current = {name: self[name] for name in SLA_DATES}
            values.update(self._sla_shifted(current, now), sla_paused_since=False)
        if new == "resolved" or (new == "closed" and old != "resolved"):
            start = self.sla_start or self.create_date
            values["resolution_hours"] = (now - start).total_seconds() / 3600
            values["resolution_work_hours"] = self._sla_work_hours(start, now)
        if values:
            super().write(values)
        self._sla_refresh_status()
        return True

    def _sla_refresh_status(self):
        """The status of these complaints now (the cron does the same for every complaint,
        in SQL): breached once a deadline is missed, at risk once a warning has passed."""
        now = fields.Datetime.now()
        for complaint in self:
            if not complaint.sla_policy_id or complaint.sla_paused_since:
                continue
            status = complaint._sla_status_at(now)
            if status != complaint.sla_status:
                super(CrmComplaintSlaMixin, complaint).write({"sla_status": status})
        return True

    def _sla_status_at(self, now):
        self.ensure_one()
        if self.sla_status == "breached":
            return "breached"
        answered = self.date_first_response
        done = self.date_resolved if self.state in ("resolved", "closed") else None
        first_due, res_due = self.sla_first_response_deadline, self.sla_resolution_deadline
        if (first_due and (answered or now) > first_due) or (res_due and (done or now) > res_due):
            return "breached"
        if done:
            return "on_time"
        if (
            not answered
            and self.sla_first_response_warning
            and now > self.sla_first_response_warning
        ) or (self.sla_resolution_warning and now > self.sla_resolution_warning):
            return "at_risk"
        return "on_time"

    def _message_post_after_hook(self, message, msg_vals):
        """The first public answer of an employee to the customer stops the first-response
        clock (the acknowledgement, in the company's name, is not one). Read as the system:
        a customer's post runs this too, and the SLA is not theirs to read."""
        result = super()._message_post_after_hook(message, msg_vals)
        complaint = self.sudo()
        message = message.sudo()
        comment = self.env.ref("mail.mt_comment")
        author = message.author_id
        if (
            not complaint.date_first_response
            and message.message_type in ("comment", "email")
            and message.subtype_id == comment
            and author
            and author != complaint.partner_id
            and author.user_ids
            and not author.user_ids[0].share
        ):
            now = fields.Datetime.now()
            start = complaint.sla_start or complaint.create_date or now
            super(CrmComplaintSlaMixin, complaint).write(
                {
                    "date_first_response": now,
                    "first_response_hours": (now - start).total_seconds() / 3600,
                    "first_response_work_hours": complaint._sla_work_hours(start, now),
                }
            )
            complaint._sla_refresh_status()
        return result
