from datetime import date

from odoo.tests import freeze_time, tagged

from .common import LoyaltyCase


@tagged("post_install", "-at_install")
class TestScorecardLoyalty(LoyaltyCase):
    """The scorecard's loyalty columns on a known ledger, equal to the points report's."""

    def test_members_liability_and_breakage_reconcile_with_the_points_report(self):
        self.program.write({"crm_point_value": 0.05, "crm_expiry_months": 1})
        with freeze_time("2025-01-10 10:00:00"):
            self.order(amount=300)
            self.env["loyalty.card"]._crm_grant_points(
                self.partner, 20, "Sorry", program=self.program
            )
        with freeze_time("2025-01-20 10:00:00"):
            spend = self.redeem(self.order(amount=10, confirm=False))
            spend.action_confirm()
        with freeze_time("2025-02-15 10:00:00"):
            self.order(self.env["res.partner"].create({"name": "February Member"}), amount=80)
        with freeze_time("2025-03-01 10:00:00"):
            self.env["loyalty.history"]._crm_expire_points()
        scorecard = self.env["crm.scorecard"]
        months = [date(2025, 1, 1), date(2025, 2, 1), date(2025, 3, 1)]
        scorecard._compute_months(self.company, months)
        rows = {
            row.month: row
            for row in scorecard.search(
                [("company_id", "=", self.company.id), ("month", "in", months)]
            )
        }
        january, february, march = (rows[m] for m in months)
        # 310 earned + 20 granted - 100 redeemed = 230 points at 0.05
        self.assertAlmostEqual(january.loyalty_liability, 11.5)
        self.assertEqual((january.loyalty_members, february.loyalty_members), (1, 2))
        self.assertEqual(january.loyalty_breakage, 0.0)
        # the January points expire on 1 March: the 230 points' value is breakage
        self.assertAlmostEqual(march.loyalty_breakage, 11.5)
        report = self.env["crm.loyalty.ledger.report"]._read_group(
            [("company_id", "=", self.company.id), ("month", "in", months)],
            ["month:month"],
            ["liability:sum", "expired:sum"],
        )
        self.assertEqual(len(report), 3)
        for month, liability, expired in report:
            row = rows[month]
            self.assertAlmostEqual(row.loyalty_liability, liability, msg=month)
            self.assertAlmostEqual(
                row.loyalty_breakage, expired * self.program.crm_point_value, msg=month
            )
