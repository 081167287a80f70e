import re
import threading
import uuid
from unittest.mock import patch

from odoo import sql_db
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import config, mute_logger

from .common import ComplaintCase

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
DONE = re.compile(r"o_crm_complaint_done[^>]*>(.*?)</div>", re.S)


@tagged("post_install", "-at_install")
class TestPublicForm(HttpCase, ComplaintCase):
    """/complaint as an attacker uses it: an unverified sender reaches no customer's
    contact or order, the answer says nothing of who is known, every try counts towards a
    limit that holds for simultaneous posts and per visitor behind a proxy, a captcha is
    asked when Odoo has one, and no file gets past the filter or is dropped silently."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_partner = cls.env["res.partner"].create(
            {"name": "Known Customer Ltd", "is_company": True, "email": "known@example.com"}
        )
        cls.portal_user = new_test_user(
            cls.env, "cmp_form_portal", groups="base.group_portal", email="known@example.com"
        )
        cls.portal_user.partner_id.parent_id = cls.company_partner
        cls.order, _delivery, _invoice = cls.delivered_order(partner=cls.company_partner)
        cls.foreign_order, _d, _i = cls.delivered_order()
        cls.company.crm_complaint_web_limit = 50

    def post(self, data, files=None, headers=None):
        token = CSRF.search(self.url_open("/complaint").text).group(1)
        response = self.url_open(
            "/complaint", data=dict(data, csrf_token=token), files=files, headers=headers
        )
        self.env.invalidate_all()
        return response

    def form(self, email, subject, order_ref=""):
        return {
            "name": "Mallory",
            "email": email,
            "subject": subject,
            "description": "Something happened.",
            "order_ref": order_ref,
        }

    def answer(self, response, complaint):
        """The success text of the page, the reference taken out."""
        return DONE.search(response.text).group(1).replace(complaint.name, "REF")

    def test_an_unverified_sender_reaches_no_customer(self):
        answers = []
        for email, ref, subject in (
            ("known@example.com", self.order.name, "Known email, own order"),
            ("known@example.com", self.foreign_order.name, "Known email, other order"),
            ("nobody@example.net", self.order.name, "Unknown email"),
        ):
            response = self.post(self.form(email, subject, ref))
            complaint = self.env["crm.complaint"].search([("subject", "=", subject)])
            self.assertEqual(len(complaint), 1)
            self.assertFalse(complaint.partner_id, "no contact before the sender confirms")
            self.assertFalse(complaint.sale_order_id)
            self.assertEqual(complaint.web_order_ref, ref, "kept for the team to match")
            self.assertNotIn("We find no order", response.text)
            answers.append(self.answer(response, complaint))
        self.assertEqual(len(set(answers)), 1, "one answer, whoever is known")
        self.assertFalse(self.env["res.partner"].search([("email", "=", "nobody@example.net")]))
        # not on the known customer's portal
        mine = self.env["crm.complaint"].with_user(self.portal_user).search([])
        self.assertFalse(mine.filtered(lambda c: c.channel == "web"))

    def test_the_confirmation_email_relays_nothing_the_sender_typed(self):
        self.post(
            dict(
                self.form("victim@example.org", "BUY CHEAP PILLS at spam.example"),
                name="Visit spam.example now",
            )
        )
        complaint = self.env["crm.complaint"].search([("email_from", "=", "victim@example.org")])
        mail = self.env["mail.mail"].search([("email_to", "=", "victim@example.org")])
        self.assertEqual(len(mail), 1)
        self.assertIn(complaint.name, mail.subject)
        self.assertIn(f"/complaint/confirm/{complaint.id}?token=", mail.body_html)
        for typed in ("spam.example", "PILLS", "Visit"):
            self.assertNotIn(typed, mail.subject + mail.body_html)
        # no acknowledgement to an unconfirmed address
        self.assertFalse(complaint.acknowledgement_pending)

    def test_confirming_links_the_contact_and_the_order(self):
        self.post(self.form("known@example.com", "Wobbly table", self.order.name))
        complaint = self.env["crm.complaint"].search([("subject", "=", "Wobbly table")])
        link = complaint._web_confirm_url()
        path, token = link.split("/complaint/confirm/")[1].split("?token=")
        # opening the link (as a mail scanner does) confirms nothing
        page = self.url_open(f"/complaint/confirm/{path}?token={token}")
        self.assertIn("Confirm your complaint", page.text)
        self.env.invalidate_all()
        self.assertFalse(complaint.partner_id)
        # a wrong token: the same answer for any complaint, nothing linked
        csrf = CSRF.search(page.text).group(1)
        wrong = self.url_open(
            f"/complaint/confirm/{complaint.id}", data={"token": "guess", "csrf_token": csrf}
        )
        self.assertIn("This link is not valid", wrong.text)
        self.env.invalidate_all()
        self.assertFalse(complaint.partner_id)
        done = self.url_open(
            f"/complaint/confirm/{complaint.id}", data={"token": token, "csrf_token": csrf}
        )
        self.assertIn("is confirmed", done.text)
        self.env.invalidate_all()
        known = self.env["res.partner"].search(
            [("email_normalized", "=", "known@example.com")], order="id", limit=1
        )
        self.assertEqual(complaint.partner_id, known)
        self.assertEqual(complaint.sale_order_id, self.order)
        self.assertTrue(complaint.acknowledgement_pending)
        again = self.url_open(
            f"/complaint/confirm/{complaint.id}", data={"token": token, "csrf_token": csrf}
        )
        self.assertIn("This link is not valid", again.text, "a link confirms once")

    def test_confirming_another_customers_order_does_not_link_it(self):
        self.post(self.form("known@example.com", "Not my order", self.foreign_order.name))
        complaint = self.env["crm.complaint"].search([("subject", "=", "Not my order")])
        token = complaint.sudo().web_confirm_token
        self.assertTrue(complaint._web_confirm(token))
        self.assertTrue(complaint.partner_id)
        self.assertFalse(complaint.sale_order_id)

    def test_failed_tries_count_towards_the_limit(self):
        self.company.crm_complaint_web_limit = 3
        for data in (
            dict(self.form("x@example.com", "s"), name=""),
            dict(self.form("not an email", "s")),
            dict(self.form("x@example.com", "")),
        ):
            self.assertIn("o_crm_complaint_error", self.post(data).text)
        refused = self.post(self.form("y@example.com", "Fourth try"))
        self.assertIn("several complaints from you", refused.text)
        self.assertFalse(self.env["crm.complaint"].search([("subject", "=", "Fourth try")]))
        # the email counts too, from another address
        self.company.crm_complaint_web_limit = 1
        with patch.dict(config.options, {"proxy_mode": True}):
            for visitor, email, answer in (
                ("192.0.2.1", "z@example.com", "o_crm_complaint_done"),
                ("192.0.2.2", "Z@Example.com", "several complaints from you"),
            ):
                headers = {"X-Forwarded-Host": "shop.example.com", "X-Forwarded-For": visitor}
                response = self.post(self.form(email, f"From {visitor}"), headers=headers)
                self.assertIn(answer, response.text)

    def test_behind_a_proxy_each_visitor_has_their_own_limit(self):
        self.company.crm_complaint_web_limit = 1
        headers = {"X-Forwarded-Host": "shop.example.com"}
        with patch.dict(config.options, {"proxy_mode": True}):
            for visitor in ("203.0.113.7", "198.51.100.20"):
                response = self.post(
                    self.form(f"{visitor}@example.com", f"From {visitor}"),
                    headers=dict(headers, **{"X-Forwarded-For": visitor}),
                )
                self.assertIn("o_crm_complaint_done", response.text)
                complaint = self.env["crm.complaint"].search([("subject", "=", f"From {visitor}")])
                self.assertEqual(complaint.sudo().intake_ip, visitor)
            again = self.post(
                self.form("other@example.com", "Again"),
                headers=dict(headers, **{"X-Forwarded-For": "203.0.113.7"}),
            )
        self.assertIn("several complaints from you", again.text)

    def test_a_captcha_is_asked_when_odoo_has_one(self):
        IrHttp = type(self.env["ir.http"])
        with patch.object(
            IrHttp, "_verify_request_recaptcha_token", create=True, return_value=False
        ) as verify:
            response = self.post(self.form("robot@example.com", "Robot"))
        verify.assert_called_with("crm_complaint")
        self.assertIn("We could not tell that a person sent this form", response.text)
        self.assertFalse(self.env["crm.complaint"].search([("subject", "=", "Robot")]))
        with patch.object(
            IrHttp, "_verify_request_recaptcha_token", create=True, return_value=True
        ):
            self.assertIn("o_crm_complaint_done", self.post(self.form("h@example.com", "Hu")).text)

    def test_no_file_passes_the_filter_or_is_dropped_silently(self):
        names = ["evil.exe.", "evil.exe ", "EVIL.EXE", "evil.exe. . "] + [
            f"photo{i}.jpg" for i in range(7)
        ]
        files = [("attachments", (name, b"data", "application/octet-stream")) for name in names]
        self.post(self.form("files@example.com", "Files"), files=files)
        complaint = self.env["crm.complaint"].search([("subject", "=", "Files")])
        kept = complaint.message_ids.attachment_ids.mapped("name")
        self.assertEqual(sorted(kept), [f"photo{i}.jpg" for i in range(6)])
        notes = "".join(complaint.message_ids.mapped("body"))
        self.assertEqual(notes.count("files of type .exe are not accepted"), 4)
        self.assertIn("photo6.jpg was not kept: at most 10 files", notes)

    def test_fifty_simultaneous_tries_keep_the_limit(self):
        """50 tries at once, each in its own database transaction (as 50 HTTP workers
        would): the hourly limit of 5 lets exactly 5 through."""
        Attempt = self.env["crm.complaint.web.attempt"]
        key = f"ip:test-{uuid.uuid4()}"
        database = sql_db.db_connect(self.env.cr.dbname)
        start = threading.Barrier(50)
        results = []

        def try_once():
            # a transaction of its own, committed on leaving the block
            with database.cursor() as cr:
                start.wait()
                results.append(Attempt._take_with(cr, [key], 5))

        threads = [threading.Thread(target=try_once) for _i in range(50)]
        try:
            with mute_logger("odoo.sql_db"):
                for thread in threads:
                    thread.start()
                for thread in threads:
                    thread.join()
        finally:
            with database.cursor() as cr:
                cr.execute("DELETE FROM crm_complaint_web_attempt WHERE key = %s", [key])
        self.assertEqual(len(results), 50)
        self.assertEqual(results.count(True), 5)
