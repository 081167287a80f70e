from datetime import date

from odoo.exceptions import AccessError
from odoo.tests import freeze_time, new_test_user, tagged

from .common import LoyaltyCase


@tagged("post_install", "-at_install")
class TestAccounting(LoyaltyCase):
    """The points liability in the books: one entry per programme and day at that day's
    value of a point, a clawback reversing its earning, the reconciliation of the ledger
    with the liability account, and the reports priced month by month."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Account = cls.env["account.account"]
        cls.liability = Account.create(
            {"name": "Points liability", "code": "219901", "account_type": "liability_current"}
        )
        cls.revenue = Account.create(
            {"name": "Points revenue", "code": "409901", "account_type": "income"}
        )
        cls.breakage = Account.create(
            {"name": "Breakage", "code": "709901", "account_type": "income_other"}
        )
        cls.goodwill = Account.create(
            {"name": "Goodwill", "code": "609901", "account_type": "expense"}
        )
        cls.journal = cls.env["account.journal"].create(
            {"name": "Points", "code": "PTST", "type": "general"}
        )
        with freeze_time("2025-01-01 08:00:00"):
            cls.program.write(
                {
                    "crm_point_value": 0.05,
                    "crm_expiry_months": 1,
                    "crm_journal_id": cls.journal.id,
                    "crm_liability_account_id": cls.liability.id,
                    "crm_revenue_account_id": cls.revenue.id,
                    "crm_breakage_account_id": cls.breakage.id,
                    "crm_goodwill_account_id": cls.goodwill.id,
                }
            )
        cls.manager.groups_id += cls.env.ref("account.group_account_invoice")

    def post(self, day):
        return self.env["crm.loyalty.accounting"]._crm_post(self.program, day)

    def amounts(self, move):
        """{account: balance} of an entry."""
        result = {}
        for line in move.line_ids:
            result[line.account_id] = result.get(line.account_id, 0.0) + line.balance
        return {account: round(balance, 2) for account, balance in result.items() if balance}

    def reconcile(self, day):
        rows = self.env["crm.loyalty.accounting"]._crm_reconcile(day, self.program)
        self.assertEqual(len(rows), 1)
        return rows[0]

    def test_entry_for_each_movement_and_a_clawback_reversal(self):
        with freeze_time("2025-03-03 10:00:00"):
            earning = self.order(amount=300)
            self.order(amount=100)
            card = self.card()
            self.env["loyalty.card"]._crm_grant_points(
                self.partner, 20, "Sorry", program=self.program
            )
            moves = self.post(date(2025, 3, 3))
        self.assertEqual(len(moves), 1, "one entry for the day, not one per order")
        self.assertEqual((moves.date, moves.state), (date(2025, 3, 3), "posted"))
        self.assertEqual(moves.crm_loyalty_program_id, self.program)
        self.assertEqual(
            self.amounts(moves),
            {self.revenue: 20.0, self.goodwill: 1.0, self.liability: -21.0},
            "400 points earned and 20 granted at 0.05",
        )
        self.assertEqual(self.post(date(2025, 3, 3)), self.env["account.move"], "posted once")
        with freeze_time("2025-03-04 10:00:00"):
            spend = self.redeem(self.order(amount=50, confirm=False))
            spend.action_confirm()
            redeemed = self.post(date(2025, 3, 4))
        self.assertEqual(
            self.amounts(redeemed),
            {self.revenue: -2.5, self.liability: 2.5},
            "100 points redeemed: the revenue deferred is recognised",
        )
        with freeze_time("2025-03-05 10:00:00"):
            earning._action_cancel()
            self.assertEqual(sum(self.lines(card, "clawback").mapped("crm_points")), -300)
            reversal = self.post(date(2025, 3, 5))
        self.assertEqual(
            self.amounts(reversal),
            {self.revenue: -15.0, self.liability: 15.0},
            "the clawback reverses the 300 points earned",
        )
        with freeze_time("2025-05-01 10:00:00"):
            self.env["loyalty.history"]._crm_expire_points()
            self.assertEqual(card.points, 0)
            expired = self.post(date(2025, 5, 1))
        # 100 + 50 earned + 20 granted - 100 redeemed (the 300 clawed back)
        self.assertEqual(
            self.amounts(expired), {self.breakage: -3.5, self.liability: 3.5}, "70 points expired"
        )
        self.assertEqual(self.lines(card, "expire").crm_move_id, expired)
        self.assertEqual(self.lines(card, "clawback").crm_move_id, reversal)
        self.assertEqual(self.reconcile(date(2025, 5, 1))["difference"], 0.0)
        self.assertLedgerConsistent()

    def test_reconciliation_at_two_dates_with_the_value_changing(self):
        with freeze_time("2025-01-10 10:00:00"):
            self.order(amount=300)
        with freeze_time("2025-02-10 10:00:00"):
            self.program.crm_point_value = 0.10
            self.order(amount=100)
            before = self.reconcile(date(2025, 2, 10))
            self.assertEqual((before["booked"], before["unposted"]), (0.0, 2))
            self.assertEqual(before["difference"], 40.0, "nothing in the books yet")
            moves = self.post(date(2025, 2, 10))
        self.assertEqual(len(moves), 2, "one entry per day with points")
        january = self.reconcile(date(2025, 1, 31))
        self.assertEqual(
            (january["points"], january["value"], january["expected"], january["booked"]),
            (300.0, 0.05, 15.0, 15.0),
        )
        self.assertEqual(january["difference"], 0.0)
        february = self.reconcile(date(2025, 2, 28))
        self.assertEqual(
            (february["points"], february["value"], february["expected"], february["booked"]),
            (400.0, 0.10, 40.0, 40.0),
        )
        self.assertEqual(february["difference"], 0.0)
        revaluation = moves.filtered(lambda m: m.date == date(2025, 2, 10))
        self.assertEqual(
            self.amounts(revaluation),
            {self.revenue: 10.0, self.goodwill: 15.0, self.liability: -25.0},
            "the 300 points outstanding revalued from 0.05 to 0.10",
        )
        # the reports price each month at its own value of a point
        Report = self.env["crm.loyalty.ledger.report"]
        jan = Report.search([("program_id", "=", self.program.id), ("month", "=", "2025-01-01")])
        feb = Report.search([("program_id", "=", self.program.id), ("month", "=", "2025-02-01")])
        self.assertEqual((jan.point_value, jan.liability), (0.05, 15.0))
        self.assertEqual((feb.point_value, feb.liability), (0.10, 40.0))

    def test_breakage_priced_at_the_month_of_expiry(self):
        with freeze_time("2025-01-10 10:00:00"):
            self.order(amount=200)
        with freeze_time("2025-03-01 10:00:00"):
            self.program.crm_point_value = 0.02
            self.env["loyalty.history"]._crm_expire_points()
        march = self.env["crm.loyalty.ledger.report"].search(
            [("program_id", "=", self.program.id), ("month", "=", "2025-03-01")]
        )
        self.assertEqual((march.expired, march.breakage_value), (200, 4.0))

    def test_post_now_takes_an_accountant(self):
        with freeze_time("2025-01-10 10:00:00"):
            self.order(amount=300)
            with self.assertRaises(AccessError):
                self.program.with_user(self.user).action_crm_post_entries()
            plain_manager = new_test_user(
                self.env, "no_books", groups="crm_loyalty.group_crm_loyalty_manager"
            )
            with self.assertRaises(AccessError):
                self.program.with_user(plain_manager).action_crm_post_entries()
            self.program.with_user(self.manager).action_crm_post_entries()
            wizard = self.env["crm.loyalty.reconciliation"].with_user(self.manager).create({})
            wizard.action_compute()
        line = wizard.line_ids.filtered(lambda r: r.program_id == self.program)
        self.assertEqual((line.expected, line.booked, line.difference), (15.0, 15.0, 0.0))

    def test_daily_job_posts_the_days_that_are_over(self):
        with freeze_time("2025-01-10 10:00:00"):
            self.order(amount=300)
            self.env["crm.loyalty.accounting"]._cron_post_entries()
            self.assertFalse(self.lines(self.card(), "earn").crm_move_id, "today is not over")
        with freeze_time("2025-01-11 03:00:00"):
            self.env["crm.loyalty.accounting"]._cron_post_entries()
            self.assertEqual(self.lines(self.card(), "earn").crm_move_id.date, date(2025, 1, 10))

    def test_demo_programme_reconciles(self):
        demo = self.env.ref("crm_loyalty.loyalty_program_crm_demo", raise_if_not_found=False)
        if not demo or not demo.crm_journal_id:
            self.skipTest("no demo data")
        self.env.flush_all()
        self.env.cr.execute(
            "SELECT MAX(h.crm_date)::date FROM loyalty_history h "
            "JOIN loyalty_card c ON c.id = h.card_id WHERE c.program_id = %s",
            [demo.id],
        )
        day = self.env.cr.fetchone()[0]
        Accounting = self.env["crm.loyalty.accounting"]
        # the demo posted its points at install; what other addons' demo data booked since
        Accounting._crm_post(demo, day)
        row = Accounting._crm_reconcile(day, demo)[0]
        self.assertTrue(row["booked"], "the demo's points are in the books")
        self.assertEqual((row["difference"], row["unposted"]), (0.0, 0))
