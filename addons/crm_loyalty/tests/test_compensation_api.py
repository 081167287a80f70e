from odoo.exceptions import AccessError, UserError
from odoo.service.model import get_public_method
from odoo.tests import new_test_user, tagged

from .common import LoyaltyCase


@tagged("post_install", "-at_install")
class TestCompensationApi(LoyaltyCase):
    """loyalty.card._crm_grant_points: what crm_complaints calls for goodwill points."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.crm_loyalty_compensation_program_id = cls.program
        cls.customer = cls.env["res.partner"].create({"name": "Unhappy Ltd", "is_company": True})
        cls.contact = cls.env["res.partner"].create(
            {"name": "Unhappy Contact", "parent_id": cls.customer.id}
        )
        # any record can be the source: here a sales order stands in for a complaint
        cls.source = cls.order(cls.customer, amount=10.0, confirm=False)

    def grant(self, *args, user=None, **kwargs):
        Card = self.env["loyalty.card"]
        if user:
            Card = Card.with_user(user)
        return Card._crm_grant_points(*args, **kwargs)

    def test_grant_creates_the_card_of_the_commercial_partner(self):
        line = self.grant(self.contact, 50, "Late delivery", source=self.source, user=self.manager)
        card = line.card_id
        self.assertEqual(card.partner_id, self.customer)
        self.assertEqual(card.program_id, self.program)
        self.assertEqual(card.points, 50)
        self.assertEqual(line.crm_kind, "compensation")
        self.assertEqual(line.crm_points, 50)
        self.assertEqual(line.crm_balance, 50)
        self.assertEqual(line.crm_reason, "Late delivery")
        self.assertEqual(
            line.description,
            "Points granted as compensation",
            "the member reads a neutral line on the portal, not the staff's reason",
        )
        self.assertEqual(line.crm_source_ref, self.source)
        self.assertEqual(line.create_uid, self.manager)
        self.assertEqual(line.crm_remaining, 50, "the points are a lot the member can spend")
        # a second grant goes to the same card
        second = self.grant(self.customer, 20, "Broken part", user=self.manager)
        self.assertEqual(second.card_id, card)
        self.assertEqual(card.points, 70)
        self.assertEqual(second.crm_balance, 70)
        self.assertLedgerConsistent(card)

    def test_other_addons_call_it_with_sudo(self):
        salesman = new_test_user(
            self.env, "plain_salesman", groups="sales_team.group_sale_salesman"
        )
        Card = self.env["loyalty.card"].with_user(salesman)
        with self.assertRaises(AccessError):
            Card._crm_grant_points(self.customer, 10, "Sorry")
        with self.assertRaises(AccessError):
            Card.with_user(self.user)._crm_grant_points(self.customer, 10, "Sorry")
        line = Card.sudo()._crm_grant_points(self.customer, 10, "Sorry", source=self.source)
        self.assertEqual(line.create_uid, salesman, "the ledger names who granted them")
        self.assertEqual(line.card_id.points, 10)

    def test_not_callable_over_rpc(self):
        with self.assertRaises(AccessError):
            get_public_method(self.env["loyalty.card"], "_crm_grant_points")

    def test_explicit_programme(self):
        other = self.program.copy({"name": "Other Club"})
        line = self.grant(self.customer, 5, "Goodwill", program=other)
        self.assertEqual(line.card_id.program_id, other)

    def test_bad_input_changes_nothing(self):
        Card = self.env["loyalty.card"]
        # the quotation made the customer's (empty) card, as sale_loyalty does
        cards = Card.search([("partner_id", "=", self.customer.id)])
        cases = [
            ((self.customer, 0, "Sorry"), {}, "positive number"),
            ((self.customer, -5, "Sorry"), {}, "positive number"),
            ((self.customer, "5", "Sorry"), {}, "positive number"),
            ((self.customer, 5, "   "), {}, "reason cannot be empty"),
            ((self.customer, 5, ""), {}, "reason cannot be empty"),
        ]
        for args, kwargs, text in cases:
            with self.subTest(args=args), self.assertRaisesText(UserError, text):
                self.grant(*args, **kwargs)
        self.program.crm_whole_points = True
        with self.assertRaisesText(UserError, "whole"):
            self.grant(self.customer, 2.5, "Sorry")
        self.program.crm_whole_points = False

        self.company.crm_loyalty_compensation_program_id = False
        with self.assertRaisesText(UserError, "No compensation programme is set"):
            self.grant(self.customer, 5, "Sorry")
        plain = self.program.copy({"name": "Plain Club", "crm_enabled": False})
        with self.assertRaisesText(UserError, "does not run with the points ledger"):
            self.grant(self.customer, 5, "Sorry", program=plain)
        archived = self.program.copy({"name": "Old Club"})
        archived.active = False
        with self.assertRaisesText(UserError, "archived"):
            self.grant(self.customer, 5, "Sorry", program=archived)
        other_company = self.env["res.company"].create({"name": "Other Loyalty Co"})
        foreign = self.program.copy({"name": "Foreign Club", "company_id": other_company.id})
        with self.assertRaisesText(UserError, "belongs to Other Loyalty Co"):
            self.grant(self.customer, 5, "Sorry", program=foreign)
        self.assertEqual(Card.search([("partner_id", "=", self.customer.id)]), cards)
        self.assertFalse(cards.history_ids, "no points were granted")

    def test_lines_come_back_in_the_callers_environment(self):
        """The ledger writes as the superuser behind its own guards; its callers get the
        line in their own environment: no superuser, nothing that lets them rewrite it."""
        line = self.grant(self.customer, 10, "Sorry", user=self.manager)
        self.assertFalse(line.env.su)
        self.assertEqual(line.env.uid, self.manager.id)
        with self.assertRaisesText(UserError, "cannot be changed"):
            line.write({"issued": 10**6})
        with self.assertRaisesText(UserError, "cannot be changed"):
            line.sudo().write({"crm_remaining": 10**6})
        # the card it made is the caller's too
        with self.assertRaises(AccessError):
            line.card_id.with_user(self.user).write({"points": 10**6})
        self.assertEqual(line.card_id.points, 10)
