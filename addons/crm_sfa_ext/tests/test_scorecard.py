from datetime import date

from freezegun import freeze_time

from odoo.tests import tagged

from .common import SfaCase


@tagged("post_install", "-at_install")
@freeze_time("2028-02-29 10:00:00")
class TestScorecardForecast(SfaCase):
    """The scorecard's forecast accuracy: that of the month's salespeople's snapshots."""

    def test_forecast_accuracy_reconciles_with_the_snapshots(self):
        deal = self.opportunity(100000, 50, "commit")
        self.opportunity(30000, 60).action_set_won()
        Snapshot = self.env["crm.forecast.snapshot"]
        Snapshot._take("month", self.today)
        deal.action_set_won()
        Snapshot._update_actuals()
        scorecard = self.env["crm.scorecard"]
        scorecard._compute_months(self.env.company, [date(2028, 2, 1)])
        row = scorecard.search(
            [("company_id", "=", self.env.company.id), ("month", "=", date(2028, 2, 1))]
        )
        [(accuracy,)] = Snapshot._read_group(
            [
                ("company_id", "=", self.env.company.id),
                ("period_type", "=", "month"),
                ("date_from", "=", date(2028, 2, 1)),
                ("user_id", "!=", False),
            ],
            [],
            ["accuracy:avg"],
        )
        self.assertTrue(accuracy)
        self.assertAlmostEqual(row.forecast_accuracy, accuracy)
        mine = Snapshot.search([("user_id", "=", self.seller.id), ("period_type", "=", "month")])
        # 130,000 won against 80,000 weighted (50% of 100,000 and the 30,000 won)
        self.assertAlmostEqual(mine.accuracy, 100 * (1 - 50000 / 130000), places=2)
