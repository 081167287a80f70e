from odoo.exceptions import AccessError
from odoo.tests import Form, TransactionCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestComplaint(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.customer = cls.env["res.partner"].create({"name": "Unhappy Customer"})
        cls.user = new_test_user(
            cls.env, "complaint_user", groups="crm_complaints.group_crm_complaints_user"
        )
        cls.other_company = cls.env["res.company"].create({"name": "Other Company"})

    def test_backend_complaint_flow(self):
        form = Form(self.env["crm.complaint"].with_user(self.user))
        form.subject = "Wrong colour delivered"
        form.partner_id = self.customer
        complaint = form.save()
        self.assertRegex(complaint.name, r"^CMP/\d{4}/\d{5}$")
        self.assertEqual(complaint.state, "new")
        self.assertEqual(complaint.user_id, self.user)
        complaint.action_start()
        complaint.action_resolve()
        self.assertEqual(complaint.state, "resolved")
        complaint.action_close()
        self.assertEqual(complaint.state, "closed")

    def test_user_cannot_delete_nor_see_other_company(self):
        complaint = self.env["crm.complaint"].create(
            {"subject": "Late", "partner_id": self.customer.id}
        )
        with self.assertRaises(AccessError):
            complaint.with_user(self.user).unlink()
        foreign = self.env["crm.complaint"].create(
            {
                "subject": "Elsewhere",
                "partner_id": self.customer.id,
                "company_id": self.other_company.id,
            }
        )
        visible = self.env["crm.complaint"].with_user(self.user).search([])
        self.assertIn(complaint, visible)
        self.assertNotIn(foreign, visible)
