from datetime import datetime

from freezegun import freeze_time

from odoo.tests import tagged

from .common import ComplaintCase

FRIDAY_3PM = datetime(2026, 3, 6, 15, 0)


@tagged("post_install", "-at_install")
class TestSla(ComplaintCase):
    """Deadlines in the team's working hours (Mon-Fri 8-12 and 13-17 UTC), weekends and
    public holidays skipped; re-planned on a priority change; paused while waiting for the
    customer; statuses and each escalation step from the set-based cron."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["crm.complaint.sla"].search([]).active = False
        cls.policy = cls.env["crm.complaint.sla"].create(
            {
                "name": "Test standard",
                "team_id": cls.team.id,
                "first_response_hours": 4,
                "resolution_hours": 16,
                "at_risk_percent": 50,
            }
        )
        cls.urgent = cls.env["crm.complaint.sla"].create(
            {
                "name": "Test urgent",
                "team_id": cls.team.id,
                "priority": "3",
                "first_response_hours": 1,
                "resolution_hours": 8,
            }
        )

    def new_complaint(self, **values):
        with freeze_time(FRIDAY_3PM):
            return self.complaint(**values)

    def test_deadlines_skip_the_weekend(self):
        complaint = self.new_complaint()
        self.assertEqual(complaint.sla_policy_id, self.policy)
        # Friday 15-17 (2 h), then Monday 8-10
        self.assertEqual(complaint.sla_first_response_deadline, datetime(2026, 3, 9, 10, 0))
        # Friday 2 h, Monday 8 h, Tuesday 8-12 and 13-15
        self.assertEqual(complaint.sla_resolution_deadline, datetime(2026, 3, 10, 15, 0))
        # at risk after half: 8 h -> Monday 15:00
        self.assertEqual(complaint.sla_resolution_warning, datetime(2026, 3, 9, 15, 0))
        self.assertEqual(complaint.sla_status, "on_time")

    def test_deadlines_skip_public_holidays(self):
        self.env["resource.calendar.leaves"].create(
            {
                "name": "Public holiday",
                "calendar_id": self.calendar.id,
                "date_from": datetime(2026, 3, 9, 0, 0),
                "date_to": datetime(2026, 3, 9, 23, 59),
            }
        )
        complaint = self.new_complaint()
        self.assertEqual(complaint.sla_first_response_deadline, datetime(2026, 3, 10, 10, 0))
        self.assertEqual(complaint.sla_resolution_deadline, datetime(2026, 3, 11, 15, 0))

    def test_priority_change_resets_the_sla(self):
        complaint = self.new_complaint()
        with freeze_time(FRIDAY_3PM):
            complaint.priority = "3"
        self.assertEqual(complaint.sla_policy_id, self.urgent)
        self.assertEqual(complaint.sla_first_response_deadline, datetime(2026, 3, 6, 16, 0))
        # 8 h from Friday 15:00: Friday 2 h, Monday 6 h -> Monday 15:00
        self.assertEqual(complaint.sla_resolution_deadline, datetime(2026, 3, 9, 15, 0))

    def test_clock_pauses_while_waiting_for_the_customer(self):
        complaint = self.new_complaint()
        with freeze_time(datetime(2026, 3, 6, 16, 0)):
            complaint.action_wait_customer()
        self.assertEqual(complaint.sla_paused_since, datetime(2026, 3, 6, 16, 0))
        with freeze_time(datetime(2026, 3, 9, 12, 0)):
            # a breach would have been at Monday 10:00, but the clock is stopped
            self.env["crm.complaint.escalation"]._cron_sla_escalation()
            self.assertEqual(complaint.sla_status, "on_time")
            complaint.action_start()
        # paused Friday 16-17 and Monday 8-12: 5 working hours more (Tuesday 15:00 ->
        # Tuesday 15-17 and Wednesday 8-11)
        self.assertFalse(complaint.sla_paused_since)
        self.assertEqual(complaint.sla_first_response_deadline, datetime(2026, 3, 9, 16, 0))
        self.assertEqual(complaint.sla_resolution_deadline, datetime(2026, 3, 11, 11, 0))

    def test_first_response_stops_its_clock(self):
        complaint = self.new_complaint(user_id=self.agent.id)
        with freeze_time(datetime(2026, 3, 9, 9, 0)):
            complaint.with_user(self.agent).message_post(
                body="We are on it.", message_type="comment", subtype_xmlid="mail.mt_comment"
            )
        self.assertEqual(complaint.date_first_response, datetime(2026, 3, 9, 9, 0))
        with freeze_time(datetime(2026, 3, 9, 11, 0)):
            self.env["crm.complaint.escalation"]._cron_sla_escalation()
        self.assertEqual(complaint.sla_status, "on_time")
        # an internal note is not an answer to the customer
        late = self.new_complaint()
        late.with_user(self.agent).message_post(body="note", subtype_xmlid="mail.mt_note")
        self.assertFalse(late.date_first_response)

    def test_statuses_and_escalation_ladder(self):
        self.policy.escalation_ids = [
            (
                0,
                0,
                {
                    "level": 1,
                    "name": "Half way",
                    "trigger": "warning",
                    "target": "resolution",
                    "notify_assignee": True,
                },
            ),
            (
                0,
                0,
                {
                    "level": 2,
                    "name": "Overdue",
                    "trigger": "breach",
                    "target": "resolution",
                    "notify_assignee": False,
                    "notify_manager": True,
                    "raise_priority": True,
                },
            ),
            (
                0,
                0,
                {
                    "level": 3,
                    "name": "A day overdue",
                    "trigger": "breach",
                    "target": "resolution",
                    "delay_hours": 24,
                    "notify_assignee": False,
                    "reassign_user_id": self.agent2.id,
                },
            ),
        ]
        complaint = self.new_complaint(user_id=self.agent.id)
        complaint.date_first_response = FRIDAY_3PM
        cron = self.env["crm.complaint.escalation"]._cron_sla_escalation

        with freeze_time(datetime(2026, 3, 9, 16, 30)):  # past the warning
            cron()
        self.assertEqual(complaint.sla_status, "at_risk")
        self.assertEqual(complaint.escalation_level, 1)
        activity = complaint.activity_ids
        self.assertEqual(activity.user_id, self.agent)
        self.assertIn("Half way", activity.summary)
        self.assertIn("Escalated (level 1)", complaint.message_ids[0].body)

        with freeze_time(datetime(2026, 3, 10, 15, 30)):  # past the deadline
            cron()
            self.assertEqual(cron(), (0, 0, 0), "a second run does nothing")
        self.assertEqual(complaint.sla_status, "breached")
        self.assertTrue(complaint.sla_breached)
        self.assertEqual(complaint.sla_compliance, 0.0)
        self.assertEqual(complaint.escalation_level, 2)
        self.assertEqual(complaint.priority, "1")
        to_manager = self.env["mail.message"].search(
            [("partner_ids", "in", self.manager.partner_id.id), ("subject", "like", "Overdue")]
        )
        self.assertEqual(len(to_manager), 1)
        self.assertIn(complaint.name, to_manager.body)
        self.assertEqual(complaint.user_id, self.agent)

        with freeze_time(datetime(2026, 3, 11, 15, 30)):  # a day later
            cron()
        self.assertEqual(complaint.escalation_level, 3)
        self.assertEqual(complaint.user_id, self.agent2)
        self.assertEqual(
            self.env["crm.complaint.escalation.log"].search_count(
                [("complaint_id", "=", complaint.id)]
            ),
            3,
        )

    def test_resolution_in_time_or_late(self):
        on_time = self.new_complaint(resolution="<p>Fixed.</p>")
        with freeze_time(datetime(2026, 3, 9, 9, 0)):
            on_time.action_resolve()
            self.env["crm.complaint.escalation"]._cron_sla_escalation()
        self.assertEqual(on_time.sla_status, "on_time")
        self.assertAlmostEqual(on_time.resolution_hours, 66.0)
        late = self.new_complaint(resolution="<p>Fixed, late.</p>")
        with freeze_time(datetime(2026, 3, 11, 9, 0)):
            late.action_resolve()
        self.assertEqual(late.sla_status, "breached")

    def test_a_backlog_is_escalated_in_batches(self):
        self.policy.escalation_ids = [
            (0, 0, {"level": 1, "name": "Overdue", "trigger": "breach", "target": "resolution"})
        ]
        first, second = self.new_complaint(), self.new_complaint()
        cron = self.env["crm.complaint.escalation"]._cron_sla_escalation
        with freeze_time(datetime(2026, 3, 12, 9, 0)):
            self.assertEqual(cron(batch=1), (2, 1, 1), "one done, one left for the next call")
            self.assertEqual(first.escalation_level, 1)
            self.assertEqual(second.escalation_level, 0)
            self.assertEqual(cron(batch=1), (0, 1, 0))
            self.assertEqual(second.escalation_level, 1)
            self.assertEqual(cron(batch=1), (0, 0, 0))
