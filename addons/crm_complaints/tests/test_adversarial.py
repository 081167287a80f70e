import inspect
import json
import re

from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tests.common import JsonRpcException
from odoo.tools import mute_logger

from .common import ComplaintCase, RpcMixin

# the answers an attack may get: refused, never a server error (a 500 or an error log)
REFUSALS = {
    "odoo.exceptions.AccessError",
    "odoo.exceptions.UserError",
    "odoo.exceptions.MissingError",
    "odoo.exceptions.ValidationError",
}
# context keys this addon's code reads, and Odoo's that switch checks or mail off
CONTEXTS = [
    None,
    {
        "crm_complaint_auto_submitted": True,
        "crm_complaint_acknowledgement": True,
        "tracking_disable": True,
        "mail_notify_force_send": False,
        "mail_create_nosubscribe": True,
        "active_test": False,
    },
]
SECRETS = ("SECRET-B", "NOTE-B", "b-secret@example.com", "CAUSE-B")
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
MODULE = "odoo.addons.crm_complaints"


@tagged("post_install", "-at_install")
class TestAdversarial(HttpCase, ComplaintCase, RpcMixin):
    """Every route of the addon and every public method of its models, tried over HTTP and
    JSON-RPC (/web/dataset/call_kw and /jsonrpc) with other people's ids and the context
    keys the code reads: as a portal user of customer A against customer B, and as the
    lowest complaint group against another team's complaint. 0 leaks (nothing of B's in
    any answer), 0 writes (B's records unchanged), 0 server errors."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.ref("base.user_admin").sudo().company_ids |= cls.company
        cls.customer_a = cls.env["res.partner"].create({"name": "Customer A", "is_company": True})
        cls.customer_b = cls.env["res.partner"].create(
            {"name": "Customer B", "is_company": True, "email": "b-secret@example.com"}
        )
        cls.portal_a = new_test_user(cls.env, "cmp_adv_a", groups="base.group_portal")
        cls.portal_a.partner_id.parent_id = cls.customer_a
        cls.portal_b = new_test_user(cls.env, "cmp_adv_b", groups="base.group_portal")
        cls.portal_b.partner_id.parent_id = cls.customer_b
        cls.other_team = cls.env["crm.complaint.team"].create(
            {"name": "Other desk", "alias_name": "adv-other", "assignment_method": "manual"}
        )
        cls.cause = cls.env["crm.complaint.root.cause"].create({"name": "CAUSE-B"})
        cls.mine = cls.complaint(subject="Mine A", partner_id=cls.portal_a.partner_id.id)
        cls.theirs = cls.complaint(
            subject="SECRET-B",
            description="<p>SECRET-B description</p>",
            partner_id=cls.portal_b.partner_id.id,
            team_id=cls.other_team.id,
            root_cause_id=cls.cause.id,
            resolution="<p>SECRET-B resolution</p>",
        )
        cls.remedy = cls.env["crm.complaint.remedy"].create(
            {"complaint_id": cls.theirs.id, "remedy_type": "points", "points": 5, "note": "NOTE-B"}
        )
        cls.capa = cls.env["crm.complaint.capa"].create(
            {"complaint_id": cls.theirs.id, "name": "NOTE-B action"}
        )
        cls.attachment = cls.env["ir.attachment"].create(
            {
                "name": "NOTE-B.pdf",
                "raw": b"%PDF SECRET-B",
                "res_model": "crm.complaint",
                "res_id": cls.theirs.id,
            }
        )
        cls.theirs.message_post(
            body="SECRET-B internal note", subtype_xmlid="mail.mt_note", message_type="comment"
        )
        cls.order_b, cls.picking_b, cls.invoice_b = cls.delivered_order(partner=cls.customer_b)
        cls.order_b.sudo().crm_complaint_remedy_id = cls.remedy
        cls.rating_token = cls.theirs._rating_get_access_token()
        cls.merge = cls.env["crm.complaint.merge"].create(
            {"complaint_ids": [(6, 0, cls.theirs.ids)], "survivor_id": cls.theirs.id}
        )

    # --- what must not change ------------------------------------------------------------

    def snapshot(self):
        self.env.invalidate_all()
        records = (
            self.theirs,
            self.remedy,
            self.capa,
            self.attachment,
            self.order_b,
            self.picking_b,
            self.invoice_b,
            self.other_team,
            self.cause,
        )
        return {
            "records": [(r._name, r.id, str(r.exists() and r.write_date)) for r in records],
            "b_messages": len(self.theirs.message_ids),
            "b_followers": sorted(self.theirs.message_partner_ids.ids),
            "mails": self.env["mail.mail"].search_count([]),
            "notices": self.env["mail.notification"].search_count([]),
            "complaints": self.env["crm.complaint"]
            .with_context(active_test=False)
            .search_count([]),
            "remedies": self.env["crm.complaint.remedy"].search_count([]),
            "state": (
                self.theirs.stage_id.id,
                self.remedy.state,
                self.theirs.rating_last_value,
                self.invoice_b.state,
                self.picking_b.state,
            ),
        }

    def assert_no_leak(self, answer, what):
        text = answer if isinstance(answer, str) else json.dumps(answer, default=str)
        for secret in SECRETS:
            self.assertNotIn(secret, text, f"{what} leaks {secret}")

    def attack(self, model, method, args, kwargs=None, context=None, allowed=None):
        """One call_kw; answers the error or the result, after checking it leaks nothing.
        `allowed`: a result is acceptable (a search answering nothing of B's, say)."""
        try:
            result = self.call_kw(model, method, args, kwargs, context)
        except JsonRpcException as error:
            self.assertIn(error.args[0], REFUSALS, f"{model}.{method}: {error.args[0]}")
            return error.args[0]
        self.assertTrue(allowed, f"{model}.{method} on another's record succeeded: {result}")
        self.assert_no_leak(result, f"{model}.{method}")
        return result

    # --- the methods ---------------------------------------------------------------------

    def public_methods(self):
        """{model: names} of the public methods this addon defines on its models."""
        found = {}
        # models of the addons below this one; an addon above it (crm_sfa_ext's visits carry
        # the remedy-document contract) tries its own models in its own adversarial tests
        below = set()
        todo = [self.env["ir.module.module"]._get("crm_complaints")]
        while todo:
            module = todo.pop()
            if module.name not in below:
                below.add(module.name)
                todo.extend(module.dependencies_id.depend_id)
        for name in self.env.registry:
            if self.env[name]._original_module not in below:
                continue
            cls = type(self.env[name])
            for klass in cls.__mro__:
                if not klass.__module__.startswith(MODULE):
                    continue
                for attr, value in vars(klass).items():
                    if not attr.startswith("_") and inspect.isfunction(value):
                        found.setdefault(name, set()).add(attr)
        return found

    def calls(self, complaint, remedy):
        """(model, method, args, kwargs) of every public method, against `complaint` and
        `remedy` (another's)."""
        complaint_ids, remedy_ids = [complaint.id], [remedy.id]
        template = "crm_complaints.mail_template_complaint_received"
        return [
            ("crm.complaint", "read", [complaint_ids, ["subject", "description"]], {}),
            ("crm.complaint", "write", [complaint_ids, {"subject": "hacked"}], {}),
            ("crm.complaint", "unlink", [complaint_ids], {}),
            ("crm.complaint", "copy", [complaint_ids], {}),
            (
                "crm.complaint",
                "create",
                [
                    {
                        "subject": "forged",
                        "partner_id": self.portal_b.partner_id.id,
                        "team_id": complaint.team_id.id,
                    }
                ],
                {},
            ),
            ("crm.complaint", "action_start", [complaint_ids], {}),
            ("crm.complaint", "action_wait_customer", [complaint_ids], {}),
            ("crm.complaint", "action_resolve", [complaint_ids], {}),
            ("crm.complaint", "action_close", [complaint_ids], {}),
            ("crm.complaint", "action_reopen", [complaint_ids], {}),
            ("crm.complaint", "action_view_remedies", [complaint_ids], {}),
            ("crm.complaint", "action_view_duplicates", [complaint_ids], {}),
            ("crm.complaint", "action_merge_duplicates", [complaint_ids], {}),
            ("crm.complaint", "action_publish_answer", [complaint_ids], {}),
            ("crm.complaint", "action_unpublish_answer", [complaint_ids], {}),
            (
                "crm.complaint",
                "write",
                [complaint_ids, {"answer_title": "hacked", "answer_body": "hacked"}],
                {},
            ),
            (
                "crm.complaint.merge",
                "create",
                [
                    {
                        "complaint_ids": [(6, 0, [complaint.id, self.mine.id])],
                        "survivor_id": self.mine.id,
                    }
                ],
                {},
            ),
            ("crm.complaint.merge", "action_merge", [self.merge.ids], {}),
            ("crm.complaint", "rating_apply", [complaint_ids, 1], {"token": self.rating_token}),
            ("crm.complaint", "init", [], {}),
            (
                "crm.complaint",
                "message_new",
                [{"email_from": "b-secret@example.com", "subject": "forged"}],
                {},
            ),
            (
                "crm.complaint",
                "message_update",
                [complaint_ids, {"email_from": "b-secret@example.com"}],
                {},
            ),
            (
                "crm.complaint",
                "message_post",
                [complaint_ids],
                {"body": "forged", "message_type": "comment", "subtype_xmlid": "mail.mt_comment"},
            ),
            (
                "crm.complaint",
                "message_notify",
                [complaint_ids],
                {"body": "forged", "partner_ids": self.customer_b.ids},
            ),
            ("crm.complaint", "message_mail_with_source", [complaint_ids, template], {}),
            ("crm.complaint", "message_post_with_source", [complaint_ids, template], {}),
            ("crm.complaint.remedy", "read", [remedy_ids, ["note", "cost"]], {}),
            ("crm.complaint.remedy", "write", [remedy_ids, {"note": "hacked"}], {}),
            ("crm.complaint.remedy", "unlink", [remedy_ids], {}),
            (
                "crm.complaint.remedy",
                "create",
                [{"complaint_id": complaint.id, "remedy_type": "points", "points": 9}],
                {},
            ),
            ("crm.complaint.remedy", "action_create_document", [remedy_ids], {}),
            ("crm.complaint.remedy", "action_cancel", [remedy_ids], {}),
            ("crm.complaint.remedy", "action_open_document", [remedy_ids], {}),
            ("crm.complaint.capa", "write", [self.capa.ids, {"done": True}], {}),
            ("crm.complaint.capa", "read", [self.capa.ids, ["name"]], {}),
            ("crm.complaint.team", "write", [self.other_team.ids, {"name": "hacked"}], {}),
            ("crm.complaint.team", "action_open_complaints", [self.other_team.ids], {}),
            ("crm.complaint.root.cause", "write", [self.cause.ids, {"name": "hacked"}], {}),
            ("res.partner", "action_view_crm_complaints", [self.customer_b.ids], {}),
            ("sale.order", "write", [self.order_b.ids, {"crm_complaint_remedy_id": False}], {}),
            ("sale.order", "action_open_crm_complaint", [self.order_b.ids], {}),
            (
                "sale.order",
                "create",
                [{"partner_id": self.customer_b.id, "crm_complaint_remedy_id": remedy.id}],
                {},
            ),
            ("account.move", "button_cancel", [self.invoice_b.ids], {}),
            (
                "account.move",
                "write",
                [self.invoice_b.ids, {"crm_complaint_remedy_id": remedy.id}],
                {},
            ),
            (
                "account.move",
                "create",
                [{"partner_id": self.customer_b.id, "crm_complaint_remedy_id": remedy.id}],
                {},
            ),
            (
                "stock.picking",
                "write",
                [self.picking_b.ids, {"crm_complaint_remedy_id": remedy.id}],
                {},
            ),
            (
                "stock.picking",
                "create",
                [{"partner_id": self.customer_b.id, "crm_complaint_remedy_id": remedy.id}],
                {},
            ),
            ("loyalty.history", "write", [[1], {"crm_complaint_remedy_id": remedy.id}], {}),
            ("loyalty.history", "create", [{"crm_complaint_remedy_id": remedy.id}], {}),
            ("loyalty.history", "action_open_crm_complaint", [[1]], {}),
            ("crm.complaint.capa", "create", [{"complaint_id": complaint.id, "name": "x"}], {}),
            ("account.move", "action_open_crm_complaint", [self.invoice_b.ids], {}),
            ("stock.picking", "action_cancel", [self.picking_b.ids], {}),
            ("stock.picking", "action_open_crm_complaint", [self.picking_b.ids], {}),
            ("crm.complaint.web.attempt", "search_read", [[]], {"fields": ["key"]}),
            ("crm.complaint.web.attempt", "create", [{"key": "ip:x", "date": "2026-01-01"}], {}),
        ]

    def test_every_public_method_is_tried(self):
        tried = {(model, method) for model, method, _a, _k in self.calls(self.theirs, self.remedy)}
        for model, methods in self.public_methods().items():
            if self.env[model]._abstract:
                continue  # tried on the models that inherit them
            for method in methods:
                self.assertIn(
                    (model, method), tried, f"{model}.{method} is not tried by this test"
                )

    def run_attacks(self, user, complaint, remedy):
        self.authenticate(user.login, user.login)
        before = self.snapshot()
        for context in CONTEXTS:
            for model, method, args, kwargs in self.calls(complaint, remedy):
                with self.subTest(
                    user=user.login, call=f"{model}.{method}", context=bool(context)
                ):
                    # a complaint user opens a team's or a customer's complaints (the record
                    # rules then show them theirs only): an action, no record's data
                    allowed = user == self.agent and method in (
                        "action_open_complaints",
                        "action_view_crm_complaints",
                    )
                    self.attack(model, method, args, kwargs, context, allowed=allowed)
        # searches answer nothing of another's
        for context in CONTEXTS:
            rows = self.call_kw(
                "crm.complaint",
                "search_read",
                [[("id", "in", [complaint.id])]],
                {"fields": ["subject"]},
                context,
            )
            self.assertEqual(rows, [])
        self.assertEqual(self.snapshot(), before, f"{user.login} changed another's records")

    @mute_logger("odoo.http", "odoo.addons.base.models.ir_rule", "odoo.models")
    def test_portal_customer_against_another_customer(self):
        self.run_attacks(self.portal_a, self.theirs, self.remedy)

    @mute_logger("odoo.http", "odoo.addons.base.models.ir_rule", "odoo.models")
    def test_complaint_user_against_another_team(self):
        self.run_attacks(self.agent, self.theirs, self.remedy)

    @mute_logger("odoo.http", "odoo.addons.base.models.ir_rule", "odoo.models")
    def test_jsonrpc_endpoint(self):
        """/jsonrpc (execute_kw with a password), as external scripts call."""
        before = self.snapshot()
        for user in (self.portal_a, self.agent):
            uid = user.id
            for method, args in (
                ("read", [[self.theirs.id], ["subject"]]),
                ("write", [[self.theirs.id], {"subject": "hacked"}]),
                ("message_post", [[self.theirs.id]]),
            ):
                with self.subTest(user=user.login, method=method):
                    payload = {
                        "service": "object",
                        "method": "execute_kw",
                        "args": [
                            self.env.cr.dbname,
                            uid,
                            user.login,
                            "crm.complaint",
                            method,
                            args,
                            {"body": "x"} if method == "message_post" else {},
                        ],
                    }
                    try:
                        result = self.make_jsonrpc_request("/jsonrpc", payload)
                    except JsonRpcException as error:
                        self.assertIn(error.args[0], REFUSALS)
                    else:
                        self.fail(f"/jsonrpc {method} succeeded: {result}")
        self.assertEqual(self.snapshot(), before)

    @mute_logger("odoo.http", "odoo.addons.base.models.ir_rule", "odoo.models")
    def test_routes_as_another_customer(self):
        before = self.snapshot()
        self.authenticate(self.portal_a.login, self.portal_a.login)
        for url in (
            "/my",
            "/my/complaints",
            f"/my/complaints/{self.theirs.id}",
            f"/my/complaints/{self.theirs.id}?access_token=guess",
            f"/my/complaints/{self.theirs.id}?access_token=",
            "/my/complaints/999999999",
            f"/web/content/{self.attachment.id}",
            f"/web/content/{self.attachment.id}?access_token=guess",
            f"/web/image/{self.attachment.id}",
            f"/complaint/confirm/{self.theirs.id}?token=guess",
            "/complaint",
            "/my/complaints/new",
        ):
            with self.subTest(url=url):
                response = self.url_open(url)
                self.assertLess(response.status_code, 500)
                self.assert_no_leak(response.text, url)
        # the thread of another's complaint, through the mail and portal routes
        for route, params in (
            (
                "/mail/message/post",
                {
                    "thread_model": "crm.complaint",
                    "thread_id": self.theirs.id,
                    "post_data": {"body": "x", "message_type": "comment"},
                },
            ),
            (
                "/mail/message/post",
                {
                    "thread_model": "crm.complaint",
                    "thread_id": self.mine.id,
                    "post_data": {
                        "body": "x",
                        "message_type": "comment",
                        "attachment_ids": self.attachment.ids,
                        "partner_ids": self.customer_b.ids,
                    },
                },
            ),
            (
                "/mail/thread/data",
                {
                    "thread_model": "crm.complaint",
                    "thread_id": self.theirs.id,
                    "request_list": ["followers", "attachments", "suggestedRecipients"],
                },
            ),
            (
                "/mail/thread/messages",
                {"thread_model": "crm.complaint", "thread_id": self.theirs.id},
            ),
            (
                "/portal/chatter_init",
                {"thread_model": "crm.complaint", "thread_id": self.theirs.id},
            ),
            (
                "/mail/chatter_fetch",
                {"thread_model": "crm.complaint", "thread_id": self.theirs.id},
            ),
        ):
            with self.subTest(route=route, thread=params["thread_id"]):
                try:
                    answer = self.make_jsonrpc_request(route, params)
                except JsonRpcException as error:
                    self.assertIn(
                        error.args[0],
                        REFUSALS
                        | {"werkzeug.exceptions.NotFound", "werkzeug.exceptions.Forbidden"},
                    )
                else:
                    self.assert_no_leak(answer, route)
        # the forms, posted with another's order and email
        page = self.url_open("/my/complaints/new")
        csrf = CSRF.search(page.text).group(1)
        order = self.env["sale.order"].create({"partner_id": self.customer_b.id})
        order.action_confirm()
        response = self.url_open(
            "/my/complaints/new",
            data={
                "subject": "Their order",
                "description": "x",
                "order_ref": order.name,
                "csrf_token": csrf,
            },
        )
        self.assertIn("We find no order", response.text)
        self.assert_no_leak(response.text, "/my/complaints/new")
        self.logout()
        page = self.url_open("/complaint")
        csrf = CSRF.search(page.text).group(1)
        response = self.url_open(
            "/complaint",
            data={
                "name": "A",
                "email": "b-secret@example.com",
                "subject": "Pretending",
                "description": "x",
                "order_ref": order.name,
                "csrf_token": csrf,
            },
        )
        self.assertLess(response.status_code, 500)
        self.env.invalidate_all()
        filed = self.env["crm.complaint"].search([("subject", "=", "Pretending")])
        self.assertFalse(filed.partner_id)
        self.assertFalse(filed.sale_order_id)
        response = self.url_open(
            f"/complaint/confirm/{self.theirs.id}", data={"token": "guess", "csrf_token": csrf}
        )
        self.assertIn("This link is not valid", response.text)
        after = self.snapshot()
        # the public form filed one unlinked complaint (and emailed its confirmation link)
        for key in ("complaints", "mails", "notices"):
            after.pop(key), before.pop(key)
        self.assertEqual(after, before)
