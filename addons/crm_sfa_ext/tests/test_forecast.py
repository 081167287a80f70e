from freezegun import freeze_time

from odoo.tests import new_test_user, tagged

from .common import SfaCase


@tagged("post_install", "-at_install")
@freeze_time("2028-02-29 10:00:00")
class TestForecast(SfaCase):
    """A known pipeline of the current month (a leap day, the last of its month: the clock is
    frozen, so that the figures never depend on the day the tests run):
    A 100,000 at 50 % (commit), B 40,000 at 25 % (best case), C 20,000 at 10 % (pipeline),
    D 30,000 won, E 10,000 lost."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.deal_a = cls.opportunity(100000, 50, "commit")
        cls.deal_b = cls.opportunity(40000, 25, "best_case")
        cls.deal_c = cls.opportunity(20000, 10)
        cls.deal_d = cls.opportunity(30000, 60)
        cls.deal_d.action_set_won()
        cls.deal_e = cls.opportunity(10000, 40, "commit")
        cls.deal_e.action_set_lost()
        cls.target = cls.env["crm.sales.target"].create(
            {
                "user_id": cls.seller.id,
                "team_id": cls.team.id,
                "period_type": "month",
                "date_from": cls.today,
                "target_revenue": 200000,
                "target_won_count": 4,
            }
        )

    def figures(self, **domain):
        [row] = self.env["crm.forecast.report"]._read_group(
            [("user_id", "=", self.seller.id)] + [(k, "=", v) for k, v in domain.items()],
            [],
            [
                "pipeline:sum",
                "weighted:sum",
                "commit:sum",
                "best_case:sum",
                "won_revenue:sum",
                "won_count:sum",
                "target_revenue:sum",
            ],
        )
        return row

    def test_weighted_commit_best_case_won(self):
        pipeline, weighted, commit, best_case, won, won_count, target = self.figures()
        self.assertEqual(pipeline, 160000)
        # 100,000 x 50 % + 40,000 x 25 % + 20,000 x 10 % + 30,000 won
        self.assertEqual(weighted, 92000)
        self.assertEqual(commit, 130000)
        self.assertEqual(best_case, 170000)
        self.assertEqual((won, won_count), (30000, 1))
        self.assertEqual(target, 200000)

    def test_dashboard_against_target(self):
        order = self.env["sale.order"].create(
            {
                "partner_id": self.env["res.partner"].create({"name": "Forecast buyer"}).id,
                "user_id": self.seller.id,
                "team_id": self.team.id,
                "order_line": [
                    (0, 0, {"product_id": self.env["product.product"].create(
                        {"name": "Forecast desk", "list_price": 5000, "taxes_id": [(5, 0, 0)]}
                    ).id, "product_uom_qty": 1})
                ],
            }
        )  # fmt: skip
        order.action_confirm()
        target = self.target
        target.invalidate_recordset()
        self.assertEqual(target.weighted, 92000)
        self.assertEqual(target.commit, 130000)
        self.assertEqual(target.best_case, 170000)
        self.assertEqual(target.won_revenue, 30000)
        self.assertEqual(target.won_count, 1)
        self.assertEqual(target.ordered, 5000)
        self.assertAlmostEqual(target.attainment, 15.0)
        self.assertAlmostEqual(target.forecast_attainment, 46.0)
        # the team's target sums every salesperson of the team
        team_target = self.env["crm.sales.target"].create(
            {"team_id": self.team.id, "period_type": "quarter", "date_from": self.today,
             "target_revenue": 500000}
        )  # fmt: skip
        self.opportunity(50000, 20, user=self.other_seller)
        self.assertEqual(team_target.weighted, 92000 + 10000)

    def test_dashboard_reads_in_constant_queries(self):
        targets = self.target | self.env["crm.sales.target"].create(
            [
                {"user_id": self.other_seller.id, "date_from": self.today, "target_revenue": 1},
                {"user_id": self.manager.id, "date_from": self.today, "target_revenue": 1},
            ]
        )
        targets.invalidate_recordset()
        with self.assertQueryCount(2):
            targets.mapped("weighted")

    def test_groups_in_odoo_order(self):
        """Grouped by salesperson (or team, or month), the report's groups come in Odoo's
        order (salespeople by name, the rows without one last going up, first going down),
        though it orders the few groups after grouping, in one more query."""
        zed = new_test_user(self.env, "sfa_zed", name="Zed Forecast", groups="base.group_user")
        abe = new_test_user(self.env, "sfa_abe", name="Abe Forecast", groups="base.group_user")
        self.opportunity(1000, 50, user=zed)
        self.opportunity(2000, 50, user=abe, date_deadline=self.today.replace(day=1))
        self.opportunity(3000, 50, user_id=False)
        Report = self.env["crm.forecast.report"]
        domain = [("company_id", "=", self.company.id)]
        rows = Report.read_group(domain, ["pipeline:sum"], ["user_id"], lazy=False)
        names = [row["user_id"] and row["user_id"][1] for row in rows]
        self.assertLess(names.index("Abe Forecast"), names.index("Zed Forecast"))
        self.assertIs(names[-1], False)
        for groupby, order in (
            (["user_id"], "user_id desc"),
            (["team_id", "user_id"], "team_id, user_id desc"),
            (["date:month", "user_id"], "date:month desc, user_id"),
            (["user_id", "date:day"], None),
        ):
            with self.subTest(order=order):
                order = order or ",".join(groupby)
                # with a limit, Odoo's own ordering (its join on the salespeople)
                everything = 10**6
                self.assertEqual(
                    Report._read_group(domain, groupby, ["pipeline:sum"], order=order),
                    Report._read_group(
                        domain, groupby, ["pipeline:sum"], order=order, limit=everything
                    ),
                )
        Report.invalidate_model()
        with self.assertQueryCount(2):
            Report._read_group(domain, ["user_id"], ["pipeline:sum"], order="user_id")

    def test_snapshot_accuracy(self):
        Snapshot = self.env["crm.forecast.snapshot"]
        self.assertTrue(Snapshot._take("month", self.today))
        self.assertEqual(Snapshot._take("month", self.today), 0, "taken once per period")
        snapshot = Snapshot.search(
            [("user_id", "=", self.seller.id), ("period_type", "=", "month")]
        )
        self.assertEqual(len(snapshot), 1)
        self.assertEqual(
            (snapshot.weighted, snapshot.commit, snapshot.best_case, snapshot.won_at_snapshot),
            (92000, 130000, 170000, 30000),
        )
        self.assertEqual(snapshot.target_revenue, 200000)
        # the committed deal is won later in the month: 130,000 won against 92,000 forecast
        self.deal_a.action_set_won()
        Snapshot._update_actuals()
        self.assertEqual(snapshot.actual_won, 130000)
        self.assertEqual(snapshot.bias, -38000)
        self.assertAlmostEqual(snapshot.accuracy, 100 * (1 - 38000 / 130000), places=2)
        # the figures frozen in the snapshot do not move
        self.assertEqual(snapshot.weighted, 92000)

    def test_snapshot_wizard_and_cron(self):
        wizard = self.env["crm.forecast.snapshot.wizard"].create({"period_type": "quarter"})
        action = wizard.action_take()
        self.assertEqual(action["res_model"], "crm.forecast.snapshot")
        self.env["crm.forecast.snapshot"]._cron_take_snapshots()
        periods = (
            self.env["crm.forecast.snapshot"]
            .search([("user_id", "=", self.seller.id)])
            .mapped("period_type")
        )
        self.assertEqual(sorted(periods), ["month", "quarter", "year"])
