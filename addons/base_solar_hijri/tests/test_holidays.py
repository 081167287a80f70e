import base64
import datetime

import pytz
from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, TransactionCase, new_test_user, tagged

TEHRAN = pytz.timezone("Asia/Tehran")


def tehran(*args):
    return TEHRAN.localize(datetime.datetime(*args))


@tagged("post_install", "-at_install")
class TestIranHolidays(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        day = {"Saturday": "5", "Sunday": "6", "Monday": "0", "Tuesday": "1", "Wednesday": "2"}
        attendances = [
            (0, 0, {"name": name, "dayofweek": dow, "hour_from": start, "hour_to": end})
            for name, dow in day.items()
            for start, end in [(8, 12), (13, 17)]
        ] + [(0, 0, {"name": "Thursday", "dayofweek": "3", "hour_from": 8, "hour_to": 12})]
        cls.calendar = cls.env["resource.calendar"].create(
            {
                "name": "Tehran",
                "tz": "Asia/Tehran",
                "iran_public_holidays": True,
                "attendance_ids": [(5, 0, 0), *attendances],
            }
        )

    def _hours(self, start, end):
        return self.calendar.get_work_hours_count(start, end, compute_leaves=True)

    def test_working_week_saturday_to_thursday_morning(self):
        # 1405/02/05 (Sat 2026-04-25) to Fri 2026-05-01: no holiday
        self.assertEqual(self._hours(tehran(2026, 4, 25), tehran(2026, 5, 2)), 44)
        # Thursday afternoon and Friday are not worked
        self.assertEqual(self._hours(tehran(2026, 4, 30, 12), tehran(2026, 5, 2)), 0)

    def test_fixed_holidays_are_time_off(self):
        leaves = self.calendar._add_iran_fixed_holidays([1405])
        self.assertEqual(len(leaves), 10)
        # week of 14-15 Khordad 1405: Thursday 2026-06-04 is a holiday
        self.assertEqual(self._hours(tehran(2026, 5, 30), tehran(2026, 6, 6)), 40)
        # week of 12-13 Farvardin: Wednesday and Thursday off
        self.assertEqual(self._hours(tehran(2026, 3, 28), tehran(2026, 4, 4)), 32)
        # Nowruz: 1-4 Farvardin (Saturday to Tuesday) off
        self.assertEqual(self._hours(tehran(2026, 3, 21), tehran(2026, 3, 25)), 0)
        # twice adds nothing
        self.assertFalse(self.calendar._add_iran_fixed_holidays([1405]))

    def test_cron_adds_the_current_and_next_year(self):
        with freeze_time("2026-12-06"):  # 15 Azar 1405
            self.env["resource.calendar"]._cron_add_iran_fixed_holidays()
        leaves = self.env["resource.calendar.leaves"].search(
            [("calendar_id", "=", self.calendar.id)]
        )
        self.assertEqual(len(leaves), 20)  # 1405 and 1406
        self.assertEqual(min(leaves.mapped("date_from")), datetime.datetime(2026, 3, 20, 20, 30))

    def _wizard(self, content=None, user=None):
        env = self.env(user=user) if user else self.env
        form = Form(
            env["iran.holiday.import"].with_context(default_calendar_ids=self.calendar.ids)
        )
        form.add_fixed_holidays = False
        if content is not None:
            form.holidays_file = base64.b64encode(content.encode())
        return form.save()

    def test_import_lunar_holidays_from_the_shipped_file(self):
        self._wizard().action_import()
        leaves = self.env["resource.calendar.leaves"].search(
            [("calendar_id", "=", self.calendar.id)]
        )
        self.assertEqual(len(leaves), 35)
        # Tasua and Ashura 1405 (4-5 Tir: Thursday, Friday) are off
        self.assertEqual(self._hours(tehran(2026, 6, 20), tehran(2026, 6, 27)), 40)

    def test_import_an_updated_csv(self):
        csv = "date,name_en,name_fa\n1405/04/03,Tasua,تاسوعا\n1405/04/04,Ashura,عاشورا\n"
        self._wizard(csv).action_import()
        # Wednesday and Thursday off
        self.assertEqual(self._hours(tehran(2026, 6, 20), tehran(2026, 6, 27)), 32)

    def test_bad_csv_says_how_to_fix_it(self):
        with self.assertRaisesRegex(UserError, "date,name_en,name_fa"):
            self._wizard("day,name\n1405/04/03,Tasua\n").action_import()
        with self.assertRaisesRegex(UserError, "1405/13/40"):
            self._wizard("date,name_en,name_fa\n1405/13/40,Tasua,تاسوعا\n").action_import()

    def test_only_administrators_import_holidays(self):
        user = new_test_user(self.env, login="holiday_user", groups="base.group_user")
        with self.assertRaises(AccessError):
            self.env["iran.holiday.import"].with_user(user).create(
                {"calendar_ids": [(6, 0, self.calendar.ids)]}
            )
