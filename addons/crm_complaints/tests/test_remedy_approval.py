from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common import ComplaintCase


@tagged("post_install", "-at_install")
class TestRemedyApproval(ComplaintCase):
    """Goodwill points and goodwill credit notes above their author's limit
    (crm.loyalty.limit) wait for the approver: an activity, then Approve creates the
    document (the ledger line keeps the approval), Refuse leaves nothing; within the
    limit the document is created at once."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.order, cls.delivery, cls.invoice = cls.delivered_order(quantity=2)
        cls.program = cls.env["loyalty.program"].create(
            {
                "name": "Approval Club",
                "program_type": "loyalty",
                "applies_on": "both",
                "trigger": "auto",
                "crm_enabled": True,
                "rule_ids": [(0, 0, {"reward_point_mode": "money", "reward_point_amount": 1})],
            }
        )
        cls.company.crm_loyalty_compensation_program_id = cls.program
        cls.company.crm_complaint_users_grant_points = True
        cls.approver = new_test_user(
            cls.env,
            "goodwill_approver",
            groups="crm_loyalty.group_crm_loyalty_manager,crm_complaints.group_crm_complaints_user",
        )
        cls.env["crm.loyalty.limit"].create(
            {
                "user_id": cls.agent.id,
                "approver_id": cls.approver.id,
                "goodwill_points": 30,
                "goodwill_credit": 20,
            }
        )

    def remedy(self, remedy_type, **values):
        complaint = self.complaint(
            sale_order_id=self.order.id, invoice_id=self.invoice.id, user_id=self.agent.id
        )
        return self.env["crm.complaint.remedy"].create(
            dict(values, complaint_id=complaint.id, remedy_type=remedy_type)
        )

    def test_points_within_the_limit_are_granted_at_once(self):
        remedy = self.remedy("points", points=20)
        remedy.with_user(self.agent).action_create_document()
        self.assertEqual(remedy.state, "done")
        self.assertFalse(remedy.approval_id)
        self.assertFalse(remedy.loyalty_history_id.crm_approval_id)

    def test_points_above_the_limit_approved(self):
        remedy = self.remedy("points", points=100)
        remedy.with_user(self.agent).action_create_document()
        self.assertEqual((remedy.state, remedy.approval_state), ("draft", "pending"))
        self.assertFalse(remedy.loyalty_history_id, "no points before the approval")
        approval = remedy.approval_id
        self.assertEqual(approval.activity_ids.user_id, self.approver)
        with self.assertRaisesRegex(UserError, "waits for"):
            remedy.with_user(self.agent).action_create_document()
        with self.assertRaises(AccessError):
            approval.with_user(self.agent).action_approve()
        approval.with_user(self.approver).action_approve()
        line = remedy.loyalty_history_id
        self.assertEqual((remedy.state, line.crm_points), ("done", 100))
        self.assertEqual(line.crm_approval_id, approval)
        self.assertEqual(line.crm_approved_by_id, self.approver)
        self.assertEqual(line.crm_requested_by_id, self.agent)

    def test_points_above_the_limit_refused_leave_nothing(self):
        remedy = self.remedy("points", points=100)
        remedy.with_user(self.agent).action_create_document()
        remedy.approval_id.with_user(self.approver).action_refuse()
        self.assertEqual((remedy.state, remedy.approval_state), ("draft", "refused"))
        self.assertFalse(remedy.loyalty_history_id)
        self.assertFalse(
            self.env["loyalty.card"]
            .search([("partner_id", "=", self.customer.id), ("program_id", "=", self.program.id)])
            .points
        )

    def test_credit_note_above_the_limit_approved_or_refused(self):
        remedy = self.remedy("credit_note", amount=50.0)
        remedy.with_user(self.agent).action_create_document()
        self.assertEqual(remedy.approval_id.quantity, 50.0)
        self.assertFalse(remedy.move_id, "no credit note before the approval")
        remedy.approval_id.with_user(self.approver).action_approve()
        self.assertEqual(remedy.move_id.move_type, "out_refund")
        self.assertAlmostEqual(remedy.move_id.amount_total, 50.0)
        self.assertIn("approved by", remedy.move_id.message_ids[:1].body)
        refused = self.remedy("credit_note", amount=0.0)
        refused.with_user(self.agent).action_create_document()
        self.assertEqual(refused.approval_id.quantity, self.invoice.amount_total)
        refused.approval_id.with_user(self.approver).action_refuse()
        self.assertFalse(refused.move_id)
        self.assertEqual(refused.state, "draft")
