import json
from datetime import date

from freezegun import freeze_time

from odoo.tests import HttpCase, new_test_user, tagged

from .common import SfaCase

MAY = (date(2029, 5, 1), date(2029, 5, 31))


@tagged("post_install", "-at_install")
@freeze_time("2029-05-15 10:00:00")
class TestForecastSheet(SfaCase):
    """May 2029, the seller: A 100,000 at 50 % expected on 15 May, U 60,000 at 30 % without
    an expected closing date, D 30,000 won; a target of 200,000. The other seller has
    50,000 at 20 % in May and no target; the manager only an undated deal."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.deal_a = cls.opportunity(100000, 50)
        cls.deal_u = cls.opportunity(60000, 30, date_deadline=False)
        cls.deal_d = cls.opportunity(30000, 60)
        cls.deal_d.action_set_won()
        cls.deal_o = cls.opportunity(50000, 20, user=cls.other_seller)
        cls.deal_m = cls.opportunity(7000, 10, user=cls.manager, date_deadline=False)
        cls.june_seller = new_test_user(
            cls.env, "sfa_june_seller", groups="crm_sfa_ext.group_crm_sfa_ext_user"
        )
        cls.opportunity(8000, 10, user=cls.june_seller, date_deadline=date(2029, 6, 3))
        cls.target = cls.env["crm.sales.target"].create(
            {"user_id": cls.seller.id, "team_id": cls.team.id, "date_from": MAY[0],
             "target_revenue": 200000}
        )  # fmt: skip
        Sheet = cls.env["crm.forecast.adjustment"]
        cls.added = Sheet._generate("month", date(2029, 5, 15))
        cls.line = Sheet.search([("user_id", "=", cls.seller.id), ("period_type", "=", "month")])

    def report(self, domain, *figures):
        [row] = self.env["crm.forecast.report"]._read_group(
            [("user_id", "=", self.seller.id), *domain], [], [f"{f}:sum" for f in figures]
        )
        return row

    def in_may(self):
        return ["&", ("date", ">=", MAY[0]), ("date", "<=", MAY[1])]

    def track(self, deal, **values):
        """Writes with mail tracking on, as a user would, and lets the tracking be saved."""
        deal.with_context(tracking_disable=False).write(values)
        self.env.flush_all()
        self.env.cr.precommit.run()

    def test_undated_opportunities_in_their_bucket(self):
        # the period alone leaves the undated deal out; the period or the bucket keeps it
        self.assertEqual(self.report(self.in_may(), "pipeline"), (100000,))
        self.assertEqual(
            self.report(
                ["|", ("undated", "=", True), *self.in_may()], "pipeline", "undated_pipeline"
            ),
            (160000, 60000),
        )
        self.assertEqual(self.target.undated_pipeline, 60000)
        self.assertEqual(self.line.undated_pipeline, 60000)
        # a date takes it out of the bucket into its period
        self.deal_u.date_deadline = date(2029, 5, 20)
        self.assertEqual(self.report(self.in_may(), "pipeline", "undated_pipeline"), (160000, 0))

    def test_pipeline_coverage(self):
        # still to win: 200,000 - 30,000 won; open weighted: 100,000 x 50 %
        self.assertEqual(
            self.report(self.in_may(), "still_to_win", "open_weighted"), (170000, 50000)
        )
        for record in (self.target, self.line):
            self.assertEqual(record.still_to_win, 170000)
            self.assertEqual(record.open_weighted, 50000)
            self.assertAlmostEqual(record.coverage, 50000 / 170000, places=4)
        self.assertEqual(self.line.target_revenue, 200000)
        self.assertEqual(self.line.weighted, 80000)
        # the target won: nothing left to cover
        self.deal_a.action_set_won()
        self.target.invalidate_recordset()
        self.assertEqual((self.target.still_to_win, self.target.coverage), (70000, 0.0))

    def test_every_salesperson_with_pipeline_has_a_line(self):
        lines = self.env["crm.forecast.adjustment"].search(
            [("period_type", "=", "month"), ("date_from", "=", MAY[0])]
        )
        # with a target, without one, with undated pipeline only (the demo's salespeople
        # with pipeline too); not a salesperson whose deals close in June
        self.assertEqual(self.added, len(lines))
        ours = self.seller | self.other_seller | self.manager
        self.assertEqual(lines.user_id & (ours | self.june_seller), ours)
        self.assertEqual(
            self.env["crm.forecast.adjustment"]._generate("month", date(2029, 5, 2)),
            0,
            "safe to run twice",
        )
        other = lines.filtered(lambda line: line.user_id == self.other_seller)
        self.assertEqual((other.target_revenue, other.weighted, other.coverage), (0, 10000, 0))
        self.assertEqual(
            lines.filtered(lambda line: line.user_id == self.manager).undated_pipeline, 7000
        )
        # the quarter's sheet too, in the company's calendar
        self.env["crm.forecast.adjustment"]._generate("quarter", date(2029, 5, 15))
        quarter = self.env["crm.forecast.adjustment"].search(
            [("period_type", "=", "quarter"), ("user_id", "=", self.seller.id)]
        )
        self.assertEqual(
            (quarter.date_from, quarter.date_to), (date(2029, 4, 1), date(2029, 6, 30))
        )

    def test_slippage(self):
        slipped = self.opportunity(40000, 40, date_deadline=date(2029, 5, 20))
        within = self.opportunity(20000, 40, date_deadline=date(2029, 5, 20))
        undated = self.opportunity(9000, 40, date_deadline=date(2029, 5, 25))
        back = self.opportunity(5000, 40, date_deadline=date(2029, 5, 25))
        # created in an earlier transaction (Odoo tracks no change of a record created in
        # the same one)
        self.env.cr.precommit.run()
        self.track(slipped, date_deadline=date(2029, 6, 10))
        self.track(within, date_deadline=date(2029, 5, 28))
        self.track(undated, date_deadline=False)
        self.track(back, date_deadline=date(2029, 7, 1))
        self.track(back, date_deadline=date(2029, 5, 30))
        self.line.invalidate_recordset()
        self.assertEqual((self.line.slipped_count, self.line.slipped_amount), (2, 49000))
        # out of May but still in the second quarter: the quarter did not slip
        self.env["crm.forecast.adjustment"]._generate("quarter", date(2029, 5, 15))
        quarter = self.env["crm.forecast.adjustment"].search(
            [("period_type", "=", "quarter"), ("user_id", "=", self.seller.id)]
        )
        self.assertEqual((quarter.slipped_count, quarter.slipped_amount), (1, 9000))
        action = self.line.action_open_slipped()
        self.assertIn(slipped, self.env["crm.lead"].search(action["domain"]))

    def test_adjustment_kept_with_history_and_accuracy(self):
        line = self.line.with_user(self.manager)
        self.assertEqual((line.adjusted_forecast, line.is_adjusted), (80000, False))
        line.write({"adjusted_amount": 90000, "adjustment_note": "Big deal in legal review"})
        self.assertEqual((line.adjusted_forecast, line.weighted), (90000, 80000))
        self.assertEqual((line.adjusted_by, line.is_adjusted), (self.manager, True))
        line.adjusted_amount = 120000
        history = line.history_ids.sorted("id")
        self.assertEqual(history.mapped("previous_amount"), [80000, 90000])
        self.assertEqual(history.mapped("amount"), [90000, 120000])
        self.assertEqual(history.changed_by, self.manager)
        self.assertEqual(history[0].note, "Big deal in legal review")
        # the month's snapshot: A is won, 130,000 in all; the manager's 120,000 was closer
        # than the weighted 80,000
        Snapshot = self.env["crm.forecast.snapshot"]
        Snapshot._take("month", date(2029, 5, 15))
        self.deal_a.action_set_won()
        Snapshot._update_actuals()
        snapshot = Snapshot.search(
            [("user_id", "=", self.seller.id), ("period_type", "=", "month")]
        )
        self.assertEqual(
            (snapshot.weighted, snapshot.adjusted, snapshot.actual_won), (80000, 120000, 130000)
        )
        self.assertAlmostEqual(snapshot.accuracy, 100 * (1 - 50000 / 130000), places=2)
        self.assertAlmostEqual(snapshot.adjusted_accuracy, 100 * (1 - 10000 / 130000), places=2)
        # back to the computed forecast, kept in the history too
        line.action_reset_adjustment()
        self.assertFalse(line.is_adjusted)
        self.assertEqual(len(line.history_ids), 3)
        self.assertTrue(line.history_ids.sorted("id")[-1].reset)
        Snapshot._update_actuals()
        self.assertEqual(snapshot.adjusted, snapshot.weighted)

    def test_salesperson_reads_own_line_only(self):
        Sheet = self.env["crm.forecast.adjustment"].with_user(self.seller)
        self.assertEqual(Sheet.search([]), self.line)
        self.assertEqual(Sheet.browse(self.line.id).weighted, 80000)
        self.assertFalse(Sheet.browse(self.line.id).can_adjust)
        self.assertTrue(self.line.with_user(self.manager).can_adjust)


@tagged("post_install", "-at_install")
class TestForecastSheetRpc(HttpCase, SfaCase):
    """A salesperson cannot adjust a forecast, theirs or anybody's, whatever the client sends."""

    def call_kw(self, model, method, args, kwargs=None):
        response = self.url_open(
            "/web/dataset/call_kw",
            data=json.dumps(
                {
                    "jsonrpc": "2.0",
                    "method": "call",
                    "params": {
                        "model": model,
                        "method": method,
                        "args": args,
                        "kwargs": dict(kwargs or {}, context={"tracking_disable": True}),
                    },
                }
            ),  # fmt: skip
            headers={"Content-Type": "application/json"},
        )
        self.assertEqual(response.status_code, 200)
        return response.json()

    def test_salesperson_cannot_adjust_over_rpc(self):
        Sheet = self.env["crm.forecast.adjustment"]
        lines = Sheet.create(
            [
                {"user_id": user.id, "company_id": self.company.id, "period_type": "month",
                 "date_from": MAY[0], "date_to": MAY[1]}
                for user in (self.seller, self.other_seller)
            ]
        )  # fmt: skip
        lines[1].with_user(self.manager).adjusted_amount = 4321
        history = lines[1].history_ids
        self.authenticate(self.seller.login, self.seller.login)
        attempts = [
            ("crm.forecast.adjustment", "write", [lines.ids, {"adjusted_amount": 999999}]),
            ("crm.forecast.adjustment", "write", [lines[:1].ids, {"adjusted_amount": 999999}]),
            ("crm.forecast.adjustment", "action_reset_adjustment", [lines.ids]),
            ("crm.forecast.adjustment", "create", [{"user_id": self.seller.id,
             "period_type": "month", "date_from": "2029-06-01", "date_to": "2029-06-30",
             "adjusted_amount": 999999}]),
            ("crm.forecast.adjustment.history", "create", [{"adjustment_id": lines[0].id,
             "amount": 999999}]),
            ("crm.forecast.adjustment.history", "write", [history.ids, {"amount": 999999}]),
            ("crm.forecast.adjustment.history", "unlink", [history.ids]),
            ("crm.forecast.adjustment", "read", [lines[1:].ids, ["adjusted_amount"]]),
        ]  # fmt: skip
        for model, method, args in attempts:
            answer = self.call_kw(model, method, args)
            self.assertIn("error", answer, f"{model}.{method} answered {answer}")
            self.assertEqual(
                answer["error"]["data"]["name"], "odoo.exceptions.AccessError", f"{model}.{method}"
            )
        lines.invalidate_recordset()
        self.assertEqual(lines.mapped("adjusted_amount"), [0, 4321])
        self.assertEqual(lines[1].history_ids, history)
        self.assertEqual(history.amount, 4321)
        # their own line, read over RPC: the computed figures, no adjusting
        answer = self.call_kw("crm.forecast.adjustment", "read", [lines[:1].ids, ["can_adjust"]])
        self.assertEqual(answer["result"][0]["can_adjust"], False)
