from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from .common import ComplaintCase


@tagged("post_install", "-at_install")
class TestComplaint(ComplaintCase):
    def test_backend_complaint_flow(self):
        form = Form(self.env["crm.complaint"].with_user(self.agent))
        form.subject = "Wrong colour delivered"
        form.partner_id = self.customer
        form.team_id = self.team
        complaint = form.save()
        self.assertRegex(complaint.name, r"^CMP/\d{4}/\d{5}$")
        self.assertEqual(complaint.state, "new")
        self.assertEqual(complaint.email_from, "unhappy@example.com")
        complaint.action_start()
        self.assertEqual(complaint.state, "in_progress")
        complaint.resolution = "<p>Sent the right colour.</p>"
        complaint.action_resolve()
        self.assertEqual(complaint.state, "resolved")
        self.assertTrue(complaint.date_resolved)
        complaint.action_close()
        self.assertEqual(complaint.state, "closed")
        self.assertTrue(complaint.date_closed)

    def test_forbidden_stage_moves(self):
        complaint = self.complaint().with_user(self.agent)
        with self.assertRaisesRegex(UserError, "without a resolution"):
            complaint.action_resolve()
        self.team.require_root_cause = True
        complaint.resolution = "<p>Done.</p>"
        with self.assertRaisesRegex(UserError, "without a root cause"):
            complaint.action_resolve()
        complaint.root_cause_id = self.env.ref("crm_complaints.root_cause_transport")
        complaint.action_resolve()
        complaint.action_close()
        with self.assertRaisesRegex(UserError, "Only a complaint manager"):
            complaint.action_reopen()
        complaint.with_user(self.manager).action_reopen()
        self.assertEqual(complaint.state, "in_progress")
        self.assertEqual(complaint.reopen_count, 1)
        self.assertFalse(complaint.date_closed)

    def test_user_cannot_delete_nor_see_other_company(self):
        complaint = self.complaint()
        with self.assertRaises(AccessError):
            complaint.with_user(self.agent).unlink()
        other_company = self.env["res.company"].create({"name": "Other Company"})
        foreign = self.complaint(company_id=other_company.id, team_id=False)
        visible = self.env["crm.complaint"].with_user(self.agent).search([])
        self.assertIn(complaint, visible)
        self.assertNotIn(foreign, visible)

    def test_priority_from_severity_and_customer_value(self):
        self.assertEqual(self.complaint().priority, "0")
        self.assertEqual(self.complaint(severity="critical").priority, "3")
        champions = self.env.ref("crm_identification.segment_champions")
        self.company.crm_complaint_key_segment_ids = champions
        vip = self.env["res.partner"].create({"name": "Champion"})
        vip.sudo().crm_segment_id = champions
        complaint = self.complaint(partner_id=vip.id)
        self.assertEqual(complaint.priority, "2")
        self.assertEqual(complaint.customer_segment_id, champions)
        tier_b = self.env["res.partner"].create({"name": "Tier B"})
        tier_b.sudo().crm_value_tier = "b"
        self.assertEqual(self.complaint(partner_id=tier_b.id).priority, "1")


@tagged("post_install", "-at_install")
class TestProvenSolutions(ComplaintCase):
    """Resolved complaints found by words (PostgreSQL full-text search, Persian included),
    and the similar complaints of a new one with the resolution that worked."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        resolved = cls.env.ref("crm_complaints.stage_resolved")
        cls.persian = cls.complaint(
            subject="یخچال خنک نمی‌کند",
            description="<p>کمپرسور یخچال پس از یک هفته از کار افتاد</p>",
            resolution="<p>کمپرسور تعویض شد</p>",
            stage_id=resolved.id,
        )
        cls.english = cls.complaint(
            subject="Fridge compressor noisy",
            product_id=cls.product.id,
            resolution="<p>Tightened the compressor mounts.</p>",
            stage_id=resolved.id,
        )
        cls.open_one = cls.complaint(subject="Compressor stopped", product_id=cls.product.id)

    def search(self, words):
        return self.env["crm.complaint"].search(
            [("search_text", "ilike", words), ("state", "in", ("resolved", "closed"))]
        )

    def test_full_text_search_in_persian_and_english(self):
        self.assertEqual(self.search("کمپرسور"), self.persian)
        self.assertEqual(self.search("یخچال کمپرسور"), self.persian)
        self.assertEqual(self.search("compressor"), self.english)
        self.assertEqual(self.search("mounts"), self.english, "the resolution is searched too")
        self.assertFalse(self.search("washing machine"))

    def test_similar_complaints_show_what_worked(self):
        similar = self.open_one.similar_complaint_ids
        self.assertEqual(similar[:1], self.english)
        self.assertNotIn(self.open_one, similar)
        persian_new = self.complaint(subject="صدای کمپرسور یخچال")
        self.assertEqual(persian_new.similar_complaint_ids[:1], self.persian)
