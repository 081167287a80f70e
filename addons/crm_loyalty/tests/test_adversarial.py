from odoo.addons.crm_identification.tests.common_rpc import ForgedCallMixin
from odoo.fields import Command
from odoo.tests import HttpCase, new_test_user, tagged

from .common import LoyaltyCase

# every context key this addon ever read (a client sends any of them with any call)
FORGED_CONTEXT = {
    "crm_loyalty_booking": True,
    "crm_loyalty_order_sync": True,
    "crm_loyalty_reason": "Forged by the client",
    "mail_notrack": True,
    "tracking_disable": True,
}
# what a refused call answers: an error the user reads, never a crash
REFUSALS = {
    "odoo.exceptions.AccessError",
    "odoo.exceptions.UserError",
    "odoo.exceptions.ValidationError",
    "odoo.exceptions.MissingError",
}
# buttons that open a list or a wizard of what the user reads anyway: they may answer (with
# nothing of another member's), everything else is refused
MAY_ANSWER = {
    "action_crm_adjust_points",
    "action_crm_transfer_points",
    "action_crm_open_ledger",
    "action_crm_open_members",
    "action_crm_open_points_report",
    "action_crm_open_migrations",
    "action_crm_check_ledger",
    "action_open_cards",
    "action_open_members",
}


@tagged("post_install", "-at_install")
class TestAdversarial(ForgedCallMixin, HttpCase, LoyaltyCase):
    """The addon tried as an attacker: a portal member against another member's cards,
    ledger, orders and invoices, and the lowest loyalty group (a salesperson who reads the
    members) against the ledger, each over /web/dataset/call_kw and /jsonrpc with every
    context key the addon reads. Every public method of the addon's models and every route
    is tried: 0 leaks, 0 writes, 0 server errors."""

    forged_context = FORGED_CONTEXT
    refusals = REFUSALS

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tier = cls.env["crm.loyalty.tier"].create(
            {"name": "Adversary Gold", "program_id": cls.program.id, "qualify_from": 10**6}
        )
        cls.member_a = new_test_user(cls.env, "adv_member_a", groups="base.group_portal")
        cls.member_b = new_test_user(cls.env, "adv_member_b", groups="base.group_portal")
        cls.partner_b = cls.member_b.partner_id
        cls.partner_b.name = "Secret Member B"
        cls.other_salesman = new_test_user(
            cls.env, "adv_salesman", groups="sales_team.group_sale_salesman"
        )
        cls.order_a = cls.order(cls.member_a.partner_id, amount=120)
        cls.order_b = cls.order(cls.partner_b, amount=300)
        cls.order_b.user_id = cls.other_salesman
        cls.card_a = cls.card(cls.member_a.partner_id)
        cls.card_b = cls.card(cls.partner_b)
        cls.give(50, partner=cls.partner_b, reason="Secret reason of the manager")
        cls.quotation_b = cls.order(cls.partner_b, amount=10, confirm=False)
        cls.quotation_b.user_id = cls.other_salesman
        cls.invoice_b = cls.order_b._create_invoices()
        cls.invoice_b.action_post()
        cls.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=cls.invoice_b.ids
        ).create({})._create_payments()
        cls.offer = cls.env["crm.loyalty.offer"].create(
            {
                "name": "Adversary offer",
                "program_id": cls.program.id,
                "points": 5,
                "segment_ids": [
                    Command.set(cls.env["crm.customer.segment"].search([], limit=1).ids)
                ],
            }
        )
        cls.plain = cls.program.copy({"name": "Adversary plain club", "crm_enabled": False})
        cls.plain_card = cls.env["loyalty.card"].create(
            {"program_id": cls.plain.id, "partner_id": cls.member_a.partner_id.id, "points": 5}
        )
        Wizard = cls.env["crm.loyalty.adjust"].with_user(cls.manager)
        cls.adjust = Wizard.create({"card_id": cls.card_b.id, "points": 10**6, "reason": "M"})
        cls.transfer = (
            cls.env["crm.loyalty.transfer"]
            .with_user(cls.manager)
            .create(
                {
                    "card_id": cls.card_b.id,
                    "target_card_id": cls.card_a.id,
                    "points": 10,
                    "reason": "M",
                }
            )
        )
        cls.update = (
            cls.env["loyalty.card.update.balance"]
            .with_user(cls.manager)
            .create({"card_id": cls.card_b.id, "new_balance": 10**6, "description": "M"})
        )
        # controls: the manager's request above their limit, their reconciliation and
        # manual tier wizards
        cls.approver = new_test_user(
            cls.env, "adv_approver", groups="crm_loyalty.group_crm_loyalty_manager"
        )
        cls.limit = cls.env["crm.loyalty.limit"].create(
            {"user_id": cls.manager.id, "approver_id": cls.approver.id, "adjust_points": 5}
        )
        Wizard.create({"card_id": cls.card_b.id, "points": 500, "reason": "M"}).action_confirm()
        cls.approval = cls.env["crm.loyalty.approval"].search([("card_id", "=", cls.card_b.id)])
        cls.reconciliation = (
            cls.env["crm.loyalty.reconciliation"].with_user(cls.manager).create({})
        )
        cls.override = (
            cls.env["crm.loyalty.tier.override"]
            .with_user(cls.manager)
            .create({"card_id": cls.card_b.id, "tier_id": cls.tier.id, "reason": "vip"})
        )

    # ------------------------------------------------------------------ helpers

    def snapshot(self):
        """The ledger, the cards and the orders as the database holds them."""
        self.env.flush_all()
        self.env.invalidate_all()
        cr = self.env.cr
        cr.execute(
            "SELECT id, card_id, issued, used, description, crm_kind, crm_remaining, "
            "crm_reason, crm_expiry_date FROM loyalty_history ORDER BY id"
        )
        lines = cr.fetchall()
        cr.execute(
            "SELECT id, points, program_id, partner_id, crm_tier_id, crm_qualifying, active "
            "FROM loyalty_card ORDER BY id"
        )
        cards = cr.fetchall()
        cr.execute("SELECT id, state FROM sale_order ORDER BY id")
        orders = cr.fetchall()
        cr.execute("SELECT id, state FROM account_move ORDER BY id")
        moves = cr.fetchall()
        cr.execute("SELECT id, state, issued_count FROM crm_loyalty_offer ORDER BY id")
        offers = cr.fetchall()
        return lines, cards, orders, moves, offers

    @property
    def partials(self):
        lines = self.invoice_b.line_ids
        return lines.matched_debit_ids | lines.matched_credit_ids

    def attempts(self):
        """Every public method of the addon's models, with another member's or another
        salesperson's ids: (model, method, args). Writes must be refused; calls that may
        answer (an action opening a list the user reads anyway) are checked for leaks and
        writes like the others."""
        own, other = self.card_a.id, self.card_b.id
        other_line = self.card_b.history_ids[:1].id
        program = self.program.id
        order_line = self.order_b.order_line[:1].ids
        return [
            ("loyalty.card", "write", [[other], {"points": 10**6}]),
            ("loyalty.card", "write", [[own], {"points": 10**6}]),
            ("loyalty.card", "write", [[own], {"crm_tier_id": self.tier.id}]),
            ("loyalty.card", "write", [[own], {"crm_qualifying": 10**7}]),
            ("loyalty.card", "write", [[other], {"partner_id": self.member_a.partner_id.id}]),
            ("loyalty.card", "write", [[own], {"program_id": self.plain.id}]),
            (
                "loyalty.card",
                "create",
                [
                    [
                        {
                            "program_id": program,
                            "partner_id": self.member_a.partner_id.id,
                            "points": 9,
                        }
                    ]
                ],
            ),
            ("loyalty.card", "action_crm_adjust_points", [[other]]),
            ("loyalty.card", "action_crm_transfer_points", [[other]]),
            ("loyalty.card", "action_crm_open_ledger", [[other]]),
            ("loyalty.history", "create", [[{"card_id": own, "description": "F", "issued": 9}]]),
            (
                "loyalty.history",
                "create",
                [[{"card_id": self.plain_card.id, "description": "F", "crm_remaining": 9}]],
            ),
            ("loyalty.history", "write", [[other_line], {"issued": 10**6}]),
            ("loyalty.history", "write", [[other_line], {"crm_remaining": 10**6}]),
            ("loyalty.history", "write", [[other_line], {"description": "Rewritten"}]),
            ("loyalty.history", "unlink", [[other_line]]),
            ("loyalty.program", "write", [[program], {"crm_enabled": False}]),
            ("loyalty.program", "create", [[{"name": "Forged"}]]),
            ("loyalty.program", "unlink", [[program]]),
            ("loyalty.program", "action_crm_open_members", [[program]]),
            ("loyalty.program", "action_crm_open_points_report", [[program]]),
            ("loyalty.program", "action_crm_open_migrations", [[program]]),
            ("loyalty.program", "action_crm_check_ledger", [[program]]),
            ("crm.loyalty.offer", "action_issue", [[self.offer.id]]),
            ("crm.loyalty.offer", "action_open_cards", [[self.offer.id]]),
            ("crm.loyalty.tier", "create", [[{"name": "Forged", "program_id": program}]]),
            ("crm.loyalty.tier", "action_open_members", [[self.tier.id]]),
            ("sale.order", "action_confirm", [self.quotation_b.ids]),
            (
                "sale.order.line",
                "create",
                [
                    [
                        {
                            "order_id": self.order_b.id,
                            "name": "F",
                            "coupon_id": other,
                            "points_cost": 10**6,
                            "product_id": self.product.id,
                        }
                    ]
                ],
            ),
            ("sale.order.line", "write", [order_line, {"points_cost": 10**6}]),
            ("sale.order.line", "unlink", [order_line]),
            ("account.move", "button_draft", [self.invoice_b.ids]),
            ("account.move", "button_cancel", [self.invoice_b.ids]),
            ("account.partial.reconcile", "create", [[{"amount": 1.0}]]),
            ("account.partial.reconcile", "unlink", [self.partials.ids]),
            ("crm.loyalty.adjust", "create", [[{"card_id": other, "points": 9, "reason": "F"}]]),
            (
                "crm.loyalty.transfer",
                "create",
                [[{"card_id": other, "target_card_id": own, "points": 9, "reason": "F"}]],
            ),
            # the manager's own wizards, confirmed by the attacker
            ("crm.loyalty.adjust", "action_confirm", [self.adjust.ids]),
            ("crm.loyalty.transfer", "action_confirm", [self.transfer.ids]),
            ("loyalty.card.update.balance", "action_update_card_point", [self.update.ids]),
            # the books and the controls
            ("loyalty.program", "action_crm_post_entries", [[program]]),
            ("loyalty.program", "write", [[program], {"crm_point_value": 99}]),
            ("crm.loyalty.point.value", "create", [[{"program_id": program, "value": 99}]]),
            ("crm.loyalty.reconciliation", "create", [[{}]]),
            ("crm.loyalty.reconciliation", "action_compute", [self.reconciliation.ids]),
            (
                "crm.loyalty.tier.override",
                "create",
                [[{"card_id": own, "tier_id": self.tier.id, "date_end": "2099-01-01"}]],
            ),
            ("crm.loyalty.tier.override", "action_confirm", [self.override.ids]),
            ("crm.loyalty.tier.override", "action_end", [self.override.ids]),
            ("crm.loyalty.approval", "action_approve", [self.approval.ids]),
            ("crm.loyalty.approval", "action_refuse", [self.approval.ids]),
            ("crm.loyalty.limit", "write", [self.limit.ids, {"adjust_points": 10**6}]),
            ("crm.loyalty.limit", "unlink", [self.limit.ids]),
            (
                "crm.loyalty.limit",
                "create",
                [[{"user_id": self.uid, "approver_id": self.approver.id}]],
            ),
            (
                "loyalty.history",
                "write",
                [[other_line], {"crm_approval_id": self.approval.id}],
            ),
        ]

    def try_everything(self):
        before = self.snapshot()
        for model, method, args in self.attempts():
            with self.subTest(model=model, method=method):
                result, error = self.call(model, method, args)
                if method not in MAY_ANSWER:
                    self.assertTrue(error, f"{model}.{method} was not refused: {result}")
        # Odoo's Update Balance wizard: a salesperson may open it, not confirm it
        wizard, error = self.call(
            "loyalty.card.update.balance",
            "create",
            [[{"card_id": self.card_b.id, "new_balance": 10**6, "description": "F"}]],
        )
        if wizard:
            __, error = self.call(
                "loyalty.card.update.balance", "action_update_card_point", [wizard]
            )
        self.assertTrue(error, "the Update Balance wizard set a card's points")
        # and through the external API too
        for model, method, args in (
            (
                "loyalty.history",
                "create",
                [[{"card_id": self.card_a.id, "description": "F", "issued": 10**6}]],
            ),
            ("loyalty.card", "write", [self.card_a.ids, {"points": 10**6}]),
        ):
            __, error = self.call(model, method, args, route="jsonrpc")
            self.assertTrue(error, f"/jsonrpc {model}.{method} was not refused")
        self.assertEqual(self.snapshot(), before, "nothing changed")

    # ------------------------------------------------------------------ tests

    def test_every_public_method_is_tried(self):
        """The attempts cover every public method the addon defines: a new one fails here
        until it is added to them."""
        tried = {(model, method) for model, method, __ in self.attempts()}
        public = self.public_methods("crm_loyalty")
        self.assertFalse(public - tried, "public methods no adversarial test tries")

    def test_portal_member_against_another_member(self):
        self.as_user(
            self.member_a, [self.card_b.code, self.partner_b.name, "Secret reason of the manager"]
        )
        self.try_everything()
        # the routes: another member's card is not found, the own pages leak nothing
        for url in (
            f"/my/loyalty/{self.card_b.id}",
            f"/my/loyalty/{self.card_b.id}/page/2",
            "/my/loyalty/0",
            f"/report/pdf/crm_loyalty.report_loyalty_statement/{self.card_b.id}",
            f"/report/html/crm_loyalty.report_loyalty_statement/{self.card_b.id}",
        ):
            with self.subTest(url=url):
                response = self.url_open(url, allow_redirects=False)
                self.assertIn(response.status_code, (303, 403, 404), url)
                for secret in self.secrets:
                    self.assertNotIn(secret, response.text)
        for url in (
            "/my/loyalty",
            f"/my/loyalty/{self.card_a.id}",
            f"/my/loyalty/{self.card_a.id}/page/2",
            "/my/home",
        ):
            with self.subTest(url=url):
                response = self.url_open(url)
                self.assertEqual(response.status_code, 200)
                for secret in self.secrets:
                    self.assertNotIn(secret, response.text)

    def test_limited_manager_cannot_exceed_their_limit_or_approve_themselves(self):
        """A manager with a 5-point limit, over JSON-RPC with every context key: no
        balance written above the limit, no approval of their own request, no change of
        their own limits; Adjust Points above the limit only asks for approval."""
        self.as_user(self.manager, [])
        before = self.snapshot()
        for model, method, args in (
            ("loyalty.card", "write", [self.card_b.ids, {"points": 10**6}]),
            ("crm.loyalty.approval", "action_approve", [self.approval.ids]),
            ("crm.loyalty.approval", "action_refuse", [self.approval.ids]),
            ("crm.loyalty.limit", "write", [self.limit.ids, {"adjust_points": 10**6}]),
            ("crm.loyalty.limit", "unlink", [self.limit.ids]),
        ):
            for route in ("call_kw", "jsonrpc"):
                with self.subTest(model=model, method=method, route=route):
                    __, error = self.call(model, method, args, route=route)
                    self.assertTrue(error, f"{model}.{method} was not refused")
        wizard, error = self.call(
            "crm.loyalty.adjust",
            "create",
            [[{"card_id": self.card_b.id, "points": 300, "reason": "F"}]],
        )
        self.assertFalse(error)
        self.call("crm.loyalty.adjust", "action_confirm", [wizard])
        self.assertEqual(self.snapshot(), before, "no points without the approver")
        self.assertEqual(self.approval.state, "pending")
        self.assertEqual(
            self.env["crm.loyalty.approval"].search_count(
                [("card_id", "=", self.card_b.id), ("state", "=", "pending")]
            ),
            2,
            "the second request waits too",
        )

    def test_lowest_loyalty_group_cannot_forge_the_ledger(self):
        # the lowest group reads every member's card and ledger; another salesperson's
        # quotation is not theirs to read or confirm
        self.as_user(self.user, [self.quotation_b.name])
        self.try_everything()
        self.assertLedgerConsistent()
