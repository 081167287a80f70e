import datetime

from odoo.tests import tagged

from .common import SolarHijriCase

QWEB = """<t t-name="base_solar_hijri.test_dates">
<p class="date"><t t-out="day" t-options="{'widget': 'date'}"/></p>
<p class="long"><t t-out="day" t-options="{'widget': 'date', 'format': 'd MMMM y'}"/></p>
<p class="datetime"><t t-out="moment" t-options="{'widget': 'datetime'}"/></p>
</t>"""

DAY = datetime.date(2026, 3, 21)  # 1 Farvardin 1405
MOMENT = datetime.datetime(2026, 4, 20, 21, 0)  # 00:30 on 1 Ordibehesht 1405 in Tehran


@tagged("post_install", "-at_install")
class TestRendering(SolarHijriCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.view = cls.env["ir.ui.view"].create(
            {"name": "solar hijri dates", "type": "qweb", "arch": QWEB}
        )
        cls.partner = cls.env["res.partner"].create(
            {"name": "مشتری", "email": "customer@example.com", "lang": "fa_IR"}
        )
        cls.template = cls.env["mail.template"].create(
            {
                "name": "Reminder",
                "model_id": cls.env["ir.model"]._get_id("res.partner"),
                "lang": "{{ object.lang }}",
                "subject": "Due {{ format_date(ctx.get('due')) }}",
                "body_html": "<p>Due <t t-out=\"format_date(ctx.get('due'))\"/> at "
                "<t t-out=\"format_datetime(ctx.get('moment'), tz='Asia/Tehran')\"/></p>",
            }
        )

    def _render_qweb(self, user, lang):
        env = self.env(user=user, context={"lang": lang, "tz": "Asia/Tehran"})
        return str(env["ir.qweb"]._render(self.view.id, {"day": DAY, "moment": MOMENT}))

    def test_pdf_and_portal_dates_in_solar_hijri_for_a_persian_reader(self):
        """The date widgets of PDF reports and portal pages, rendered for a Persian user."""
        html = self._render_qweb(self.user_fa, "fa_IR")
        self.assertIn("1405/01/01", html)
        self.assertIn("1 فروردین 1405", html)
        self.assertIn("1405/02/01", html)
        self.assertNotIn("2026", html)

    def test_english_reader_sees_gregorian(self):
        html = self._render_qweb(self.user_en, "en_US")
        self.assertIn("03/21/2026", html)
        self.assertIn("21 March 2026", html)

    def test_document_in_the_recipients_language(self):
        """An English user prints a PDF for a Persian customer (rendered in Persian):
        Solar Hijri; the same user's own English PDF: Gregorian."""
        self.assertIn("1405/01/01", self._render_qweb(self.user_en, "fa_IR"))
        self.user_fa.calendar_system = "gregorian"
        self.assertIn("2026/03/21", self._render_qweb(self.user_fa, "fa_IR"))

    def test_persian_digits_setting(self):
        self.user_fa.persian_digits = True
        html = self._render_qweb(self.user_fa, "fa_IR")
        self.assertIn("۱۴۰۵/۰۱/۰۱", html)

    def test_email_dates_in_solar_hijri_for_a_persian_recipient(self):
        template = self.template.with_user(self.user_en).with_context(due=DAY, moment=MOMENT)
        body = template._render_field("body_html", self.partner.ids, compute_lang=True)
        subject = template._render_field("subject", self.partner.ids, compute_lang=True)
        self.assertEqual(subject[self.partner.id], "Due 1405/01/01")
        self.assertIn("1405/01/01", body[self.partner.id])
        self.assertIn("at 1405/02/01 00:30:00", body[self.partner.id])
        self.partner.lang = "en_US"
        body = template._render_field("body_html", self.partner.ids, compute_lang=True)
        self.assertIn("03/21/2026", body[self.partner.id])
