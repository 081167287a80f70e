from datetime import datetime

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common import ComplaintCase

MONDAY = datetime(2026, 3, 9, 9, 0)
WEDNESDAY = datetime(2026, 3, 11, 9, 0)
NEXT_MONDAY = datetime(2026, 3, 16, 9, 0)


@tagged("post_install", "-at_install")
class TestDuplicates(ComplaintCase):
    """Likely duplicates (the same customer about the same order or product within the
    company's window, 3 days here) found when a complaint comes in, listed on both, found
    by the filter; merged into the complaint the agent keeps, which gets the messages,
    attachments, remedies and earliest SLA clock; the other closed as merged."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.crm_complaint_duplicate_days = 3
        cls.other_customer = cls.env["res.partner"].create({"name": "Another Customer"})
        cls.order = cls.env["sale.order"].create(
            {
                "partner_id": cls.customer.id,
                "order_line": [(0, 0, {"product_id": cls.product.id, "product_uom_qty": 1})],
            }
        )

    def complaint_on(self, moment, **values):
        with freeze_time(moment):
            return self.complaint(**values)

    def test_same_product_within_the_window_is_a_likely_duplicate(self):
        first = self.complaint_on(MONDAY, product_id=self.product.id)
        second = self.complaint_on(WEDNESDAY, product_id=self.product.id, subject="Again!")
        self.assertFalse(first.duplicate_of_id)
        self.assertEqual(second.duplicate_of_id, first)
        self.assertEqual(first.duplicate_ids, second)
        self.assertEqual(second.duplicate_ids, first)
        self.assertEqual(first.duplicate_count, 1)
        found = self.env["crm.complaint"].search([("duplicate_ids", "!=", False)])
        self.assertEqual(found & (first | second), first | second)

    def test_same_order_of_a_colleague_is_a_likely_duplicate(self):
        colleague = self.env["res.partner"].create(
            {"name": "Colleague", "parent_id": self.customer.id}
        )
        self.customer.is_company = True
        first = self.complaint_on(MONDAY, sale_order_id=self.order.id)
        second = self.complaint_on(WEDNESDAY, sale_order_id=self.order.id, partner_id=colleague.id)
        self.assertEqual(second.duplicate_of_id, first)

    def test_not_a_duplicate(self):
        first = self.complaint_on(MONDAY, product_id=self.product.id)
        other_customer = self.complaint_on(
            WEDNESDAY, product_id=self.product.id, partner_id=self.other_customer.id
        )
        too_late = self.complaint_on(NEXT_MONDAY, product_id=self.product.id)
        nothing_shared = self.complaint_on(WEDNESDAY)
        for complaint in (other_customer, too_late, nothing_shared):
            self.assertFalse(complaint.duplicate_of_id, complaint.subject)
        self.assertFalse(first.duplicate_ids)
        self.assertNotIn(first, self.env["crm.complaint"].search([("duplicate_ids", "!=", False)]))

    def test_window_of_zero_days_turns_the_check_off(self):
        self.company.crm_complaint_duplicate_days = 0
        self.complaint_on(MONDAY, product_id=self.product.id)
        second = self.complaint_on(MONDAY, product_id=self.product.id)
        self.assertFalse(second.duplicate_of_id)
        self.assertFalse(second.duplicate_ids)

    def test_merge_keeps_messages_attachments_remedies_and_the_earliest_clock(self):
        # the first on Friday 15:00 (a 4-working-hour first answer due Monday 11:00)
        policy = self.env["crm.complaint.sla"].create(
            {"name": "Dup test", "team_id": self.team.id, "first_response_hours": 4}
        )
        first = self.complaint_on(
            datetime(2026, 3, 6, 15, 0), product_id=self.product.id, subject="Broken chair"
        )
        first.message_post(body="Photo of the leg", message_type="comment")
        attachment = self.env["ir.attachment"].create(
            {"name": "leg.jpg", "raw": b"jpg", "res_model": "crm.complaint", "res_id": first.id}
        )
        first_messages = first.message_ids
        second = self.complaint_on(MONDAY, product_id=self.product.id, subject="Chair again")
        remedy = self.env["crm.complaint.remedy"].create(
            {"complaint_id": first.id, "remedy_type": "points", "points": 5}
        )
        self.assertEqual(second.sla_policy_id, policy)
        self.assertEqual(second.sla_first_response_deadline, datetime(2026, 3, 9, 14, 0))
        with freeze_time(datetime(2026, 3, 9, 10, 0)):
            wizard = (
                self.env["crm.complaint.merge"]
                .with_user(self.agent)
                .create(
                    {
                        "complaint_ids": [(6, 0, (first | second).ids)],
                        "survivor_id": second.id,
                    }
                )
            )
            wizard.action_merge()
        self.env.invalidate_all()
        self.assertLessEqual(first_messages, second.message_ids)
        self.assertEqual(attachment.res_id, second.id)
        self.assertEqual(remedy.complaint_id, second)
        # the earliest clock: Friday's, its first answer due Monday 10:00
        self.assertEqual(second.sla_start, datetime(2026, 3, 6, 15, 0))
        self.assertEqual(second.sla_first_response_deadline, datetime(2026, 3, 9, 10, 0))
        self.assertEqual(first.state, "merged")
        self.assertEqual(first.merged_into_id, second)
        self.assertIn("Broken chair", " ".join(second.message_ids.mapped("body")))
        # merged: no longer a likely duplicate of anything
        self.assertFalse(second.duplicate_ids)
        self.assertFalse(
            self.env["crm.complaint"].search([("duplicate_ids", "!=", False)]) & first
        )

    def test_merge_refused_across_customers_and_to_customers(self):
        first = self.complaint_on(MONDAY, product_id=self.product.id)
        foreign = self.complaint_on(MONDAY, partner_id=self.other_customer.id)
        with self.assertRaises(UserError):
            (first | foreign).with_user(self.agent)._merge_into(first)
        portal = new_test_user(self.env, "cmp_dup_portal", groups="base.group_portal")
        portal.partner_id.parent_id = self.customer
        second = self.complaint_on(MONDAY, product_id=self.product.id)
        with self.assertRaises(AccessError):
            self.env["crm.complaint.merge"].with_user(portal).create(
                {"complaint_ids": [(6, 0, (first | second).ids)], "survivor_id": first.id}
            )
        with self.assertRaises(AccessError):
            (first | second).with_user(portal)._merge_into(first.with_user(portal))
        self.assertFalse((first | second).merged_into_id)

    def test_the_merged_stage_is_reached_by_merging_only(self):
        complaint = self.complaint_on(MONDAY, product_id=self.product.id)
        with self.assertRaises(UserError):
            complaint.with_user(self.agent).stage_id = self.env.ref("crm_complaints.stage_merged")
        self.assertEqual(complaint.state, "new")
