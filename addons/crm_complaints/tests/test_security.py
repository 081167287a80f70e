from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import ComplaintCase


@tagged("post_install", "-at_install")
class TestSecurity(ComplaintCase):
    """Users see their teams' complaints, managers all; configuration is the managers';
    company rules everywhere."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_team = cls.env["crm.complaint.team"].create(
            {"name": "Other Team", "alias_name": "other-team", "assignment_method": "manual"}
        )
        cls.ours = cls.complaint(subject="Ours")
        cls.theirs = cls.complaint(subject="Theirs", team_id=cls.other_team.id)

    def test_users_see_their_teams_complaints_managers_all(self):
        seen = self.env["crm.complaint"].with_user(self.agent).search([])
        self.assertIn(self.ours, seen)
        self.assertNotIn(self.theirs, seen)
        with self.assertRaises(AccessError):
            self.theirs.with_user(self.agent).read(["subject"])
        with self.assertRaises(AccessError):
            self.ours.with_user(self.outsider).read(["subject"])
        # assigned to someone outside the team: they see it too
        self.theirs.user_id = self.outsider
        self.theirs.with_user(self.outsider).read(["subject"])
        seen = self.env["crm.complaint"].with_user(self.manager).search([])
        self.assertIn(self.ours, seen)
        self.assertIn(self.theirs, seen)

    def test_remedies_follow_their_complaint(self):
        remedy = self.env["crm.complaint.remedy"].create(
            {"complaint_id": self.theirs.id, "remedy_type": "credit_note"}
        )
        with self.assertRaises(AccessError):
            remedy.with_user(self.agent).read(["cost"])
        with self.assertRaises(AccessError):
            remedy.with_user(self.agent).unlink()

    def test_configuration_is_for_managers(self):
        for model in ("crm.complaint.team", "crm.complaint.sla", "crm.complaint.stage"):
            with self.assertRaises(AccessError):
                self.env[model].with_user(self.agent).create({"name": "Mine"})
        self.env["crm.complaint.root.cause"].with_user(self.manager).create({"name": "Ok"})

    def test_multi_company(self):
        other = self.env["res.company"].create({"name": "Complaints Elsewhere"})
        foreign = self.complaint(subject="Elsewhere", company_id=other.id, team_id=False)
        self.manager.company_ids = [(4, other.id)]
        manager = self.env["crm.complaint"].with_user(self.manager)
        main_only = manager.with_context(allowed_company_ids=[self.company.id])
        self.assertNotIn(foreign, main_only.search([]))
        self.assertIn(foreign, manager.with_context(allowed_company_ids=[other.id]).search([]))
        self.assertNotIn(foreign, self.env["crm.complaint"].with_user(self.agent).search([]))

    def test_escalation_cron_is_not_callable_by_users(self):
        with self.assertRaises(AccessError):
            self.env["crm.complaint.escalation"].with_user(self.agent).create(
                {"name": "x", "sla_id": self.env.ref("crm_complaints.sla_normal").id}
            )

    def test_users_cannot_grant_points_by_default(self):
        complaint = self.ours
        remedy = self.env["crm.complaint.remedy"].create(
            {"complaint_id": complaint.id, "remedy_type": "points", "points": 50}
        )
        with self.assertRaises(UserError):
            remedy.with_user(self.agent).action_create_document()
