from odoo.exceptions import AccessError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import SQL, mute_logger

from ..controllers.public_form import ANSWER_SEARCHES_PER_HOUR
from .common import ComplaintCase, RpcMixin
from .test_adversarial import CONTEXTS, REFUSALS


@tagged("post_install", "-at_install")
class TestPublishedAnswers(HttpCase, ComplaintCase, RpcMixin):
    """A manager publishes a proven solution as an answer: customers find it on the
    complaint forms as they type (/complaint/answers: its title and text only, nothing
    unpublished, nothing of the complaint it came from), agents get it as a canned reply;
    nobody else publishes, and customers read nothing more over JSON-RPC."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.proven = cls.complaint(
            subject="Wobbly chair of PRIVATE-CUSTOMER",
            description="<p>PRIVATE-DESCRIPTION the leg moves</p>",
            resolution="<p>Tighten the leg screws with the key under the seat.</p>",
        )
        cls.proven.action_resolve()
        cls.unpublished = cls.complaint(
            subject="Wobbly table",
            resolution="<p>UNPUBLISHED-SECRET fix for the wobbly table</p>",
        )
        cls.unpublished.action_resolve()
        cls.portal = new_test_user(cls.env, "cmp_answers_portal", groups="base.group_portal")

    def publish(self):
        self.proven.with_user(self.manager).write({"answer_title": "My chair wobbles"})
        self.proven.with_user(self.manager).action_publish_answer()

    def search_route(self, query):
        return self.make_jsonrpc_request("/complaint/answers", {"query": query})["answers"]

    def test_manager_publishes_an_answer_and_a_canned_reply(self):
        self.publish()
        self.assertTrue(self.proven.answer_published)
        self.assertIn("Tighten the leg screws", self.proven.answer_body)
        canned = self.proven.answer_canned_response_id
        self.assertIn("Tighten the leg screws", canned.substitution)
        self.assertEqual(
            canned.group_ids, self.env.ref("crm_complaints.group_crm_complaints_user")
        )
        # the agent finds it among their canned replies
        self.assertIn(canned, self.env["mail.canned.response"].with_user(self.agent).search([]))
        self.proven.with_user(self.manager).action_unpublish_answer()
        self.assertFalse(canned.exists())
        self.assertEqual(self.search_route("my chair wobbles"), [])

    def test_customers_find_the_published_answer_before_filing(self):
        self.publish()
        # anyone on the public form, then a portal user on theirs
        answers = self.search_route("the leg of my chair wobbles")
        self.assertEqual(len(answers), 1)
        self.assertEqual(answers[0]["title"], "My chair wobbles")
        self.assertIn("Tighten the leg screws", answers[0]["body"])
        self.assertEqual(set(answers[0]), {"title", "body"})
        self.authenticate(self.portal.login, self.portal.login)
        text = str(self.search_route("wobbly table chair leg PRIVATE"))
        self.assertIn("Tighten the leg screws", text)
        for secret in ("PRIVATE", "UNPUBLISHED-SECRET", self.proven.name, "Wobbly table"):
            self.assertNotIn(secret, text)
        self.assertEqual(self.search_route("something else entirely"), [])
        # the forms carry the place the answers show in
        for url in ("/complaint", "/my/complaints/new"):
            self.assertIn("o_crm_complaint_answers", self.url_open(url).text)

    def test_tour_the_answer_shows_before_filing(self):
        self.publish()
        self.start_tour(
            "/my/complaints/new", "crm_complaints_portal_answers_tour", login=self.portal.login
        )
        self.assertFalse(
            self.env["crm.complaint"].search([("partner_id", "=", self.portal.partner_id.id)])
        )

    def test_the_search_is_rate_limited(self):
        self.publish()
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "INSERT INTO crm_complaint_web_attempt (key, date)"
                " SELECT 'answers-ip:127.0.0.1', now() at time zone 'utc'"
                " FROM generate_series(1, %s)",
                ANSWER_SEARCHES_PER_HOUR,
            )
        )
        self.assertEqual(self.search_route("my chair wobbles"), [])

    def test_only_a_manager_publishes(self):
        with self.assertRaises(AccessError):
            self.proven.with_user(self.agent).action_publish_answer()
        with self.assertRaises(AccessError):
            self.proven.with_user(self.agent).write({"answer_body": "<p>mine</p>"})
        self.assertFalse(self.proven.answer_published)

    @mute_logger("odoo.http", "odoo.addons.base.models.ir_rule", "odoo.models")
    def test_portal_user_over_jsonrpc(self):
        """A customer (of the very complaint) reads no unpublished answer, publishes none,
        merges nothing, whatever the context."""
        self.publish()
        own = self.complaint(
            partner_id=self.portal.partner_id.id,
            product_id=self.product.id,
            resolution="<p>UNPUBLISHED-SECRET own</p>",
        )
        self.complaint(partner_id=self.portal.partner_id.id, product_id=self.product.id)
        self.authenticate(self.portal.login, self.portal.login)
        for context in CONTEXTS:
            for model, method, args, kwargs in (
                ("crm.complaint", "read", [own.ids, ["answer_body", "answer_title"]], {}),
                ("crm.complaint", "read", [self.unpublished.ids, ["answer_body"]], {}),
                ("crm.complaint", "search_read", [[("answer_published", "=", True)]], {}),
                ("crm.complaint", "action_publish_answer", [own.ids], {}),
                ("crm.complaint", "write", [own.ids, {"answer_title": "x"}], {}),
                ("crm.complaint", "action_merge_duplicates", [own.ids], {}),
                ("crm.complaint", "action_view_duplicates", [own.ids], {}),
                ("crm.complaint.merge", "create", [{"complaint_ids": [(6, 0, own.ids)]}], {}),
            ):
                with self.subTest(call=f"{model}.{method}", context=bool(context)):
                    error = self.call_kw_error(model, method, args, kwargs, context)
                    self.assertIn(error, REFUSALS)
        self.assertFalse(own.answer_published)
        self.assertFalse(own.merged_into_id)
