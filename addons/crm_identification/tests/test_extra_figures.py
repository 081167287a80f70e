from datetime import timedelta
from unittest.mock import patch

from odoo.tests import tagged
from odoo.tools import SQL

from .common import InsightCase


@tagged("post_install", "-at_install")
class TestExtraFigures(InsightCase):
    """Other addons add figures to the insight rows through `_extra_figures`: here a
    provider flags customers listed in a table the test fills, as crm_complaints flags
    customers with repeated complaints."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.flagged, cls.calm = cls.customer("Flagged"), cls.customer("Calm")
        for partner in (cls.flagged, cls.calm):
            for i in range(4):
                cls.order(partner, days_ago=30 * i, amount=300)
        cls.env.cr.execute("CREATE TEMP TABLE test_signal (partner_id int)")

    def provider(self):
        def _extra_figures(score, company):
            return [
                (SQL("SELECT partner_id, TRUE AS churn_signal FROM test_signal"), ["churn_signal"])
            ]

        # on the registry's class: any other addon's provider is left out
        return patch.object(type(self.env["crm.customer.score"]), "_extra_figures", _extra_figures)

    def flag(self, *partners):
        self.env.cr.execute("DELETE FROM test_signal")
        for partner in partners:
            self.env.cr.execute(SQL("INSERT INTO test_signal VALUES (%s)", partner.id))

    def test_a_signal_puts_an_active_customer_at_risk_and_says_why(self):
        with self.provider():
            self.flag(self.flagged)
            self.refresh()
            flagged, calm = self.score(self.flagged), self.score(self.calm)
            self.assertEqual((flagged.churn_status, flagged.churn_signal), ("at_risk", True))
            self.assertEqual((calm.churn_status, calm.churn_signal), ("active", False))
            self.assertIn("service signals", flagged.explanation)
            self.assertNotIn("next order is overdue", flagged.explanation)
            self.assertEqual(self.flagged.crm_churn_status, "at_risk")
            # a segment rule may test the signal
            segment = self.env["crm.customer.segment"].create(
                {
                    "name": "Signalled",
                    "sequence": 0,
                    "rule_domain": "[('churn_signal', '=', True)]",
                }
            )
            self.refresh()
            self.assertEqual(self.score(self.flagged).segment_id, segment)
            self.assertNotEqual(self.score(self.calm).segment_id, segment)
            # the next night, nothing in the sales changed, the signal moved: the nightly
            # refresh rewrites the two rows whose signal changed
            self.flag(self.calm)
            stats = self.refresh(as_of=self.AS_OF + timedelta(days=1))
            self.assertEqual(stats["recomputed"], 0)
            self.assertEqual(self.score(self.flagged).churn_status, "active")
            self.assertEqual(self.score(self.calm).churn_status, "at_risk")
            self.assertEqual(self.flagged.crm_churn_status, "active")
            self.assertNotEqual(self.score(self.flagged).segment_id, segment)

    def test_a_provider_must_name_its_own_stored_fields(self):
        def _extra_figures(score, company):
            return [(SQL("SELECT id AS partner_id, 1 AS monetary FROM res_partner"), ["monetary"])]

        with patch.object(type(self.env["crm.customer.score"]), "_extra_figures", _extra_figures):
            with self.assertRaisesText(ValueError, "'monetary'"):
                self.refresh()
