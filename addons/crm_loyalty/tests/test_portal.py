from odoo.fields import Command
from odoo.tests import HttpCase, new_test_user, tagged

from .common import LoyaltyCase


@tagged("post_install", "-at_install")
class TestPortal(HttpCase, LoyaltyCase):
    """/my/loyalty and the RPC reads of a portal member: their own cards and ledger only,
    on every route; the page in Persian, right to left; tours of the portal page and of the
    backend card."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["crm.loyalty.tier"].create(
            [
                {"name": "Tour Silver", "program_id": cls.program.id, "qualify_from": 500},
                {"name": "Tour Gold", "program_id": cls.program.id, "qualify_from": 1000},
            ]
        )
        cls.member_a = new_test_user(cls.env, "member_a", groups="base.group_portal")
        cls.member_b = new_test_user(cls.env, "member_b", groups="base.group_portal")
        cls.partner_a = cls.member_a.partner_id
        cls.partner_a.name = "Tour Member"
        cls.partner_b = cls.member_b.partner_id
        cls.order(cls.partner_a, amount=600)
        cls.order(cls.partner_b, amount=300)
        cls.card_a = cls.card(cls.partner_a)
        cls.card_b = cls.card(cls.partner_b)

    def call_kw(self, model, method, args, **kwargs):
        return self.make_jsonrpc_request(
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": args, "kwargs": kwargs},
        )

    def test_member_sees_only_their_own_cards_and_ledger(self):
        self.authenticate("member_a", "member_a")
        page = self.url_open("/my/loyalty")
        self.assertEqual(page.status_code, 200)
        self.assertIn(self.card_a.code, page.text)
        self.assertIn("Tour Silver", page.text)
        self.assertNotIn(self.card_b.code, page.text)
        own = self.url_open(f"/my/loyalty/{self.card_a.id}")
        self.assertEqual(own.status_code, 200)
        self.assertIn("+600", own.text)
        self.assertEqual(self.url_open(f"/my/loyalty/{self.card_b.id}").status_code, 404)
        self.assertEqual(self.url_open("/my/loyalty/999999").status_code, 404)
        # loyalty's own portal routes keep to the member's cards too
        other = self.url_open(f"/my/loyalty_card/{self.card_b.id}/history", allow_redirects=False)
        self.assertEqual(other.status_code, 303)
        values = self.make_jsonrpc_request(f"/my/loyalty_card/{self.card_b.id}/values", {})
        self.assertEqual(values, {})
        home = self.url_open("/my/home")
        self.assertIn("/my/loyalty", home.text)

    def test_rpc_reads_keep_to_the_member(self):
        self.authenticate("member_a", "member_a")
        cards = self.call_kw(
            "loyalty.card",
            "search_read",
            [[]],
            fields=["points", "points_display", "crm_tier_id", "crm_qualifying_display"],
        )
        self.assertEqual([c["id"] for c in cards], self.card_a.ids)
        self.assertEqual(cards[0]["points"], 600)
        with self.assertRaisesRegex(Exception, "AccessError|not allowed"):
            self.call_kw("loyalty.card", "read", [self.card_b.ids], fields=["points"])
        lines = self.call_kw("loyalty.history", "search_read", [[]], fields=["card_id"])
        self.assertEqual({line["card_id"][0] for line in lines}, set(self.card_a.ids))
        with self.assertRaisesRegex(Exception, "AccessError|not allowed"):
            self.call_kw(
                "loyalty.history", "read", [self.card_b.history_ids.ids], fields=["issued"]
            )
        changes = self.call_kw("crm.loyalty.tier.history", "search_read", [[]], fields=["card_id"])
        self.assertEqual({c["card_id"][0] for c in changes}, set(self.card_a.ids))
        with self.assertRaisesRegex(Exception, "AccessError|not allowed"):
            self.call_kw("loyalty.card", "write", [self.card_a.ids, {"points": 10**6}])
        with self.assertRaisesRegex(Exception, "AccessError"):
            self.call_kw("loyalty.card", "_crm_grant_points", [[], self.partner_a.id, 100, "Free"])
        self.assertEqual(self.card_a.points, 600)

    def test_transfer_receiver_sees_a_neutral_line_only(self):
        """After a transfer the receiver reads that points came in, never the giver's card
        nor the manager's reason; the staff's side of a line stays out of RPC reads."""
        self.env["crm.loyalty.transfer"].with_user(self.manager).create(
            {
                "card_id": self.card_a.id,
                "target_card_id": self.card_b.id,
                "points": 100,
                "reason": "Family gift approved by the manager",
            }
        ).action_confirm()
        secrets = [self.card_a.code, self.card_a.display_name, "Family gift approved"]
        self.authenticate("member_b", "member_b")
        for url in (
            "/my/loyalty",
            f"/my/loyalty/{self.card_b.id}",
            f"/my/loyalty_card/{self.card_b.id}/history",
        ):
            page = self.url_open(url)
            self.assertEqual(page.status_code, 200, url)
            for secret in secrets:
                self.assertNotIn(secret, page.text, url)
        self.assertIn("Points received by transfer", self.url_open("/my/loyalty").text)
        values = self.make_jsonrpc_request(f"/my/loyalty_card/{self.card_b.id}/values", {})
        for secret in secrets:
            self.assertNotIn(secret, str(values))
        lines = self.call_kw("loyalty.history", "search_read", [[]])
        self.assertTrue(lines)
        for secret in secrets:
            self.assertNotIn(secret, str(lines))
        for field in ("crm_reason", "crm_source_ref", "crm_source_id", "crm_offer_id"):
            self.assertNotIn(field, lines[0])
            with self.assertRaisesRegex(Exception, "AccessError"):
                self.call_kw("loyalty.history", "read", [[lines[0]["id"]]], fields=[field])
        with self.assertRaisesRegex(Exception, "AccessError"):
            self.call_kw("loyalty.card", "read", [self.card_b.ids], fields=["crm_offer_id"])
        # the giver reads a neutral line too; the staff keep the whole story
        self.authenticate("member_a", "member_a")
        page = self.url_open(f"/my/loyalty/{self.card_a.id}")
        self.assertIn("Points transferred to another card", page.text)
        self.assertNotIn(self.card_b.code, page.text)
        received = self.lines(self.card_b, "transfer")
        self.assertEqual(received.crm_reason, "Family gift approved by the manager")
        self.assertEqual(received.crm_source_ref, self.card_a)

    def test_visitors_are_sent_to_log_in(self):
        response = self.url_open("/my/loyalty", allow_redirects=False)
        self.assertEqual(response.status_code, 303)
        self.assertIn("/web/login", response.headers["Location"])

    def test_persian_page_is_right_to_left(self):
        self.env["res.lang"]._activate_lang("fa_IR")
        self.env["ir.module.module"]._load_module_terms(["crm_loyalty"], ["fa_IR"], overwrite=True)
        self.member_a.lang = "fa_IR"
        self.authenticate("member_a", "member_a")
        page = self.url_open("/my/loyalty")
        self.assertIn("o_rtl", page.text)
        self.assertIn("web.assets_frontend.rtl", page.text)
        self.assertIn("امتیاز قابل خرج", page.text)
        self.assertIn("Tour Silver", page.text)

    def test_portal_tour(self):
        self.env["loyalty.reward"].create(
            {
                "program_id": self.program.id,
                "reward_type": "discount",
                "discount_mode": "per_order",
                "discount": 5,
                "required_points": 100,
                "description": "Tour reward",
                "crm_tier_ids": [Command.clear()],
            }
        )
        self.start_tour("/my/loyalty", "crm_loyalty_portal_tour", login="member_a")

    def test_backend_card_tour(self):
        self.start_tour(
            "/odoo/action-crm_loyalty.loyalty_card_action_crm",
            "crm_loyalty_card_tour",
            login="admin",
        )
        self.assertEqual(self.card_a.points, 650)
        self.assertEqual(self.lines(self.card_a, "adjust").crm_reason, "Birthday gift")
        self.assertLedgerConsistent(self.card_a)

    def test_dashboard_tour(self):
        self.start_tour(
            "/odoo/action-crm_loyalty.loyalty_program_action_crm_dashboard",
            "crm_loyalty_dashboard_tour",
            login="admin",
        )
