from odoo.exceptions import AccessError, UserError
from odoo.fields import Command
from odoo.tests import new_test_user, tagged

from .common import LoyaltyCase


@tagged("post_install", "-at_install")
class TestSecurity(LoyaltyCase):
    """Groups under the CRM Suite category, and each company's loyalty data kept to it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_company = cls.env["res.company"].create({"name": "Other Loyalty Company"})
        cls.foreign_program = cls.program.copy(
            {"name": "Foreign Club", "company_id": cls.other_company.id}
        )
        cls.foreign_tier = cls.env["crm.loyalty.tier"].create(
            {"name": "Foreign Gold", "program_id": cls.foreign_program.id, "qualify_from": 0}
        )
        cls.foreign_offer = cls.env["crm.loyalty.offer"].create(
            {
                "name": "Foreign offer",
                "company_id": cls.other_company.id,
                "program_id": cls.foreign_program.id,
                "points": 5,
                "segment_ids": [
                    Command.set(cls.env["crm.customer.segment"].search([], limit=1).ids)
                ],
            }
        )
        cls.foreign_card = cls.env["loyalty.card"].create(
            {"program_id": cls.foreign_program.id, "partner_id": cls.partner.id}
        )
        cls.env["loyalty.history"]._crm_book(
            [{"card": cls.foreign_card, "kind": "adjust", "points": 10, "description": "x"}]
        )

    def test_groups_sit_under_the_suite_category(self):
        suite = self.env.ref("crm_identification.module_category_crm_suite")
        for xmlid in (
            "crm_loyalty.group_crm_loyalty_user",
            "crm_loyalty.group_crm_loyalty_manager",
        ):
            self.assertEqual(self.env.ref(xmlid).category_id.parent_id, suite)
        manager = self.env.ref("crm_loyalty.group_crm_loyalty_manager")
        self.assertIn(self.env.ref("crm_loyalty.group_crm_loyalty_user"), manager.implied_ids)

    def test_other_company_stays_out_of_sight(self):
        for model, record in (
            ("loyalty.card", self.foreign_card),
            ("loyalty.history", self.foreign_card.history_ids),
            ("crm.loyalty.tier", self.foreign_tier),
            ("crm.loyalty.offer", self.foreign_offer),
        ):
            Model = (
                self.env[model]
                .with_user(self.manager)
                .with_context(allowed_company_ids=[self.company.id])
            )
            with self.subTest(model=model):
                self.assertFalse(Model.search([("id", "in", record.ids)]))
                with self.assertRaises(AccessError):
                    Model.browse(record.ids).read(["id"])
        # with both companies selected, the manager sees them
        self.manager.company_ids = [Command.link(self.other_company.id)]
        both = (
            self.env["crm.loyalty.tier"]
            .with_user(self.manager)
            .with_context(allowed_company_ids=[self.company.id, self.other_company.id])
        )
        self.assertTrue(both.search([("id", "=", self.foreign_tier.id)]))

    def test_users_read_managers_configure(self):
        card = self.give(100)
        self.assertEqual(card.with_user(self.user).points, 100)
        self.assertTrue(self.lines(card).with_user(self.user).read(["crm_points"]))
        with self.assertRaises(AccessError):
            self.env["crm.loyalty.tier"].with_user(self.user).create(
                {"name": "Nope", "program_id": self.program.id, "qualify_from": 5}
            )
        with self.assertRaises(AccessError):
            self.env["crm.loyalty.adjust"].with_user(self.user).create(
                {"card_id": card.id, "points": 5, "reason": "Nope"}
            )
        with self.assertRaises(AccessError):
            self.program.with_user(self.user).crm_expiry_months = 3
        self.program.with_user(self.manager).crm_expiry_months = 3
        outsider = new_test_user(self.env, "loyalty_outsider", groups="base.group_user")
        with self.assertRaises(AccessError):
            self.env["crm.loyalty.tier.history"].with_user(outsider).search([])

    def test_company_bound_links_stay_in_their_company(self):
        """A record of one company cannot point at another company's tiers, cards,
        segments or programmes."""
        foreign_segment = self.env["crm.customer.segment"].create(
            {"name": "Foreign segment", "company_id": self.other_company.id}
        )
        card = self.give(10)
        cases = [
            (
                "tier history",
                lambda: self.env["crm.loyalty.tier.history"].create(
                    {
                        "card_id": card.id,
                        "new_tier_id": self.foreign_tier.id,
                        "direction": "up",
                    }
                ),
            ),
            (
                "offer",
                lambda: self.env["crm.loyalty.offer"].create(
                    {
                        "name": "Mixed offer",
                        "program_id": self.program.id,
                        "points": 5,
                        "segment_ids": [Command.set(foreign_segment.ids)],
                    }
                ),
            ),
            (
                "programme",
                lambda: self.program.write(
                    {"crm_segment_ids": [Command.set(foreign_segment.ids)]}
                ),
            ),
            (
                "programme tiers",
                lambda: self.program.write(
                    {"crm_tier_filter_ids": [Command.set(self.foreign_tier.ids)]}
                ),
            ),
            (
                "reward",
                lambda: self.reward.write({"crm_tier_ids": [Command.set(self.foreign_tier.ids)]}),
            ),
            (
                "compensation programme",
                lambda: self.company.write(
                    {"crm_loyalty_compensation_program_id": self.foreign_program.id}
                ),
            ),
        ]
        for name, attempt in cases:
            with self.subTest(name), self.assertRaises(UserError):
                attempt()
        self.assertFalse(self.program.crm_segment_ids)
        self.assertFalse(self.reward.crm_tier_ids)
