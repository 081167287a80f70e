from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import ComplaintCase


@tagged("post_install", "-at_install")
class TestRemedy(ComplaintCase):
    """Each remedy creates its real back-office document, linked both ways; the document
    marks the remedy done; the complaint's cost is the sum of its remedies."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.order, cls.delivery, cls.invoice = cls.delivered_order(quantity=2)

    def make(self, remedy_type, **values):
        complaint = self.complaint(
            sale_order_id=self.order.id,
            invoice_id=self.invoice.id,
            picking_id=self.delivery.id,
            product_id=self.product.id,
        )
        remedy = self.env["crm.complaint.remedy"].create(
            dict(values, complaint_id=complaint.id, remedy_type=remedy_type)
        )
        return complaint, remedy

    def test_full_credit_note_reverses_the_invoice(self):
        complaint, remedy = self.make("credit_note", note="Broken leg")
        remedy.action_create_document()
        credit_note = remedy.move_id
        self.assertEqual(credit_note.move_type, "out_refund")
        self.assertEqual(credit_note.reversed_entry_id, self.invoice)
        self.assertEqual(credit_note.crm_complaint_remedy_id, remedy)
        self.assertEqual(credit_note.crm_complaint_id, complaint)
        self.assertEqual(remedy._document(), credit_note)
        self.assertEqual(remedy.state, "in_progress")
        credit_note.action_post()
        self.assertEqual(remedy.state, "done")
        self.assertAlmostEqual(remedy.cost, 200.0)
        self.assertAlmostEqual(complaint.cost, 200.0)
        self.assertIn("Remedy done", complaint.message_ids[0].body)

    def test_partial_credit_note(self):
        complaint, remedy = self.make("credit_note", amount=30.0)
        remedy.action_create_document()
        self.assertAlmostEqual(remedy.move_id.amount_total, 30.0)
        remedy.move_id.action_post()
        self.assertAlmostEqual(complaint.cost, 30.0)

    def test_credit_note_needs_a_posted_invoice_and_a_sane_amount(self):
        complaint = self.complaint()
        remedy = self.env["crm.complaint.remedy"].create(
            {"complaint_id": complaint.id, "remedy_type": "credit_note"}
        )
        with self.assertRaises(UserError):
            remedy.action_create_document()
        _complaint, too_much = self.make("credit_note", amount=1000.0)
        with self.assertRaises(UserError):
            too_much.action_create_document()
        self.assertEqual(too_much.state, "draft")

    def test_return_of_the_delivery(self):
        complaint, remedy = self.make("return", quantity=1)
        remedy.action_create_document()
        returned = remedy.picking_id
        self.assertEqual(returned.picking_type_code, "incoming")
        self.assertEqual(returned.return_id, self.delivery)
        self.assertEqual(returned.crm_complaint_id, complaint)
        self.assertEqual(returned.move_ids.product_uom_qty, 1)
        self.validate(returned)
        self.assertEqual(remedy.state, "done")
        self.assertAlmostEqual(remedy.cost, 40.0)
        self.assertAlmostEqual(complaint.cost, 40.0)

    def test_replacement_is_a_free_order_and_delivery(self):
        complaint, remedy = self.make("replacement", quantity=1, extra_cost=5.0)
        remedy.action_create_document()
        order = remedy.sale_order_id
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.amount_total, 0.0)
        self.assertEqual(order.crm_complaint_id, complaint)
        self.assertEqual(order.origin, complaint.name)
        self.assertTrue(order.picking_ids)
        self.assertEqual(remedy.state, "in_progress")
        self.validate(order.picking_ids)
        self.assertEqual(remedy.state, "done")
        self.assertAlmostEqual(remedy.cost, 45.0)

    def test_cost_is_the_sum_of_remedies_and_cancelled_ones_do_not_count(self):
        complaint, credit = self.make("credit_note", amount=20.0)
        replacement = self.env["crm.complaint.remedy"].create(
            {
                "complaint_id": complaint.id,
                "remedy_type": "replacement",
                "product_id": self.product.id,
                "quantity": 2,
            }
        )
        self.assertEqual(complaint.cost, 0.0, "remedies still to do are only proposals")
        credit.action_create_document()
        credit.move_id.action_post()
        replacement.action_create_document()
        self.assertAlmostEqual(complaint.cost, 20.0 + 80.0)
        replacement.sale_order_id._action_cancel()
        self.assertEqual(replacement.state, "cancel")
        self.assertAlmostEqual(complaint.cost, 20.0)

    def test_closing_waits_for_remedies(self):
        complaint, remedy = self.make("replacement", quantity=1)
        remedy.action_create_document()
        complaint.resolution = "<p>Replaced the chair.</p>"
        complaint.action_resolve()
        with self.assertRaises(UserError):
            complaint.action_close()
        self.validate(remedy.sale_order_id.picking_ids)
        complaint.action_close()
        self.assertEqual(complaint.state, "closed")


@tagged("post_install", "-at_install")
class TestPointsRemedy(ComplaintCase):
    """Goodwill points through crm_loyalty's compensation method: after this addon's own
    rights check, a ledger line on the customer's card that links the complaint."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.program = cls.env["loyalty.program"].create(
            {
                "name": "Goodwill Club",
                "program_type": "loyalty",
                "applies_on": "both",
                "trigger": "auto",
                "crm_enabled": True,
                "rule_ids": [(0, 0, {"reward_point_mode": "money", "reward_point_amount": 1})],
            }
        )
        cls.company.crm_loyalty_compensation_program_id = cls.program
        cls.company.crm_complaint_point_value = 0.02

    def points_remedy(self, points=50):
        complaint = self.complaint()
        return complaint, self.env["crm.complaint.remedy"].create(
            {"complaint_id": complaint.id, "remedy_type": "points", "points": points}
        )

    def test_manager_grants_points_on_the_ledger(self):
        complaint, remedy = self.points_remedy()
        remedy.with_user(self.manager).action_create_document()
        line = remedy.loyalty_history_id
        self.assertEqual(line.crm_kind, "compensation")
        self.assertEqual(line.card_id.partner_id, self.customer)
        self.assertEqual(line.card_id.points, 50)
        self.assertEqual(line.crm_source_ref, complaint)
        self.assertEqual(line.crm_complaint_remedy_id, remedy)
        self.assertEqual(remedy._document(), line)
        self.assertEqual(remedy.state, "done")
        self.assertAlmostEqual(remedy.cost, 1.0)
        self.assertAlmostEqual(complaint.cost, 1.0)

    def test_users_grant_points_only_when_allowed(self):
        _complaint, remedy = self.points_remedy()
        with self.assertRaisesRegex(UserError, "Only complaint managers"):
            remedy.with_user(self.agent).action_create_document()
        self.company.crm_complaint_users_grant_points = True
        remedy.with_user(self.agent).action_create_document()
        self.assertEqual(remedy.state, "done")

    def test_bad_points_change_nothing(self):
        _complaint, remedy = self.points_remedy(points=0)
        with self.assertRaises(UserError):
            remedy.with_user(self.manager).action_create_document()
        self.assertEqual(remedy.state, "draft")
        self.assertFalse(self.env["loyalty.card"].search([("partner_id", "=", self.customer.id)]))
