import datetime
import unittest

from odoo.tests import tagged

from .common import SolarHijriCase


@tagged("post_install", "-at_install")
class TestQuotationPdf(SolarHijriCase):
    """Odoo's own quotation report, when sale is installed beside this addon (the suite's
    database): the Persian customer's quotation prints Solar Hijri dates."""

    def setUp(self):
        super().setUp()
        if "sale.order" not in self.env:
            raise unittest.SkipTest("sale is not installed")

    def test_persian_quotation_prints_the_solar_hijri_date(self):
        customer = self.env["res.partner"].create({"name": "مشتری تهران", "lang": "fa_IR"})
        product = self.env["product.product"].create({"name": "فرش", "list_price": 250000000})
        order = self.env["sale.order"].create(
            {
                "partner_id": customer.id,
                "date_order": datetime.datetime(2026, 3, 21, 6, 0),  # 1 Farvardin 1405
                "validity_date": datetime.date(2026, 4, 20),  # 31 Farvardin 1405
                "order_line": [(0, 0, {"product_id": product.id, "product_uom_qty": 1})],
            }
        )
        report = self.env["ir.actions.report"].with_user(self.user_en)
        html = str(report._render_qweb_html("sale.action_report_saleorder", order.ids)[0])
        self.assertIn("1405/01/01", html)
        self.assertIn("1405/01/31", html)
        customer.lang = "en_US"
        html = str(report._render_qweb_html("sale.action_report_saleorder", order.ids)[0])
        self.assertIn("03/21/2026", html)
