from psycopg2 import IntegrityError

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import TransactionCase, new_test_user, tagged
from odoo.tools import mute_logger


@tagged("post_install", "-at_install")
class TestTier(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.program = cls.env["loyalty.program"].create(
            {"name": "Club", "program_type": "loyalty", "applies_on": "both", "crm_enabled": True}
        )
        cls.user = new_test_user(
            cls.env, "loyal_user", groups="crm_loyalty.group_crm_loyalty_user"
        )
        cls.manager = new_test_user(
            cls.env, "loyal_manager", groups="crm_loyalty.group_crm_loyalty_manager"
        )

    def _tier(self, name, points, user=None):
        return (
            self.env["crm.loyalty.tier"]
            .with_user(user or self.manager)
            .create({"name": name, "program_id": self.program.id, "qualify_from": points})
        )

    def test_tiers_follow_points(self):
        gold = self._tier("Gold", 1000)
        silver = self._tier("Silver", 0)
        tiers = self.env["crm.loyalty.tier"].search([("program_id", "=", self.program.id)])
        self.assertEqual(tiers, silver + gold)

    def test_negative_points_refused(self):
        with self.assertRaisesRegex(ValidationError, "cannot be negative"):
            self._tier("Debt", -1)
        with self.assertRaisesRegex(ValidationError, "multiplier"):
            self.env["crm.loyalty.tier"].create(
                {"name": "Free", "program_id": self.program.id, "multiplier": 0}
            )

    def test_first_tier_starts_the_reviews(self):
        self.assertFalse(self.program.crm_next_review)
        self._tier("Silver", 0)
        self.assertTrue(self.program.crm_next_review)

    def test_two_tiers_cannot_start_at_the_same_points(self):
        self._tier("Silver", 0)
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
            self._tier("Bronze", 0)

    def test_user_cannot_configure_tiers(self):
        with self.assertRaises(AccessError):
            self._tier("Gold", 1000, user=self.user)
