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
