import datetime

from odoo.tests import tagged

from .common import SolarHijriCase


@tagged("post_install", "-at_install")
class TestReadGroup(SolarHijriCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # activities (a date field) due on days around Nowruz 1405 (2026-03-21), one set
        # per user (each user sees their own)
        partner = cls.env["res.partner"].create({"name": "Grouped"})
        model = cls.env["ir.model"]._get_id("res.partner")
        days = [
            datetime.date(2026, 3, 1),  # 10 Esfand 1404
            datetime.date(2026, 3, 20),  # 29 Esfand 1404
            datetime.date(2026, 3, 21),  # 1 Farvardin 1405
            datetime.date(2026, 3, 31),  # 11 Farvardin 1405
            datetime.date(2026, 4, 21),  # 1 Ordibehesht 1405
        ]
        cls.activities = cls.env["mail.activity"].create(
            [
                {
                    "res_model_id": model,
                    "res_id": partner.id,
                    "summary": f"Call {day}",
                    "date_deadline": day,
                    "user_id": user.id,
                }
                for day in days
                for user in (cls.user_fa, cls.user_en)
            ]
        )
        cls.domain = [("id", "in", cls.activities.ids)]

    def _groups(self, user, groupby, **context):
        Activity = self.env["mail.activity"].with_user(user).with_context(**context)
        return Activity.read_group(self.domain, ["date_deadline"], [groupby], lazy=False)

    def test_persian_user_groups_by_solar_hijri_month(self):
        groups = self._groups(self.user_fa, "date_deadline:month", lang="fa_IR")
        self.assertEqual(
            [(g["date_deadline:month"], g["__count"]) for g in groups],
            [("اسفند 1404", 2), ("فروردین 1405", 2), ("اردیبهشت 1405", 1)],
        )
        # each group's domain and range is its Solar Hijri month: the list opens the group
        # and finds the same records
        Activity = self.env["mail.activity"].with_user(self.user_fa)
        for group in groups:
            self.assertEqual(Activity.search_count(group["__domain"]), group["__count"])
        self.assertEqual(
            groups[1]["__range"]["date_deadline:month"], {"from": "2026-03-21", "to": "2026-04-21"}
        )

    def test_english_user_of_the_same_database_groups_by_gregorian_month(self):
        groups = self._groups(self.user_en, "date_deadline:month", lang="en_US")
        self.assertEqual(
            [(g["date_deadline:month"], g["__count"]) for g in groups],
            [("March 2026", 4), ("April 2026", 1)],
        )

    def test_the_user_record_decides_not_the_context(self):
        # an English user asking in Persian still gets Gregorian months ...
        groups = self._groups(self.user_en, "date_deadline:month", lang="fa_IR")
        self.assertEqual(len(groups), 2)
        # ... and a user who chose Solar Hijri gets it whatever their language
        self.user_en.calendar_system = "solar_hijri"
        groups = self._groups(self.user_en, "date_deadline:month", lang="en_US")
        self.assertEqual(
            [g["date_deadline:month"] for g in groups],
            ["Esfand 1404", "Farvardin 1405", "Ordibehesht 1405"],
        )

    def test_quarter_and_year(self):
        self.user_fa.lang = "en_US"
        self.user_fa.calendar_system = "solar_hijri"
        groups = self._groups(self.user_fa, "date_deadline:quarter", lang="en_US")
        self.assertEqual(
            [(g["date_deadline:quarter"], g["__count"]) for g in groups],
            [("Q4 1404", 2), ("Q1 1405", 3)],
        )
        groups = self._groups(self.user_fa, "date_deadline:year", lang="en_US")
        self.assertEqual([g["date_deadline:year"] for g in groups], ["1404", "1405"])
        rows = (
            self.env["mail.activity"]
            .with_user(self.user_fa)
            ._read_group(self.domain, ["date_deadline:quarter"], ["__count"])
        )
        # internal callers get the Gregorian first day of each Solar Hijri period
        self.assertEqual(
            [start for start, _count in rows],
            [datetime.date(2025, 12, 22), datetime.date(2026, 3, 21)],
        )

    def test_fill_temporal_fills_solar_hijri_months(self):
        groups = self._groups(
            self.user_fa,
            "date_deadline:month",
            lang="fa_IR",
            fill_temporal={"fill_from": "2026-02-01", "fill_to": "2026-05-30"},
        )
        self.assertEqual(
            [(g["date_deadline:month"], g["__count"]) for g in groups],
            [
                ("بهمن 1404", 0),
                ("اسفند 1404", 2),
                ("فروردین 1405", 2),
                ("اردیبهشت 1405", 1),
                ("خرداد 1405", 0),
            ],
        )

    def test_datetime_grouped_in_the_users_time_zone(self):
        """A datetime at 22:00 UTC on 20 March is 1 Farvardin in Tehran."""
        calendar = self.env["resource.calendar"].create({"name": "Groups", "tz": "Asia/Tehran"})
        leaves = self.env["resource.calendar.leaves"].create(
            [
                {
                    "name": name,
                    "calendar_id": calendar.id,
                    "date_from": date_from,
                    "date_to": date_from + datetime.timedelta(hours=1),
                }
                for name, date_from in [
                    ("before", datetime.datetime(2026, 3, 20, 19, 0)),  # 22:30 Tehran
                    ("after", datetime.datetime(2026, 3, 20, 22, 0)),  # 01:30 Tehran, 21 Mar
                ]
            ]
        )
        Leaves = self.env["resource.calendar.leaves"].with_user(self.user_fa)
        groups = Leaves.with_context(tz="Asia/Tehran", lang="fa_IR").read_group(
            [("id", "in", leaves.ids)], ["date_from"], ["date_from:month"], lazy=False
        )
        self.assertEqual(
            [(g["date_from:month"], g["__count"]) for g in groups],
            [("اسفند 1404", 1), ("فروردین 1405", 1)],
        )
        self.assertEqual(
            groups[1]["__range"]["date_from:month"],
            {"from": "2026-03-20 20:30:00", "to": "2026-04-20 20:30:00"},
        )
        for group in groups:
            self.assertEqual(Leaves.search_count(group["__domain"]), 1)

    def test_web_read_group_as_the_client_calls_it(self):
        result = (
            self.env["mail.activity"]
            .with_user(self.user_fa)
            .with_context(lang="fa_IR")
            .web_read_group(self.domain, ["date_deadline"], ["date_deadline:month"])
        )
        self.assertEqual(
            [g["date_deadline:month"] for g in result["groups"]],
            ["اسفند 1404", "فروردین 1405", "اردیبهشت 1405"],
        )
