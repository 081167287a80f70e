import datetime

import jdatetime

from odoo.tests import TransactionCase, tagged

from ..lib import solar_hijri


def jalali_start(day, granularity):
    """A period's first day computed from jdatetime alone, the reference."""
    jday = jdatetime.date.fromgregorian(date=day)
    month = {"month": jday.month, "quarter": 3 * ((jday.month - 1) // 3) + 1, "year": 1}
    return jdatetime.date(jday.year, month[granularity], 1).togregorian()


@tagged("post_install", "-at_install")
class TestConversion(TransactionCase):
    FIRST = jdatetime.date(1300, 1, 1).togregorian()
    LAST = jdatetime.date(1501, 1, 1).togregorian() - datetime.timedelta(days=1)

    def _days(self, first, last):
        return [
            datetime.date.fromordinal(ordinal)
            for ordinal in range(first.toordinal(), last.toordinal() + 1)
        ]

    def test_round_trip_every_day_1300_1500(self):
        """Every day of 1300-1500: Gregorian -> Solar Hijri -> Gregorian is the same day,
        and the periods of the Python API are jdatetime's."""
        days = self._days(self.FIRST, self.LAST)
        self.assertEqual(len(days), 73414)
        for day in days:
            jday = solar_hijri.to_jalali(day)
            self.assertEqual(solar_hijri.to_gregorian(jday.year, jday.month, jday.day), day)
            for granularity in solar_hijri.GRANULARITIES:
                self.assertEqual(
                    solar_hijri.period_start(day, granularity), jalali_start(day, granularity)
                )

    def _sql_starts(self, first, last):
        self.env.cr.execute(
            """
            SELECT d::date, solar_hijri_month_start(d::date), solar_hijri_quarter_start(d::date),
                   solar_hijri_year_start(d::date)
              FROM generate_series(%s::date, %s::date, INTERVAL '1 day') AS d
             WHERE solar_hijri_month_start(d::date)::timestamp
                       = solar_hijri_month_start(d::date + INTERVAL '23 hours')
               AND solar_hijri_quarter_start(d::date)::timestamp
                       = solar_hijri_quarter_start(d::date + INTERVAL '23 hours')
               AND solar_hijri_year_start(d::date)::timestamp
                       = solar_hijri_year_start(d::date + INTERVAL '23 hours')
            """,
            [first, last],
        )
        return self.env.cr.fetchall()

    def test_sql_functions_every_day_1300_1500(self):
        """The SQL functions give jdatetime's periods on every day of 1300-1500."""
        rows = self._sql_starts(self.FIRST, self.LAST)
        self.assertEqual(len(rows), 73414)
        for day, month, quarter, year in rows:
            self.assertEqual(
                (month, quarter, year),
                (
                    jalali_start(day, "month"),
                    jalali_start(day, "quarter"),
                    jalali_start(day, "year"),
                ),
                day,
            )

    def test_sql_grouping_equals_python_30_years(self):
        """One query over 30 years of days: the database's Solar Hijri periods (of dates
        and of datetimes) equal the Python API's, so a grouped report and a Python period
        agree."""
        rows = self._sql_starts(datetime.date(2000, 1, 1), datetime.date(2029, 12, 31))
        self.assertEqual(len(rows), 10958)
        mismatches = [
            row
            for row in rows
            if row[1:]
            != tuple(solar_hijri.period_start(row[0], g) for g in solar_hijri.GRANULARITIES)
        ]
        self.assertEqual(mismatches, [])

    def test_periods_and_month_arithmetic(self):
        nowruz = datetime.date(2026, 3, 21)  # 1 Farvardin 1405
        self.assertEqual(solar_hijri.period_start(datetime.date(2026, 4, 20), "month"), nowruz)
        self.assertEqual(solar_hijri.period_end(nowruz, "month"), datetime.date(2026, 4, 20))
        self.assertEqual(solar_hijri.period_end(nowruz, "quarter"), datetime.date(2026, 6, 21))
        self.assertEqual(solar_hijri.period_end(nowruz, "year"), datetime.date(2027, 3, 20))
        # 31 Shahrivar + 1 month = 30 Mehr; 30 Bahman 1405 + 1 month = 29 Esfand (not leap)
        self.assertEqual(
            solar_hijri.add_months(datetime.date(2026, 9, 22), 1), datetime.date(2026, 10, 22)
        )
        self.assertEqual(
            solar_hijri.add_months(jdatetime.date(1405, 11, 30).togregorian(), 1),
            jdatetime.date(1405, 12, 29).togregorian(),
        )
        self.assertEqual(
            solar_hijri.add_months(nowruz, -12), datetime.date(2025, 3, 21)
        )  # 1 Farvardin 1404
        self.assertEqual(
            solar_hijri.add_months(nowruz, 12, solar_hijri=False), datetime.date(2027, 3, 21)
        )

    def test_company_calendar_api(self):
        company = self.env.company
        day = datetime.date(2026, 5, 10)  # 20 Ordibehesht 1405
        company.solar_hijri_periods = False
        self.assertEqual(company._calendar_period_start(day, "month"), datetime.date(2026, 5, 1))
        self.assertEqual(company._calendar_period_end(day, "quarter"), datetime.date(2026, 6, 30))
        farvardin_31 = datetime.date(2026, 4, 20)
        self.assertEqual(company._calendar_add_months(farvardin_31, 1), datetime.date(2026, 5, 20))
        company.solar_hijri_periods = True
        self.assertEqual(company._calendar_period_start(day, "month"), datetime.date(2026, 4, 21))
        self.assertEqual(company._calendar_period_end(day, "quarter"), datetime.date(2026, 6, 21))
        # 31 Farvardin + 1 month = 31 Ordibehesht
        self.assertEqual(company._calendar_add_months(farvardin_31, 1), datetime.date(2026, 5, 21))
        self.assertEqual(
            company._calendar_period_starts(day, datetime.date(2026, 7, 1), "month"),
            [datetime.date(2026, 4, 21), datetime.date(2026, 5, 22), datetime.date(2026, 6, 22)],
        )
        self.assertEqual(
            company.with_context(lang="en_US")._calendar_period_label(day), "Ordibehesht 1405"
        )

    def test_iranian_company_uses_solar_hijri_periods_by_default(self):
        company = self.env["res.company"].create(
            {"name": "Tabriz Co", "country_id": self.env.ref("base.ir").id}
        )
        self.assertTrue(company.solar_hijri_periods)
        other = self.env["res.company"].create(
            {"name": "Lyon Co", "country_id": self.env.ref("base.fr").id}
        )
        self.assertFalse(other.solar_hijri_periods)
