from odoo.exceptions import UserError
from odoo.tests import new_test_user, tagged

from .test_service_common import FieldServiceCase, at


@tagged("post_install", "-at_install")
class TestServiceComplaintRemedy(FieldServiceCase):
    """A field visit as a complaint's remedy: created from the complaint, linked both ways,
    done by the technician, and its cost counted in the complaint's."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.agent = new_test_user(
            cls.env, "fs_complaint_agent", groups="crm_complaints.group_crm_complaints_manager"
        )
        cls.cable = cls.env["product.product"].create(
            {"name": "Fuse box", "type": "consu", "standard_price": 40.0}
        )

    def remedy(self, **values):
        complaint = (
            self.env["crm.complaint"]
            .with_user(self.agent)
            .create({"subject": "The heating still fails", "partner_id": self.customer.id})
        )
        remedy = (
            self.env["crm.complaint.remedy"]
            .with_user(self.agent)
            .create(
                {
                    "complaint_id": complaint.id,
                    "remedy_type": "field_visit",
                    "service_type_id": self.service_type.id,
                    "note": "Send an electrician",
                    **values,
                }
            )
        )
        remedy.action_create_document()
        return complaint, remedy

    def test_visit_remedy_is_linked_done_by_the_technician_and_costed(self):
        complaint, remedy = self.remedy()
        visit = self.env["crm.service.order"].browse(remedy.service_order_id.id)
        self.assertEqual(
            (visit.origin, visit.partner_id, visit.summary, visit.type_id),
            ("complaint", self.customer, "Send an electrician", self.service_type),
        )
        self.assertEqual(visit.crm_complaint_remedy_id, remedy)
        self.assertEqual(visit.complaint_id, complaint)
        self.assertEqual(remedy.document_ref, visit)
        self.assertEqual(remedy.state, "in_progress")
        self.assertEqual(visit.skill_ids, self.electrical, "the visit type's skills")

        visit.write(
            {
                "technician_ids": [(6, 0, self.tech_a.ids)],
                "planned_start": at(0, 9),
                "planned_end": at(0, 10),
                "state": "dispatched",
            }
        )
        on_site = visit.with_user(self.tech_user_a)
        on_site.action_start()
        on_site.write(
            {
                "actual_start": at(0, 9),
                "actual_end": at(0, 11),
                "material_ids": [(0, 0, {"product_id": self.cable.id, "quantity": 1})],
            }
        )
        on_site.action_done()
        self.assertEqual(remedy.state, "done")
        self.assertAlmostEqual(visit.cost, 2 * 30.0 + 40.0)
        self.assertAlmostEqual(remedy.cost, 100.0)
        self.assertAlmostEqual(complaint.cost, 100.0)
        self.assertTrue(complaint.message_ids.filtered(lambda m: "Remedy done" in (m.body or "")))

    def test_cancelled_visit_no_longer_counts(self):
        complaint, remedy = self.remedy(extra_cost=15.0)
        remedy.service_order_id.with_user(self.dispatcher).action_cancel()
        self.assertEqual(remedy.state, "cancel")
        self.assertEqual(complaint.cost, 0.0)

    def test_a_visit_is_linked_to_a_remedy_by_the_remedy_only(self):
        """A dispatcher (who may edit visits) cannot link a visit to someone's remedy by
        hand, over RPC or otherwise: the visit's end would mark that remedy done."""
        complaint, remedy = self.remedy()
        other = self.env["crm.service.order"].create(
            {"summary": "Routine check", "partner_id": self.customer.id}
        )
        with self.assertRaises(UserError):
            other.with_user(self.dispatcher).write({"crm_complaint_remedy_id": remedy.id})
        with self.assertRaises(UserError):
            self.env["crm.service.order"].with_user(self.dispatcher).create(
                {
                    "summary": "Forged",
                    "partner_id": self.customer.id,
                    "crm_complaint_remedy_id": remedy.id,
                }
            )
        self.assertFalse(other.crm_complaint_remedy_id)
        visit = self.env["crm.service.order"].browse(remedy.service_order_id.id)
        self.assertEqual(visit.crm_complaint_remedy_id.id, remedy.id)
