import logging
from collections import defaultdict

from markupsafe import Markup

from odoo import fields, models
from odoo.tools import SQL

from .crm_complaint_sla_mixin import OPEN_STATES

_logger = logging.getLogger(__name__)
# (complaint, step) pairs escalated per cron call: a backlog is worked off in batches, each
# in its own transaction, the scheduler calling again while some are left
ESCALATION_BATCH = 2000


class CrmComplaintEscalation(models.Model):
    """One step of a policy's escalation ladder: when a complaint's warning or deadline
    (first response or resolution) has passed, plus a delay, do the step's actions once."""

    _name = "crm.complaint.escalation"
    _description = "Complaint Escalation Step"
    _order = "sla_id, level, id"
    _check_company_auto = True

    sla_id = fields.Many2one("crm.complaint.sla", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="sla_id.company_id", store=True, index=True)
    active = fields.Boolean(default=True)
    level = fields.Integer(default=1, required=True, help="1 for the first step, 2 the next...")
    name = fields.Char(required=True, translate=True)
    target = fields.Selection(
        [("first_response", "First response"), ("resolution", "Resolution")],
        required=True,
        default="resolution",
    )
    trigger = fields.Selection(
        [("warning", "At risk"), ("breach", "Deadline missed")],
        required=True,
        default="breach",
    )
    delay_hours = fields.Float(
        string="Hours After", help="Wall-clock hours after the warning or deadline."
    )
    notify_assignee = fields.Boolean(default=True, help="An activity for the assignee.")
    notify_manager = fields.Boolean(help="A message to the team manager listing the complaints.")
    raise_priority = fields.Boolean(help="One priority level up (up to Urgent).")
    reassign_user_id = fields.Many2one(
        "res.users", string="Reassign To", domain="[('share', '=', False)]", check_company=True
    )
    activity_type_id = fields.Many2one(
        "mail.activity.type",
        default=lambda self: self.env.ref(
            "mail.mail_activity_data_todo", raise_if_not_found=False
        ),
        help="The activity given to the assignee.",
    )

    _sql_constraints = [
        ("level_positive", "CHECK(level > 0)", "An escalation level is 1 or more."),
    ]

    def _cron_sla_escalation(self, batch=ESCALATION_BATCH):
        """The SLA and escalation sweep, set-based, safe to run twice. Returns (statuses
        changed, escalations done, escalations left for the next call).

        1. status: one UPDATE of crm_complaint.sla_status (and the stored sla_breached and
           sla_compliance that follow it) for the open complaints whose status moved
           (reads and writes crm_complaint);
        2. escalation: one INSERT ... SELECT into crm_complaint_escalation_log of the
           (complaint, step) pairs due and not yet done, lowest levels first, at most
           `batch`, RETURNING them (reads crm_complaint, crm_complaint_escalation and the
           log; its unique key makes a second run a no-op); when the batch is full, one
           count of those left, reported to the scheduler (`_notify_progress`), which
           calls again;
        3. actions per step: one UPDATE each for escalation level, priority and assignee
           (crm_complaint), the SLA re-planned for the complaints whose priority rose (a
           policy per priority: crm_complaint's deadlines), the new assignees told
           (mail_message, mail_followers), one batch of activities (mail_activity), one
           chatter note per complaint (mail_message, in one batch) and one message per team
           manager.
        """
        Complaint = self.env["crm.complaint"]
        Complaint.flush_model()
        self.flush_model()
        cr = self.env.cr
        now = fields.Datetime.now()
        cr.execute(
            SQL(
                """
                UPDATE crm_complaint c
                   SET sla_status = s.status,
                       sla_breached = s.status = 'breached',
                       sla_compliance = CASE WHEN s.status = 'breached' THEN 0 ELSE 100 END
                  FROM (SELECT id, CASE
                           WHEN sla_status = 'breached'
                             OR (date_first_response IS NULL
                                 AND sla_first_response_deadline < %(now)s)
                             OR sla_resolution_deadline < %(now)s THEN 'breached'
                           WHEN (date_first_response IS NULL
                                 AND sla_first_response_warning < %(now)s)
                             OR sla_resolution_warning < %(now)s THEN 'at_risk'
                           ELSE 'on_time' END AS status
                          FROM crm_complaint
                         WHERE state IN %(open)s AND active
                           AND sla_policy_id IS NOT NULL AND sla_paused_since IS NULL) s
                 WHERE c.id = s.id AND c.sla_status IS DISTINCT FROM s.status
                """,
                now=now,
                open=OPEN_STATES,
            )
        )
        status_changed = cr.rowcount
        due = SQL(
            """
              FROM crm_complaint c
              JOIN crm_complaint_escalation s ON s.sla_id = c.sla_policy_id AND s.active
             WHERE c.state IN %(open)s AND c.active AND c.sla_paused_since IS NULL
               AND CASE s.target
                     WHEN 'first_response' THEN CASE WHEN c.date_first_response IS NULL THEN
                         CASE s.trigger WHEN 'warning' THEN c.sla_first_response_warning
                                        ELSE c.sla_first_response_deadline END END
                     ELSE CASE s.trigger WHEN 'warning' THEN c.sla_resolution_warning
                                         ELSE c.sla_resolution_deadline END
                   END + make_interval(secs => COALESCE(s.delay_hours, 0) * 3600) <= %(now)s
               AND NOT EXISTS (SELECT 1 FROM crm_complaint_escalation_log l
                                WHERE l.complaint_id = c.id AND l.step_id = s.id)
            """,
            now=now,
            open=OPEN_STATES,
        )
        cr.execute(
            SQL(
                """
                INSERT INTO crm_complaint_escalation_log (complaint_id, step_id, level, date)
                SELECT c.id, s.id, s.level, %(now)s %(due)s
                 ORDER BY s.level, c.id
                 LIMIT %(batch)s
                ON CONFLICT (complaint_id, step_id) DO NOTHING
                RETURNING complaint_id, step_id
                """,
                now=now,
                due=due,
                batch=batch,
            )
        )
        rows = cr.fetchall()
        remaining = 0
        if len(rows) >= batch:
            cr.execute(SQL("SELECT count(*) %s", due))
            remaining = cr.fetchone()[0]
        by_step = defaultdict(list)
        for complaint_id, step_id in rows:
            by_step[step_id].append(complaint_id)
        for step in self.browse(by_step).sorted("level"):
            step._run(Complaint.browse(by_step[step.id]))
        Complaint.invalidate_model()
        self.env["ir.cron"]._notify_progress(done=len(rows), remaining=remaining)
        _logger.info(
            "SLA sweep: %d statuses changed, %d escalations, %d left",
            status_changed,
            len(rows),
            remaining,
        )
        return status_changed, len(rows), remaining

    def _run(self, complaints):
        """This step's actions on `complaints` (just escalated by it), set-based."""
        self.ensure_one()
        cr = self.env.cr
        ids = tuple(complaints.ids)
        cr.execute(
            SQL(
                "UPDATE crm_complaint SET escalation_level = GREATEST(escalation_level, %s)"
                " WHERE id IN %s",
                self.level,
                ids,
            )
        )
        raised = reassigned = complaints.browse()
        if self.raise_priority:
            cr.execute(
                SQL(
                    "UPDATE crm_complaint SET priority = LEAST(priority::int + 1, 3)::varchar"
                    " WHERE id IN %s AND priority < '3' RETURNING id",
                    ids,
                )
            )
            raised = complaints.browse(row[0] for row in cr.fetchall())
        if self.reassign_user_id:
            cr.execute(
                SQL(
                    "UPDATE crm_complaint SET user_id = %s"
                    " WHERE id IN %s AND user_id IS DISTINCT FROM %s RETURNING id",
                    self.reassign_user_id.id,
                    ids,
                    self.reassign_user_id.id,
                )
            )
            reassigned = complaints.browse(row[0] for row in cr.fetchall())
        complaints.invalidate_recordset(["escalation_level", "priority", "user_id"])
        # a higher priority may have a tighter policy: its deadlines from the clock's start
        raised._sla_apply()
        reassigned._notify_assignee()
        # one read for the batch of what the notes and activities show (an activity
        # computes its document's name record by record)
        complaints.fetch(["name", "subject", "user_id", "team_id"])
        body = Markup("<p>%s</p>") % self.env._(
            "Escalated (level %(level)s): %(step)s", level=self.level, step=self.name
        )
        complaints._message_log_batch({complaint.id: body for complaint in complaints})
        if self.notify_assignee and self.activity_type_id:
            model_id = self.env["ir.model"]._get_id("crm.complaint")
            today = fields.Date.context_today(self)
            self.env["mail.activity"].with_context(mail_activity_quick_update=True).create(
                [
                    {
                        "res_model_id": model_id,
                        "res_id": complaint.id,
                        "activity_type_id": self.activity_type_id.id,
                        "summary": self.env._("Escalated: %(step)s", step=self.name),
                        "user_id": complaint.user_id.id or complaint.team_id.user_id.id,
                        "date_deadline": today,
                    }
                    for complaint in complaints
                    if complaint.user_id or complaint.team_id.user_id
                ]
            )
        if self.notify_manager:
            for manager, team_complaints in complaints.grouped(
                lambda c: c.team_id.user_id
            ).items():
                if manager:
                    self._notify_manager(manager, team_complaints)

    def _notify_manager(self, manager, complaints):
        """One message to the manager listing the complaints this step escalated."""
        refs = ", ".join(complaints.sorted("id")[:50].mapped("name"))
        more = len(complaints) - 50
        body = Markup("<p>%s</p>") % self.env._(
            "%(count)s complaints escalated (%(step)s): %(refs)s",
            count=len(complaints),
            step=self.name,
            refs=refs + (f" (+{more})" if more > 0 else ""),
        )
        self.env["mail.thread"].message_notify(
            partner_ids=manager.partner_id.ids,
            subject=self.env._("Complaints escalated: %(step)s", step=self.name),
            body=body,
        )


class CrmComplaintEscalationLog(models.Model):
    """Which escalation step was done on which complaint, and when: each step runs once."""

    _name = "crm.complaint.escalation.log"
    _description = "Complaint Escalation Log"
    _order = "date desc, id desc"
    _log_access = False

    complaint_id = fields.Many2one("crm.complaint", required=True, ondelete="cascade")
    step_id = fields.Many2one(
        "crm.complaint.escalation", required=True, index=True, ondelete="cascade"
    )
    level = fields.Integer(readonly=True)
    date = fields.Datetime(readonly=True)

    _sql_constraints = [
        (
            "complaint_step_unique",
            "UNIQUE(complaint_id, step_id)",
            "An escalation step runs once per complaint.",
        ),
    ]
