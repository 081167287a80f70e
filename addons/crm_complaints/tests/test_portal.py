import re

from odoo.exceptions import AccessError
from odoo.tests import HttpCase, new_test_user, tagged

from .common import ComplaintCase

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@tagged("post_install", "-at_install")
class TestPortal(HttpCase, ComplaintCase):
    """Portal pages and the public form, through real HTTP requests: a portal user sees and
    answers only their own company's complaints, files new ones with attachments; anyone
    files one on /complaint, with the order reference checked and a rate limit."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_partner = cls.env["res.partner"].create(
            {"name": "Portal Customer Ltd", "is_company": True, "email": "ltd@example.com"}
        )
        cls.portal_user = new_test_user(
            cls.env,
            "cmp_portal",
            groups="base.group_portal",
            name="Pat Portal",
            email="pat@example.com",
        )
        cls.portal_user.partner_id.parent_id = cls.company_partner
        cls.colleague = cls.env["res.partner"].create(
            {"name": "Colleague", "parent_id": cls.company_partner.id}
        )
        cls.own = cls.complaint(subject="Our own complaint", partner_id=cls.colleague.id)
        cls.foreign = cls.complaint(subject="Someone else's complaint")
        cls.order, _delivery, _invoice = cls.delivered_order(partner=cls.company_partner)
        cls.foreign_order, _d, _i = cls.delivered_order()

    def csrf(self, url):
        response = self.url_open(url)
        self.assertEqual(response.status_code, 200)
        return CSRF.search(response.text).group(1)

    def post(self, url, data, files=None):
        data = dict(data, csrf_token=self.csrf(url))
        response = self.url_open(url, data=data, files=files)
        self.env.invalidate_all()
        return response

    def test_home_entry_before_the_first_complaint(self):
        newcomer = new_test_user(self.env, "cmp_newcomer", groups="base.group_portal")
        self.authenticate(newcomer.login, newcomer.login)
        response = self.url_open("/my")
        self.assertIn('href="/my/complaints"', response.text)
        listing = self.url_open("/my/complaints")
        self.assertIn("You have no complaint", listing.text)

    def test_portal_user_sees_only_their_company_complaints(self):
        self.authenticate(self.portal_user.login, self.portal_user.login)
        listing = self.url_open("/my/complaints").text
        self.assertIn(self.own.name, listing)
        self.assertNotIn(self.foreign.name, listing)
        page = self.url_open(f"/my/complaints/{self.own.id}")
        self.assertIn("Our own complaint", page.text)
        other = self.url_open(f"/my/complaints/{self.foreign.id}")
        self.assertNotIn("Someone else", other.text)
        self.assertTrue(other.url.endswith("/my"))
        # the access token of the customer's email opens the page without login
        self.logout()
        token_page = self.url_open(self.own.get_portal_url())
        self.assertIn("Our own complaint", token_page.text)

    def test_rpc_reads_are_limited_to_own_complaints(self):
        Complaint = self.env["crm.complaint"].with_user(self.portal_user)
        self.assertEqual(Complaint.search([]), self.own)
        Complaint.browse(self.own.id).read(["subject"])
        with self.assertRaises(AccessError):
            Complaint.browse(self.foreign.id).read(["subject"])
        with self.assertRaises(AccessError):
            Complaint.browse(self.own.id).write({"subject": "changed"})
        self.authenticate(self.portal_user.login, self.portal_user.login)
        result = self.make_jsonrpc_request(
            "/web/dataset/call_kw",
            {
                "model": "crm.complaint",
                "method": "search_read",
                "args": [[]],
                "kwargs": {"fields": ["subject"]},
            },
        )
        self.assertEqual([row["id"] for row in result], [self.own.id])

    def test_portal_new_complaint_and_reply(self):
        self.authenticate(self.portal_user.login, self.portal_user.login)
        response = self.post(
            "/my/complaints/new",
            {
                "subject": "Chair wobbles",
                "description": "One leg is shorter.\nPlease help.",
                "order_ref": self.order.name,
            },
            files={"attachments": ("leg.jpg", b"\xff\xd8jpeg", "image/jpeg")},
        )
        complaint = self.env["crm.complaint"].search([("subject", "=", "Chair wobbles")])
        self.assertEqual(len(complaint), 1)
        self.assertTrue(response.url.endswith(f"/my/complaints/{complaint.id}"))
        self.assertEqual(complaint.channel, "portal")
        self.assertEqual(complaint.partner_id, self.portal_user.partner_id)
        self.assertEqual(complaint.sale_order_id, self.order)
        self.assertIn("leg.jpg", complaint.message_ids.attachment_ids.mapped("name"))
        # a reply through the portal chatter joins the thread
        self.make_jsonrpc_request(
            "/mail/message/post",
            {
                "thread_model": "crm.complaint",
                "thread_id": complaint.id,
                "post_data": {"body": "Any news?", "message_type": "comment"},
            },
        )
        self.env.invalidate_all()
        self.assertEqual(complaint.message_ids[0].author_id, self.portal_user.partner_id)

    def test_portal_bad_input_creates_nothing(self):
        self.authenticate(self.portal_user.login, self.portal_user.login)
        before = self.env["crm.complaint"].search_count([])
        empty = self.post("/my/complaints/new", {"subject": " ", "description": "x"})
        self.assertIn("what the complaint is about", empty.text)
        huge = self.post("/my/complaints/new", {"subject": "Long", "description": "x" * 30000})
        self.assertIn("too long", huge.text)
        other = self.post(
            "/my/complaints/new",
            {"subject": "Theirs", "description": "x", "order_ref": self.foreign_order.name},
        )
        self.assertIn("We find no order", other.text)
        self.assertEqual(self.env["crm.complaint"].search_count([]), before)

    def test_public_form(self):
        page = self.url_open("/complaint")
        self.assertIn("Tell us what went wrong", page.text)
        response = self.post(
            "/complaint",
            {
                "name": "Walk-in Walter",
                "email": "walter@example.net",
                "subject": "Rude delivery driver",
                "description": "He threw the parcel.",
            },
        )
        self.assertIn("registered as", response.text)
        complaint = self.env["crm.complaint"].search([("subject", "=", "Rude delivery driver")])
        self.assertEqual(complaint.channel, "web")
        # filed unlinked until Walter confirms his address (tests/test_public_form.py)
        self.assertFalse(complaint.partner_id)
        self.assertEqual(complaint.email_from, "walter@example.net")
        self.assertEqual(complaint.partner_name, "Walk-in Walter")
        self.assertTrue(complaint.sudo().intake_ip)

    def test_public_form_limits_the_rate(self):
        self.company.crm_complaint_web_limit = 2
        for subject in ("Once", "Again", "And again"):
            response = self.post(
                "/complaint",
                {
                    "name": "Spam",
                    "email": "spam@example.net",
                    "subject": subject,
                    "description": "x",
                },
            )
        self.assertIn("several complaints from you", response.text)
        self.assertFalse(self.env["crm.complaint"].search([("subject", "=", "And again")]))
        self.company.crm_complaint_web_limit = 100
        missing = self.post(
            "/complaint", {"name": "", "email": "x", "subject": "s", "description": "d"}
        )
        self.assertIn("Give your name", missing.text)

    def test_portal_attachments_isolated_and_limited(self):
        mine = self.env["ir.attachment"].create(
            {
                "name": "mine.pdf",
                "raw": b"%PDF mine",
                "res_model": "crm.complaint",
                "res_id": self.own.id,
            }
        )
        theirs = self.env["ir.attachment"].create(
            {
                "name": "theirs.pdf",
                "raw": b"%PDF",
                "res_model": "crm.complaint",
                "res_id": self.foreign.id,
            }
        )
        # portal users reach files through the tokens of the pages they may see
        self.authenticate(self.portal_user.login, self.portal_user.login)
        token = mine.generate_access_token()[0]
        self.assertEqual(
            self.url_open(f"/web/content/{mine.id}?access_token={token}").content, b"%PDF mine"
        )
        self.assertNotEqual(self.url_open(f"/web/content/{theirs.id}").status_code, 200)
        with self.assertRaises(AccessError):
            self.env["ir.attachment"].with_user(self.portal_user).browse(theirs.id).read(["name"])
        # a file posted in the portal chatter obeys the intake limits
        self.company.crm_complaint_max_attachment_mb = 1
        uploads = (
            self.env["ir.attachment"]
            .with_user(self.portal_user)
            .sudo()
            .create(
                [
                    {
                        "name": "ok.png",
                        "raw": b"\x89PNG small",
                        "res_model": "mail.compose.message",
                        "res_id": 0,
                    },
                    {
                        "name": "big.zip",
                        "raw": b"0" * (2 * 1024 * 1024),
                        "res_model": "mail.compose.message",
                        "res_id": 0,
                    },
                    {
                        "name": "run.exe",
                        "raw": b"MZ",
                        "res_model": "mail.compose.message",
                        "res_id": 0,
                    },
                ]
            )
        )
        # as the portal's chatter controller posts, once it has checked the access
        message = (
            self.own.with_user(self.portal_user)
            .sudo()
            .message_post(
                body="Here are the files", message_type="comment", attachment_ids=uploads.ids
            )
        )
        self.assertEqual(message.sudo().attachment_ids.mapped("name"), ["ok.png"])
        self.assertIn("big.zip was not kept", message.body)
        self.assertIn("run.exe was not kept", message.body)
        self.assertEqual(len(uploads.exists()), 1)
