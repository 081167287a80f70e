from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from .common import ComplaintCase, RpcMixin

ACCESS_ERROR = "odoo.exceptions.AccessError"
# the fields of a complaint the service team keeps for itself
INTERNAL_FIELDS = [
    "priority",
    "severity",
    "customer_value_tier",
    "customer_segment_id",
    "cost",
    "escalation_level",
    "sla_policy_id",
    "sla_status",
    "sla_resolution_deadline",
    "sla_breached",
    "root_cause_id",
    "capa_ids",
    "remedy_ids",
    "resolution",
    "team_id",
    "reopen_count",
    "date_first_response",
    "similar_complaint_ids",
    "acknowledgement_pending",
    "web_order_ref",
    "intake_ip",
]


@tagged("post_install", "-at_install")
class TestCustomerPosts(HttpCase, ComplaintCase, RpcMixin):
    """What a portal customer sends on their own complaint over JSON-RPC (as a script
    would, not the portal's chatter) reaches nothing that is not theirs: no other
    attachment is read or deleted, no stranger is emailed, no refused file comes in, no
    gateway or notification method runs, and the complaint's internal fields stay
    unreadable."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.portal_user = new_test_user(
            cls.env, "cmp_rpc_portal", groups="base.group_portal", email="rpc@example.com"
        )
        cls.own = cls.complaint(subject="Mine", partner_id=cls.portal_user.partner_id.id)
        cls.foreign = cls.complaint(subject="Theirs")
        cls.stranger = cls.env["res.partner"].create(
            {"name": "Any Contact", "email": "any.contact@example.com"}
        )
        # another customer's files: refused by the intake filter if they came in now
        cls.company.crm_complaint_max_attachment_mb = 1
        cls.theirs = cls.env["ir.attachment"].create(
            [
                {
                    "name": "payroll.exe",
                    "raw": b"MZ",
                    "res_model": "crm.complaint",
                    "res_id": cls.foreign.id,
                },
                {
                    "name": "scan.pdf",
                    "raw": b"0" * (2 * 1024 * 1024),
                    "res_model": "crm.complaint",
                    "res_id": cls.foreign.id,
                },
            ]
        )
        # an upload of someone else, still pending on the composer
        cls.pending_other = (
            cls.env["ir.attachment"]
            .with_user(cls.agent)
            .create(
                {
                    "name": "draft.bat",
                    "raw": b"@echo",
                    "res_model": "mail.compose.message",
                    "res_id": 0,
                }
            )
        )

    def setUp(self):
        super().setUp()
        self.authenticate(self.portal_user.login, self.portal_user.login)

    def own_messages(self):
        self.env.invalidate_all()
        return self.own.message_ids

    @mute_logger("odoo.http")
    def test_others_attachments_are_neither_deleted_nor_read(self):
        before = set(self.own_messages().ids)
        attachments = self.theirs | self.pending_other
        self.call_kw(
            "crm.complaint",
            "message_post",
            [[self.own.id]],
            {
                "body": "see",
                "message_type": "comment",
                "subtype_xmlid": "mail.mt_comment",
                "attachment_ids": attachments.ids,
            },
        )
        self.env.invalidate_all()
        self.assertEqual(attachments.exists(), attachments, "nothing of another was deleted")
        self.assertEqual(self.theirs.mapped("res_id"), [self.foreign.id] * 2)
        new = self.own_messages().filtered(lambda m: m.id not in before)
        self.assertFalse(new.attachment_ids)
        for name in attachments.mapped("name"):
            self.assertNotIn(name, "".join(new.mapped("body")), "no other's file is named")

    @mute_logger("odoo.http")
    def test_own_refused_uploads_are_removed_and_named(self):
        uploads = (
            self.env["ir.attachment"]
            .with_user(self.portal_user)
            .sudo()
            .create(
                [
                    {"name": n, "raw": b"x", "res_model": "mail.compose.message", "res_id": 0}
                    for n in ("photo.jpg", "trick.exe.")
                ]
            )
        )
        message_id = self.call_kw(
            "crm.complaint",
            "message_post",
            [[self.own.id]],
            {
                "body": "files",
                "message_type": "comment",
                "subtype_xmlid": "mail.mt_comment",
                "attachment_ids": uploads.ids,
            },
        )
        message = self.env["mail.message"].browse(message_id)
        self.assertEqual(message.attachment_ids.mapped("name"), ["photo.jpg"])
        self.assertIn("trick.exe. was not kept", message.body)
        self.assertEqual(len(uploads.exists()), 1)

    @mute_logger("odoo.http")
    def test_only_followers_are_notified(self):
        self.env["mail.mail"].search([]).unlink()
        self.call_kw(
            "crm.complaint",
            "message_post",
            [[self.own.id]],
            {
                "body": "hello",
                "message_type": "comment",
                "subtype_xmlid": "mail.mt_comment",
                "partner_ids": self.stranger.ids,
            },
        )
        self.assertNotIn(self.stranger, self.own_messages()[0].partner_ids)
        self.assertFalse(
            self.env["mail.mail"].search([("recipient_ids", "in", self.stranger.ids)]),
            "the company emails no contact for a customer",
        )

    @mute_logger("odoo.http")
    def test_what_the_route_refuses_is_refused(self):
        count = len(self.own_messages())
        for kwargs in (
            {"body": "x", "attachments": [["run.exe", "MZ"]]},
            {"body": "x", "author_id": self.stranger.id},
            {"body": "x", "email_from": "ceo@example.com"},
            {"body": "x", "message_type": "email"},
            {"body": "x", "subtype_xmlid": "mail.mt_activities"},
            {"body": "x", "subtype_xmlid": "mail.mt_note"},
            {"body": "<b>x</b>", "body_is_html": True},
        ):
            with self.subTest(kwargs=list(kwargs)):
                error = self.call_kw_error(
                    "crm.complaint", "message_post", [[self.own.id]], kwargs
                )
                self.assertEqual(error, ACCESS_ERROR)
        self.assertEqual(len(self.own_messages()), count)
        self.assertFalse(self.env["ir.attachment"].search([("name", "=", "run.exe")]))

    @mute_logger("odoo.http")
    def test_gateway_and_notification_methods_are_not_the_customers(self):
        self.own.action_wait_customer()
        count = len(self.own_messages())
        calls = [
            ("message_update", [[self.own.id], {"email_from": "rpc@example.com"}], {}),
            ("message_new", [{"email_from": "rpc@example.com", "subject": "x"}], {}),
            ("message_notify", [[self.own.id]], {"partner_ids": self.stranger.ids, "body": "x"}),
            (
                "message_post_with_source",
                [[self.own.id], "crm_complaints.mail_template_complaint_received"],
                {},
            ),
            ("rating_apply", [[self.own.id], 1], {}),
        ]
        for method, args, kwargs in calls:
            with self.subTest(method=method):
                self.assertEqual(
                    self.call_kw_error("crm.complaint", method, args, kwargs), ACCESS_ERROR
                )
        self.env.invalidate_all()
        self.assertEqual(self.own.state, "waiting", "no RPC reply puts it back to work")
        self.assertEqual(len(self.own_messages()), count)
        self.assertEqual(self.env["crm.complaint"].search_count([("subject", "=", "x")]), 0)

    @mute_logger("odoo.http")
    def test_internal_fields_are_not_the_customers(self):
        for name in INTERNAL_FIELDS:
            with self.subTest(field=name):
                error = self.call_kw_error("crm.complaint", "read", [[self.own.id], [name]])
                self.assertEqual(error, ACCESS_ERROR)
        visible = self.call_kw("crm.complaint", "fields_get", [], {"attributes": ["type"]})
        self.assertFalse(set(INTERNAL_FIELDS) & set(visible))
        # what the portal shows stays readable, in the model's own order
        rows = self.call_kw(
            "crm.complaint",
            "search_read",
            [[]],
            {"fields": ["name", "subject", "stage_id", "create_date", "user_id"]},
        )
        self.assertEqual([row["id"] for row in rows], [self.own.id])

    def test_the_portal_page_still_shows_the_resolution(self):
        self.own.write({"resolution": "<p>We replaced the table.</p>"})
        self.own.action_resolve()
        page = self.url_open(f"/my/complaints/{self.own.id}")
        self.assertEqual(page.status_code, 200)
        self.assertIn("We replaced the table.", page.text)
        self.assertIn("Mine", self.url_open("/my/complaints").text)
