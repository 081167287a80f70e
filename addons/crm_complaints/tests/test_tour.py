from odoo.tests import HttpCase, new_test_user, tagged

from .common import ComplaintCase


@tagged("post_install", "-at_install")
class TestTour(HttpCase, ComplaintCase):
    def test_backend_kanban_and_form(self):
        customer = self.env["res.partner"].create({"name": "Tour Customer"})
        mirrors = self.env["product.product"].create({"name": "Tour Mirror"})
        self.complaint(
            subject="Tour: mirror broken in transit",
            product_id=mirrors.id,
            resolution="<p>Sent a new mirror in a stronger box.</p>",
            stage_id=self.env.ref("crm_complaints.stage_resolved").id,
        )
        self.complaint(
            subject="Tour: cracked mirror", partner_id=customer.id, product_id=mirrors.id
        )
        self.start_tour("/odoo", "crm_complaints_backend_tour", login="admin")

    def test_portal_pages(self):
        portal = new_test_user(self.env, "cmp_tour_portal", groups="base.group_portal")
        self.start_tour("/my", "crm_complaints_portal_tour", login=portal.login)
        complaint = self.env["crm.complaint"].search([("subject", "=", "Tour: lamp flickers")])
        self.assertEqual(complaint.partner_id, portal.partner_id)
