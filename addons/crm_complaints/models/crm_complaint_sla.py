from datetime import UTC, timedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .crm_complaint import PRIORITIES


class CrmComplaintSla(models.Model):
    """A service-level policy: how soon a complaint of a team, category and priority gets a
    first answer and a resolution, in the working hours of the team's calendar, and the
    escalation steps when it is late."""

    _name = "crm.complaint.sla"
    _description = "Complaint SLA Policy"
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", default=lambda self: self.env.company, index=True)
    team_id = fields.Many2one(
        "crm.complaint.team",
        check_company=True,
        help="Empty: every team.",
    )
    category_id = fields.Many2one(
        "crm.complaint.category", check_company=True, help="Empty: every category."
    )
    priority = fields.Selection(PRIORITIES, help="Empty: every priority.")
    first_response_hours = fields.Float(
        string="First Response Within (working hours)", default=8.0
    )
    resolution_hours = fields.Float(string="Resolution Within (working hours)", default=40.0)
    at_risk_percent = fields.Float(
        string="At Risk After (%)",
        default=75.0,
        help="A complaint is at risk once this share of its working hours has gone by.",
    )
    escalation_ids = fields.One2many("crm.complaint.escalation", "sla_id")
    complaint_count = fields.Integer(compute="_compute_complaint_count")

    _sql_constraints = [
        (
            "positive_targets",
            "CHECK(first_response_hours >= 0 AND resolution_hours > 0)",
            "The SLA targets must be positive numbers of working hours.",
        ),
        (
            "at_risk_percent_range",
            "CHECK(at_risk_percent > 0 AND at_risk_percent <= 100)",
            "The at-risk share must be between 1 and 100 percent.",
        ),
    ]

    def _compute_complaint_count(self):
        counts = dict(
            self.env["crm.complaint"]._read_group(
                [("sla_policy_id", "in", self.ids)], ["sla_policy_id"], ["__count"]
            )
        )
        for policy in self:
            policy.complaint_count = counts.get(policy, 0)

    @api.constrains("first_response_hours", "resolution_hours")
    def _check_order_of_targets(self):
        for policy in self:
            if policy.first_response_hours > policy.resolution_hours:
                raise ValidationError(
                    self.env._(
                        "%(policy)s: the first response cannot be due after the resolution;"
                        " lower the first-response target.",
                        policy=policy.name,
                    )
                )

    @api.model
    def _match(self, complaint):
        """The policy of a complaint: among the active policies of its company whose team,
        category and priority are the complaint's or empty, the most specific one (then
        the first by sequence)."""
        categories = [complaint.category_id.id, complaint.subcategory_id.id, False]
        policies = self.search(
            [
                ("company_id", "in", [complaint.company_id.id, False]),
                ("team_id", "in", [complaint.team_id.id, False]),
                ("category_id", "in", categories),
                ("priority", "in", [complaint.priority, False]),
            ]
        )
        if not policies:
            return policies
        return min(
            policies,
            key=lambda p: (
                -(bool(p.team_id) + bool(p.category_id) + bool(p.priority)),
                p.sequence,
                p.id,
            ),
        )

    def _plan(self, calendar, start, hours):
        """`hours` working hours of `calendar` after `start` (naive UTC), public holidays
        (leaves without a resource) skipped; wall-clock hours without a calendar."""
        if hours <= 0:
            return start
        if not calendar:
            return start + timedelta(hours=hours)
        return calendar.plan_hours(hours, start, compute_leaves=True) or (
            start + timedelta(hours=hours)
        )

    def _plan_many(self, calendar, start, hours_list):
        """{hours: the moment `hours` working hours after `start`} for each of `hours_list`,
        from one read of the calendar's working intervals per fortnight (what plan_hours
        would answer for each, public holidays skipped; naive UTC in and out)."""
        pending = sorted({hours for hours in hours_list if hours > 0})
        result = {hours: start for hours in hours_list if hours <= 0}
        if not calendar:
            return result | {hours: start + timedelta(hours=hours) for hours in pending}
        window = start.replace(tzinfo=UTC)
        done = 0.0
        for _fortnight in range(27):  # a year at most
            end = window + timedelta(days=14)
            for begin, stop, _meta in calendar._work_intervals_batch(window, end)[False]:
                length = (stop - begin).total_seconds() / 3600
                while pending and done + length >= pending[0]:
                    hours = pending.pop(0)
                    moment = begin + timedelta(hours=hours - done)
                    result[hours] = moment.astimezone(UTC).replace(tzinfo=None)
                done += length
            if not pending:
                break
            window = end
        # a calendar without working time: wall-clock hours
        return result | {hours: start + timedelta(hours=hours) for hours in pending}

    def _deadlines(self, calendar, start):
        """First-response and resolution deadlines, and the moments each is at risk."""
        self.ensure_one()
        share = self.at_risk_percent / 100.0
        targets = {
            "sla_first_response_deadline": self.first_response_hours,
            "sla_first_response_warning": self.first_response_hours * share,
            "sla_resolution_deadline": self.resolution_hours,
            "sla_resolution_warning": self.resolution_hours * share,
        }
        moments = self._plan_many(calendar, start, list(targets.values()))
        return {name: moments[hours] for name, hours in targets.items()}
