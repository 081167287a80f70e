from contextlib import contextmanager

from odoo import fields
from odoo.tests import TransactionCase, new_test_user


class SfaCase(TransactionCase):
    """A sales team with two salespeople and a manager, and helpers for opportunities."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.company = cls.env.company
        cls.manager = new_test_user(
            cls.env, "sfa_boss", groups="crm_sfa_ext.group_crm_sfa_ext_manager"
        )
        cls.seller = new_test_user(
            cls.env, "sfa_seller", groups="crm_sfa_ext.group_crm_sfa_ext_user"
        )
        cls.other_seller = new_test_user(
            cls.env, "sfa_other_seller", groups="crm_sfa_ext.group_crm_sfa_ext_user"
        )
        cls.team = cls.env["crm.team"].create(
            {"name": "SFA Team", "user_id": cls.manager.id, "member_ids": [(6, 0, cls.seller.ids)]}
        )
        # the day in UTC: the day the tours' browser (in UTC) calls today, and the day the
        # reports date a deal won now (its closing time, in UTC); a user's time zone ahead
        # of UTC would be in the next day late in the evening
        cls.today = fields.Date.today()

    @contextmanager
    def assertRaisesText(self, exception, text):
        """assertRaises (which rolls the failed change back) and the message says ``text``."""
        with self.assertRaises(exception) as caught:
            yield
        self.assertIn(text, str(caught.exception))

    @classmethod
    def opportunity(cls, revenue, probability, category="pipeline", user=None, **values):
        return cls.env["crm.lead"].create(
            dict(
                {
                    "name": f"Deal {revenue}",
                    "type": "opportunity",
                    "user_id": (user or cls.seller).id,
                    "team_id": cls.team.id,
                    "expected_revenue": revenue,
                    "probability": probability,
                    "date_deadline": cls.today,
                    "sfa_forecast_category": category,
                },
                **values,
            )
        )
