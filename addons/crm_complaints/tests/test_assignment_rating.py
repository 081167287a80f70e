from datetime import datetime

from freezegun import freeze_time

from odoo.tests import tagged

from .common import ComplaintCase

MONDAY = datetime(2026, 3, 9, 10, 0)
SATURDAY = datetime(2026, 3, 7, 10, 0)


@tagged("post_install", "-at_install")
class TestAssignment(ComplaintCase):
    """New complaints go to the team's members at work today, in turn or to the least
    loaded; the assignee is told, the customer is not."""

    def on_leave_today(self, user):
        resource = self.env["resource.resource"].create(
            {"name": user.name, "user_id": user.id, "calendar_id": self.calendar.id}
        )
        self.env["resource.calendar.leaves"].create(
            {
                "name": "Day off",
                "calendar_id": self.calendar.id,
                "resource_id": resource.id,
                "date_from": datetime(2026, 3, 9, 0, 0),
                "date_to": datetime(2026, 3, 9, 23, 59),
            }
        )

    def test_round_robin_in_turn(self):
        self.team.assignment_method = "round_robin"
        first, second = (self.agent | self.agent2).sorted("id")
        with freeze_time(MONDAY):
            assignees = [self.complaint().user_id for _i in range(3)]
        self.assertEqual(assignees, [first, second, first])

    def test_only_members_at_work(self):
        self.team.assignment_method = "round_robin"
        self.on_leave_today(self.agent2)
        with freeze_time(MONDAY):
            assignees = {self.complaint().user_id for _i in range(3)}
        self.assertEqual(assignees, {self.agent})
        with freeze_time(SATURDAY):
            self.assertFalse(self.complaint().user_id, "nobody works on Saturdays")

    def test_least_loaded(self):
        self.team.assignment_method = "least_loaded"
        self.complaint(user_id=self.agent.id)
        self.complaint(user_id=self.agent.id)
        self.complaint(user_id=self.agent2.id)
        with freeze_time(MONDAY):
            self.assertEqual(self.complaint().user_id, self.agent2)
            self.assertEqual(self.complaint().user_id, self.agent)

    def test_assignee_is_notified_not_the_customer(self):
        self.team.assignment_method = "round_robin"
        with freeze_time(MONDAY):
            complaint = self.complaint()
        notification = self.env["mail.message"].search(
            [
                ("model", "=", "crm.complaint"),
                ("res_id", "=", complaint.id),
                ("message_type", "=", "user_notification"),
            ]
        )
        self.assertEqual(notification.partner_ids, complaint.user_id.partner_id)
        self.assertNotIn(self.customer, notification.partner_ids)
        self.assertIn(complaint.name, notification.subject)


@tagged("post_install", "-at_install")
class TestRating(ComplaintCase):
    """Closing asks the customer for a rating; a low rating reopens the complaint or gives
    its assignee a follow-up activity, as configured."""

    def closed_complaint(self):
        complaint = self.complaint(user_id=self.agent.id, resolution="<p>Replaced.</p>")
        complaint.action_resolve()
        complaint.action_close()
        return complaint

    def test_closing_asks_for_a_rating(self):
        complaint = self.closed_complaint()
        request = complaint.message_ids.filtered(lambda m: "/rate/" in (m.body or ""))
        self.assertEqual(len(request), 1)
        self.assertTrue(complaint.rating_ids)

    def test_low_rating_reopens(self):
        complaint = self.closed_complaint()
        token = complaint._rating_get_access_token()
        complaint.rating_apply(1, token=token, feedback="Still broken")
        self.assertEqual(complaint.state, "in_progress")
        self.assertEqual(complaint.reopen_count, 1)
        self.assertEqual(complaint.rating_last_value, 1)

    def test_low_rating_activity_when_configured(self):
        self.company.crm_complaint_low_rating_action = "activity"
        complaint = self.closed_complaint()
        complaint.rating_apply(1, token=complaint._rating_get_access_token())
        self.assertEqual(complaint.state, "closed")
        self.assertEqual(complaint.activity_ids.user_id, self.agent)

    def test_good_rating_changes_nothing(self):
        complaint = self.closed_complaint()
        complaint.rating_apply(5, token=complaint._rating_get_access_token())
        self.assertEqual(complaint.state, "closed")
        self.assertFalse(complaint.activity_ids)
