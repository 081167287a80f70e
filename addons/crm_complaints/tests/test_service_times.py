from datetime import datetime

from freezegun import freeze_time

from odoo.tests import HttpCase, new_test_user, tagged

from .common import ComplaintCase

FRIDAY_3PM = datetime(2026, 3, 6, 15, 0)


@tagged("post_install", "-at_install")
class TestServiceTimes(HttpCase, ComplaintCase):
    """First response and resolution times in the team's working hours (Mon-Fri 8-12 and
    13-17 UTC), the weekend and a public holiday left out; the customer's portal page says
    how soon a complaint of its priority is answered."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["crm.complaint.sla"].search([]).active = False
        cls.policy = cls.env["crm.complaint.sla"].create(
            {
                "name": "Times test",
                "team_id": cls.team.id,
                "priority": "0",
                "first_response_hours": 4,
                "resolution_hours": 16,
            }
        )
        # Monday 9 March 2026: a public holiday (a leave of the calendar, no resource)
        cls.env["resource.calendar.leaves"].create(
            {
                "name": "Public holiday",
                "calendar_id": cls.calendar.id,
                "date_from": datetime(2026, 3, 9, 0, 0),
                "date_to": datetime(2026, 3, 9, 23, 59),
            }
        )

    def test_times_across_a_weekend_and_a_holiday(self):
        with freeze_time(FRIDAY_3PM):
            complaint = self.complaint(user_id=self.agent.id)
        with freeze_time(datetime(2026, 3, 10, 10, 0)):
            complaint.with_user(self.agent).message_post(
                body="We are on it.", message_type="comment", subtype_xmlid="mail.mt_comment"
            )
        # Friday 15-17, Tuesday 8-10; the wall clock says 91 hours
        self.assertAlmostEqual(complaint.first_response_work_hours, 4.0)
        self.assertAlmostEqual(complaint.first_response_hours, 91.0)
        with freeze_time(datetime(2026, 3, 10, 15, 0)):
            complaint.resolution = "<p>New chair sent</p>"
            complaint.action_resolve()
        # Friday 15-17, Tuesday 8-12 and 13-15
        self.assertAlmostEqual(complaint.resolution_work_hours, 8.0)
        self.assertAlmostEqual(complaint.resolution_hours, 96.0)
        # per agent and team, as the reports read them
        groups = self.env["crm.complaint"]._read_group(
            [("id", "=", complaint.id)],
            ["team_id", "user_id"],
            ["first_response_work_hours:avg", "resolution_work_hours:avg"],
        )
        self.assertEqual(groups, [(self.team, self.agent, 4.0, 8.0)])

    def test_portal_tells_the_expected_response_time(self):
        portal = new_test_user(self.env, "cmp_times_portal", groups="base.group_portal")
        complaint = self.complaint(partner_id=portal.partner_id.id)
        self.assertEqual(complaint.sla_policy_id, self.policy)
        self.authenticate(portal.login, portal.login)
        page = self.url_open(f"/my/complaints/{complaint.id}").text
        self.assertIn("We answer complaints of normal priority within 4 working hours", page)
        # answered: no promise left to keep
        complaint.with_user(self.agent).message_post(
            body="Hello", message_type="comment", subtype_xmlid="mail.mt_comment"
        )
        page = self.url_open(f"/my/complaints/{complaint.id}").text
        self.assertNotIn("o_crm_complaint_promise", page)
