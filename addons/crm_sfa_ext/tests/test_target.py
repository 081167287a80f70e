from datetime import date

from odoo.exceptions import AccessError, UserError, ValidationError
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
        # a quota of another granularity lives beside the months that make it up...
        self.target(period_type="quarter", date_from=date(2031, 1, 1))
        self.target(user_id=False, team_id=self.team.id, period_type="year",
                    date_from=date(2031, 1, 1))  # fmt: skip
        # ...but not beside another quota of its own granularity
        with self.assertRaisesText(ValidationError, "overlaps"):
            self.target(period_type="quarter", date_from=date(2031, 3, 31))
        with self.assertRaisesText(ValidationError, "overlaps"):
            self.target(user_id=False, team_id=self.team.id, period_type="year",
                        date_from=date(2031, 6, 1))  # fmt: skip
        self.assertEqual(
            self.env["crm.sales.target"].search_count([("date_from", ">=", date(2031, 1, 1))]), 6
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

    def test_quota_phased_evenly_into_months(self):
        quota = self.target(
            period_type="quarter", date_from=date(2036, 4, 1), target_revenue=100000,
            target_won_count=10,
        )  # fmt: skip
        quota.action_phase()
        months = quota.child_ids.sorted("date_from")
        self.assertEqual(
            months.mapped("date_from"), [date(2036, 4, 1), date(2036, 5, 1), date(2036, 6, 1)]
        )
        self.assertEqual(months.mapped("period_type"), ["month"] * 3)
        # cents rounded so that the months add up to the quota exactly
        self.assertEqual(months.mapped("target_revenue"), [33333.33, 33333.34, 33333.33])
        self.assertEqual(sum(months.mapped("target_won_count")), 10)
        self.assertEqual(months.user_id, self.seller)
        # phased again: the months are replaced, not added
        quota.target_revenue = 90000
        quota.action_phase()
        self.assertEqual(quota.child_ids.mapped("target_revenue"), [30000] * 3)
        # the forecast report counts the quota through its months, once
        [[target]] = self.env["crm.forecast.report"]._read_group(
            [("user_id", "=", self.seller.id), ("date", ">=", date(2036, 4, 1)),
             ("date", "<=", date(2036, 6, 30))],
            [], ["target_revenue:sum"],
        )  # fmt: skip
        self.assertEqual(target, 90000)
        with self.assertRaisesText(UserError, "already a monthly target"):
            quota.child_ids[:1].action_phase()

    def test_yearly_quota_phased_by_profile(self):
        profile = self.env["crm.sales.target.profile"].create({"name": "Strong spring"})
        # default: one line per month of the year, weight 1; spring weighs twice
        self.assertEqual(profile.line_ids.mapped("month"), list(range(1, 13)))
        profile.line_ids.filtered(lambda line: line.month in (3, 4, 5)).weight = 2.5
        quota = self.target(
            period_type="year", date_from=date(2037, 1, 1), target_revenue=165000,
            phasing="profile", phasing_profile_id=profile.id,
        )  # fmt: skip
        quota.action_phase()
        months = quota.child_ids.sorted("date_from")
        self.assertEqual(len(months), 12)
        amounts = months.mapped("target_revenue")
        self.assertEqual(amounts[2:5], [25000] * 3)  # 165,000 x 2.5 / 16.5
        self.assertEqual(amounts[0], 10000)
        self.assertEqual(sum(amounts), 165000)
        # a quarter of the year takes the profile's weights of its own months
        quarter = self.target(
            user_id=self.other_seller.id, period_type="quarter", date_from=date(2037, 4, 1),
            target_revenue=6000, phasing="profile", phasing_profile_id=profile.id,
        )  # fmt: skip
        quarter.action_phase()
        self.assertEqual(quarter.child_ids.sorted("date_from").mapped("target_revenue"),
                         [2500, 2500, 1000])  # fmt: skip
        no_profile = self.target(
            user_id=self.manager.id, period_type="quarter", date_from=date(2037, 4, 1),
            phasing="profile",
        )  # fmt: skip
        with self.assertRaisesText(UserError, "phasing profile"):
            no_profile.action_phase()
        with self.assertRaisesText(ValidationError, "from 1 to 12"):
            profile.line_ids[:1].month = 13

    def test_solar_hijri_company_targets(self):
        """A company in the Solar Hijri calendar: a month is Farvardin, Ordibehesht...; a
        quarter three of them; a year from 1 Farvardin (Nowruz)."""
        company = self.env["res.company"].create(
            {"name": "SFA Tehran", "solar_hijri_periods": True}
        )
        month = self.target(
            company_id=company.id, user_id=self.manager.id, date_from=date(2026, 5, 10)
        )
        # 20 Ordibehesht 1405: Ordibehesht runs from 21 April to 21 May 2026
        self.assertEqual((month.date_from, month.date_to), (date(2026, 4, 21), date(2026, 5, 21)))
        self.assertIn("Ordibehesht 1405", month.with_context(lang="en_US").name)
        year = self.target(
            company_id=company.id, period_type="year", date_from=date(2026, 5, 10),
            target_revenue=120000,
        )  # fmt: skip
        self.assertEqual((year.date_from, year.date_to), (date(2026, 3, 21), date(2027, 3, 20)))
        year.action_phase()
        months = year.child_ids.sorted("date_from")
        self.assertEqual(months[0].date_from, date(2026, 3, 21))  # 1 Farvardin 1405
        self.assertEqual(months[0].date_to, date(2026, 4, 20))
        self.assertEqual(months[-1].date_from, date(2027, 2, 20))  # 1 Esfand 1405
        self.assertEqual(months.mapped("target_revenue"), [10000] * 12)
        quarter = self.target(
            company_id=company.id, user_id=self.other_seller.id, period_type="quarter",
            date_from=date(2026, 7, 1),
        )  # fmt: skip
        # Tir to Shahrivar 1405
        self.assertEqual(
            (quarter.date_from, quarter.date_to), (date(2026, 6, 22), date(2026, 9, 22))
        )
