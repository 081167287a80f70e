import polib

from odoo.exceptions import AccessError
from odoo.modules.module import get_module_path
from odoo.tests import tagged

from .common import InsightCase

REPORT = "crm_identification.action_report_customer_insight"


@tagged("post_install", "-at_install")
class TestInsightReport(InsightCase):
    """The customer's insight sheet, printed from the insight record."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.champion = cls.customer("Sheet Champion", user_id=cls.salesman.id)
        for i in range(10):
            cls.order(cls.champion, days_ago=3 + 10 * i, amount=2500, products=("A", "B"))
        cls.other = cls.customer("Sheet Other")
        for i in range(3):
            cls.order(cls.other, days_ago=300 + i, amount=100, products=("A", "C"))
        cls.env["crm.customer.score"]._refresh_company(cls.company, as_of=cls.AS_OF)
        cls.sheet = cls.env["crm.customer.score"].search(
            [("partner_id", "=", cls.champion.id), ("company_id", "=", cls.company.id)]
        )

    def test_the_sheet_is_in_the_print_menu_and_renders_as_a_pdf(self):
        report = self.env.ref(REPORT)
        self.assertEqual(report.binding_model_id.model, "crm.customer.score")
        Report = self.env["ir.actions.report"].with_user(self.salesman)
        html = Report._render_qweb_html(REPORT, self.sheet.ids)[0].decode()
        self.assertIn("Sheet Champion", html)
        self.assertIn("Champions", html)
        self.assertIn("In Champions because R=5, F=5, M=5.", html)
        self.assertIn("Insight C", html, "the products suggested")
        pdf, kind = Report.with_context(force_report_rendering=True)._render_qweb_pdf(
            REPORT, self.sheet.ids
        )
        self.assertEqual(kind, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF"))

    def test_the_sheet_is_translated(self):
        self.env["res.lang"]._activate_lang("fa_IR")
        self.env["ir.module.module"]._load_module_terms(["crm_identification"], ["fa_IR"])
        persian = {
            entry.msgid: entry.msgstr
            for entry in polib.pofile(f"{get_module_path('crm_identification')}/i18n/fa.po")
        }
        Report = self.env["ir.actions.report"].with_context(lang="fa_IR")
        html = Report._render_qweb_html(REPORT, self.sheet.ids)[0].decode()
        for term in ("Customer Insight", "Likely Still Active", "Why"):
            self.assertTrue(persian.get(term), term)
            self.assertIn(persian[term], html, term)

    def test_a_salesperson_prints_their_own_customers_only(self):
        self.sheet.partner_id.user_id = self.manager
        self.env.flush_all()
        self.env.invalidate_all()  # what the salesperson reads comes from the database
        # QWeb hands the access error on as the cause of its own
        with self.assertRaises(Exception) as caught:
            self.env["ir.actions.report"].with_user(self.salesman)._render_qweb_html(
                REPORT, self.sheet.ids
            )
        error = caught.exception
        self.assertIsInstance(
            error if isinstance(error, AccessError) else error.__cause__, AccessError
        )
