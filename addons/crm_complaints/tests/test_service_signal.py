from odoo.addons.crm_identification.tests.common import InsightCase
from odoo.tests import tagged


@tagged("post_install", "-at_install")
class TestServiceSignal(InsightCase):
    """Repeated complaints, SLA breaches and low ratings raise the customer's churn risk
    at the next refresh of crm_identification: shown and explained on the Customer Insight
    tab, usable in segment rules."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.unhappy, cls.calm = cls.customer("Unhappy Buyer"), cls.customer("Calm Buyer")
        for partner in (cls.unhappy, cls.calm):
            for i in range(4):
                cls.order(partner, days_ago=30 * i, amount=300)
        cls.company.write(
            {
                "crm_complaint_signal_complaints": 3,
                "crm_complaint_signal_breaches": 2,
                "crm_complaint_signal_low_ratings": 1,
            }
        )

    def complain(self, partner, **values):
        return self.env["crm.complaint"].create(
            dict(values, subject="It broke again", partner_id=partner.id, team_id=False)
        )

    def test_complaints_breaches_and_low_ratings_put_the_customer_at_risk(self):
        self.refresh()
        self.assertEqual(self.score(self.unhappy).churn_status, "active")
        first = self.complain(self.unhappy)
        self.complain(self.unhappy).sla_status = "breached"
        closed = self.complain(self.unhappy, resolution="<p>Replaced.</p>")
        closed.action_resolve()
        closed.action_close()
        closed.rating_apply(1, token=closed._rating_get_access_token())
        self.complain(self.calm)
        self.refresh()
        score = self.score(self.unhappy)
        self.assertEqual(
            (
                score.complaint_count,
                score.complaint_breach_count,
                score.complaint_low_rating_count,
            ),
            (3, 1, 1),
        )
        self.assertTrue(score.churn_signal)
        self.assertEqual(score.churn_status, "at_risk")
        self.assertEqual(self.unhappy.crm_churn_status, "at_risk")
        self.assertIn("service signals", self.unhappy.crm_explanation)
        self.assertIn("3 complaints, 1 with the SLA breached, 1 low ratings", score.explanation)
        calm = self.score(self.calm)
        self.assertEqual((calm.complaint_count, calm.churn_status), (1, "active"))
        # a segment rule on the complaint figures
        segment = self.env["crm.customer.segment"].create(
            {"name": "Complainers", "sequence": 0, "rule_domain": "[('complaint_count', '>=', 2)]"}
        )
        self.refresh()
        self.assertEqual(self.score(self.unhappy).segment_id, segment)
        self.assertNotEqual(self.score(self.calm).segment_id, segment)
        # one signal alone is enough, and archived complaints no longer count
        (first | closed).active = False
        self.refresh()
        self.assertEqual(self.score(self.unhappy).churn_status, "active")
