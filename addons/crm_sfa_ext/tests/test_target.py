from datetime import date

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, tagged

from .common import SfaCase


@tagged("post_install", "-at_install")
class TestTarget(SfaCase):
    def target(self, **values):
        return self.env["crm.sales.target"].create(
            dict({"user_id": self.seller.id, "target_revenue": 1000}, **values)
        )

    def test_period_from_its_first_day(self):
        target = self.target(period_type="quarter", date_from=date(2031, 5, 17))
        self.assertEqual((target.date_from, target.date_to), (date(2031, 4, 1), date(2031, 6, 30)))
        self.assertTrue(target.name.endswith("Q2 2031"), target.name)
        target.period_type = "year"
        self.assertEqual(
            (target.date_from, target.date_to), (date(2031, 1, 1), date(2031, 12, 31))
        )

    def test_overlapping_targets_refused(self):
        self.target(period_type="month", date_from=date(2031, 2, 1))
        with self.assertRaisesText(ValidationError, "overlaps"):
            self.target(period_type="quarter", date_from=date(2031, 1, 1))
        with self.assertRaisesText(ValidationError, "overlaps"):
            self.target(period_type="month", date_from=date(2031, 2, 10))
        # in one batch too
        with self.assertRaisesText(ValidationError, "overlaps"):
            self.env["crm.sales.target"].create(
                [
                    {"user_id": self.other_seller.id, "date_from": date(2031, 3, 1),
                     "target_revenue": 1},
                    {"user_id": self.other_seller.id, "date_from": date(2031, 3, 5),
                     "target_revenue": 1},
                ]
            )  # fmt: skip
        # the next month, another salesperson, the team's own target: all fine
        self.target(period_type="month", date_from=date(2031, 3, 1))
        self.target(user_id=self.other_seller.id, date_from=date(2031, 2, 1))
        self.target(user_id=False, team_id=self.team.id, date_from=date(2031, 2, 1))
        with self.assertRaisesText(ValidationError, "overlaps"):
            self.target(user_id=False, team_id=self.team.id, period_type="year",
                        date_from=date(2031, 1, 1))  # fmt: skip
        self.assertEqual(
            self.env["crm.sales.target"].search_count([("date_from", ">=", date(2031, 1, 1))]), 4
        )

    def test_bad_targets_explained(self):
        with self.assertRaisesText(ValidationError, "salesperson or a sales team"):
            self.target(user_id=False)
        with self.assertRaisesText(ValidationError, "cannot be negative"):
            self.target(target_revenue=-5)

    def test_grid_entry(self):
        with Form(self.env["crm.sales.target"]) as form:
            form.user_id = self.seller
            form.period_type = "month"
            form.date_from = date(2032, 7, 9)
            form.target_revenue = 12000
        self.assertEqual(form.record.date_to, date(2032, 7, 31))

    def test_salesperson_reads_own_targets_only(self):
        own = self.target(date_from=date(2033, 1, 1))
        other = self.target(user_id=self.other_seller.id, date_from=date(2033, 1, 1))
        team = self.target(user_id=False, team_id=self.team.id, date_from=date(2033, 1, 1))
        visible = (
            self.env["crm.sales.target"]
            .with_user(self.seller)
            .search([("date_from", "=", date(2033, 1, 1))])
        )
        self.assertEqual(visible, own | team)
        with self.assertRaises(AccessError):
            other.with_user(self.seller).read(["target_revenue"])
        with self.assertRaises(AccessError):
            own.with_user(self.seller).write({"target_revenue": 1e9})
        own.with_user(self.manager).write({"target_revenue": 2000})

    def test_import(self):
        result = self.env["crm.sales.target"].load(
            ["user_id", "period_type", "date_from", "target_revenue", "target_won_count"],
            [
                [self.seller.name, "quarter", "2034-01-01", "90000", "6"],
                [self.other_seller.name, "quarter", "2034-01-01", "60000", ""],
            ],
        )
        self.assertFalse(result["messages"], result["messages"])
        targets = self.env["crm.sales.target"].browse(result["ids"])
        self.assertEqual(targets.mapped("target_revenue"), [90000, 60000])
        self.assertEqual(targets.mapped("date_to"), [date(2034, 3, 31)] * 2)

    def test_other_company_targets_hidden(self):
        other = self.env["res.company"].create({"name": "SFA Other Co"})
        self.manager.company_ids |= other
        theirs = self.target(
            user_id=self.manager.id, company_id=other.id, date_from=date(2035, 1, 1)
        )
        ours = self.target(user_id=self.manager.id, date_from=date(2035, 1, 1))
        Target = (
            self.env["crm.sales.target"]
            .with_user(self.manager)
            .with_context(allowed_company_ids=self.company.ids)
        )
        self.assertEqual(Target.search([("date_from", "=", date(2035, 1, 1))]), ours)
        self.assertEqual(
            Target.with_context(allowed_company_ids=[other.id]).search(
                [("date_from", "=", date(2035, 1, 1))]
            ),
            theirs,
        )
        report = (
            self.env["crm.forecast.report"]
            .with_user(self.manager)
            .with_context(allowed_company_ids=self.company.ids)
        )
        self.assertEqual(
            report.search([("date", "=", date(2035, 1, 1))]).mapped("company_id"), self.company
        )
