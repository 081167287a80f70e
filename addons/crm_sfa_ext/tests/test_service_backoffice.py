from odoo.exceptions import UserError
from odoo.tests import tagged

from .test_service_common import FieldServiceCase, at


@tagged("post_install", "-at_install")
class TestServiceBackOffice(FieldServiceCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.hour = cls.env.ref("uom.product_uom_hour")
        cls.service_product = cls.env["product.product"].create(
            {
                "name": "On-site repair",
                "type": "service",
                "uom_id": cls.hour.id,
                "uom_po_id": cls.hour.id,
                "invoice_policy": "delivery",
                "list_price": 50.0,
            }
        )
        cls.service_type.product_id = cls.service_product
        cls.cable = cls.env["product.product"].create(
            {
                "name": "Cable 10 m",
                "type": "consu",
                "is_storable": True,
                "invoice_policy": "delivery",
                "list_price": 12.0,
                "standard_price": 7.0,
            }
        )
        warehouse = cls.env["stock.warehouse"].search(
            [("company_id", "=", cls.company.id)], limit=1
        )
        cls.van = cls.env["stock.location"].create(
            {
                "name": "Ali's van",
                "usage": "internal",
                "location_id": warehouse.view_location_id.id,
            }
        )
        cls.tech_a.fs_van_location_id = cls.van
        cls.env["stock.quant"]._update_available_quantity(cls.cable, cls.van, 20)

    def sale(self):
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "order_line": [
                    (0, 0, {"product_id": self.service_product.id, "product_uom_qty": 2})
                ],
            }
        )
        order.action_confirm()
        return order

    def test_confirmed_sale_of_a_service_product_creates_its_visit(self):
        order = self.sale()
        visit = order.order_line.fs_order_ids
        self.assertEqual(len(visit), 1)
        self.assertEqual(
            (visit.origin, visit.type_id, visit.partner_id, visit.skill_ids),
            ("sale", self.service_type, self.customer, self.electrical),
        )
        self.assertEqual(order.fs_order_count, 1)
        order.order_line._fs_create_service_orders()
        self.assertEqual(len(order.order_line.fs_order_ids), 1, "never a second visit")

    def test_time_and_materials_reach_stock_the_sales_order_and_the_invoice(self):
        order = self.sale()
        visit = order.order_line.fs_order_ids
        visit.write(
            {
                "technician_ids": [(6, 0, self.tech_a.ids)],
                "planned_start": at(0, 9),
                "planned_end": at(0, 10),
                "state": "planned",
            }
        )
        technician_visit = visit.with_user(self.tech_user_a)
        technician_visit.action_start()
        technician_visit.write(
            {
                "material_ids": [(0, 0, {"product_id": self.cable.id, "quantity": 3})],
                "actual_start": at(0, 9),
                "actual_end": at(0, 11, 30),
                "worksheet": "<p>Replaced the cable</p>",
            }
        )
        self.assertEqual(visit.material_ids.location_id, self.van, "from the technician's van")
        technician_visit.action_done()

        self.assertEqual(visit.state, "done")
        self.assertAlmostEqual(visit.time_spent, 2.5)
        move = visit.material_ids.move_id
        self.assertEqual((move.state, move.quantity, move.location_id), ("done", 3, self.van))
        self.assertEqual(self.cable.with_context(location=self.van.id).qty_available, 17)
        service_line = order.order_line.filtered(lambda sl: sl.product_id == self.service_product)
        cable_line = order.order_line.filtered(lambda sl: sl.product_id == self.cable)
        self.assertAlmostEqual(service_line.qty_delivered, 2.5)
        self.assertEqual(cable_line.qty_delivered, 3)
        self.assertEqual(cable_line.move_ids, move)
        self.assertFalse(order.picking_ids, "the visit's own move delivers: no other picking")

        invoice = order._create_invoices()
        quantities = {line.product_id: line.quantity for line in invoice.invoice_line_ids}
        self.assertEqual(quantities, {self.service_product: 2.5, self.cable: 3})

        self.assertAlmostEqual(visit.time_cost, 2.5 * 30.0)
        self.assertAlmostEqual(visit.material_cost, 21.0)
        self.assertAlmostEqual(visit.cost, 96.0)

    def test_visit_report_prints_as_a_pdf(self):
        visit = self.order(
            "Replace the cable",
            technician_ids=[(6, 0, self.tech_a.ids)],
            planned_start=at(0, 9),
            planned_end=at(0, 10),
            state="planned",
            actual_start=at(0, 9, 15),
            actual_end=at(0, 10, 45),
            worksheet="<p>Cable replaced, circuit tested</p>",
            material_ids=[(0, 0, {"product_id": self.cable.id, "quantity": 2})],
        )
        report = self.env.ref("crm_sfa_ext.action_report_service_visit")
        self.assertEqual(report.binding_model_id.model, "crm.service.order", "Print menu")
        # the technician prints their own visit
        html = (
            self.env["ir.actions.report"]
            .with_user(self.tech_user_a)
            ._render_qweb_html(report.report_name, visit.ids)[0]
            .decode()
        )
        for text in (
            visit.name,
            "Customer One",
            "Ali Electric",
            "Cable replaced, circuit tested",
            "Cable 10 m",
            "01:30",
            "Customer Signature",
        ):
            self.assertIn(text, html)
        pdf, kind = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf(report.report_name, visit.ids)
        )
        self.assertEqual(kind, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF"))

    def test_materials_without_a_sale_come_from_the_warehouse(self):
        visit = self.order(
            "Manual visit",
            technician_ids=[(6, 0, self.tech_b.ids)],
            planned_start=at(0, 9),
            planned_end=at(0, 10),
            state="planned",
        )
        visit.material_ids = [(0, 0, {"product_id": self.cable.id, "quantity": 1})]
        warehouse = self.env["stock.warehouse"].search(
            [("company_id", "=", self.company.id)], limit=1
        )
        self.assertEqual(visit.material_ids.location_id, warehouse.lot_stock_id)
        visit.action_done()
        self.assertEqual(visit.material_ids.move_id.state, "done")
        self.assertFalse(visit.material_ids.sale_line_id)
        with self.assertRaises(UserError):
            visit.material_ids.quantity = 5
        visit.material_ids._fs_consume()
        self.assertEqual(
            self.env["stock.move"].search_count([("origin", "=", visit.name)]),
            1,
            "consuming twice moves nothing twice",
        )

    def test_technician_cannot_close_a_visit_not_under_way(self):
        visit = self.order("Not planned yet")
        with self.assertRaises(UserError):
            visit.action_done()
        with self.assertRaises(UserError):
            visit.action_dispatch()
