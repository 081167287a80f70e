import csv
import datetime
import io

import pytz

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools.misc import file_open

from ..lib import solar_hijri

FIXED_HOLIDAYS_FILE = "base_solar_hijri/data/iran_fixed_holidays.csv"
LUNAR_HOLIDAYS_FILE = "base_solar_hijri/data/iran_lunar_holidays_1405_1406.csv"


class ResourceCalendar(models.Model):
    _inherit = "resource.calendar"

    iran_public_holidays = fields.Boolean(
        string="Iranian public holidays",
        help="Iran's public holidays are global time off of this working schedule: the "
        "fixed Solar Hijri ones are added every year for the current and the next year; "
        "the lunar ones are imported from a CSV file (Import Iranian Holidays).",
    )

    def _iran_holiday_name(self, name_en, name_fa):
        return name_fa if (self.env.lang or "").startswith("fa") else name_en

    def _add_global_leaves(self, holidays):
        """Add whole-day global time off to these schedules, once per day and schedule.

        ``holidays``: ``[(gregorian date, name), ...]``. A day that already has a global
        leave starting at its midnight (in the schedule's time zone) is skipped, so running
        it twice adds nothing. Returns the new leaves.
        """
        Leave = self.env["resource.calendar.leaves"]
        values = []
        for calendar in self:
            tz = pytz.timezone(calendar.tz or "UTC")
            spans = {}
            for day, name in holidays:
                start = tz.localize(datetime.datetime.combine(day, datetime.time()))
                end = tz.localize(datetime.datetime.combine(day, datetime.time(23, 59, 59)))
                spans[day] = (
                    start.astimezone(pytz.utc).replace(tzinfo=None),
                    end.astimezone(pytz.utc).replace(tzinfo=None),
                    name,
                )
            if not spans:
                continue
            existing = set(
                Leave.search(
                    [
                        ("calendar_id", "=", calendar.id),
                        ("resource_id", "=", False),
                        ("date_from", "in", [span[0] for span in spans.values()]),
                    ]
                ).mapped("date_from")
            )
            values += [
                {
                    "name": name,
                    "calendar_id": calendar.id,
                    "company_id": calendar.company_id.id,
                    "date_from": date_from,
                    "date_to": date_to,
                    "time_type": "leave",
                }
                for date_from, date_to, name in spans.values()
                if date_from not in existing
            ]
        return Leave.create(values)

    def _add_iran_fixed_holidays(self, solar_years):
        """The fixed Solar Hijri public holidays (data/iran_fixed_holidays.csv) of
        ``solar_years`` as global time off of these schedules."""
        with file_open(FIXED_HOLIDAYS_FILE) as file:
            rows = list(csv.DictReader(file))
        holidays = [
            (
                solar_hijri.to_gregorian(year, int(row["month"]), int(row["day"])),
                self._iran_holiday_name(row["name_en"], row["name_fa"]),
            )
            for year in solar_years
            for row in rows
        ]
        return self._add_global_leaves(holidays)

    def _import_iran_holidays_csv(self, content):
        """Global time off from a CSV of holidays: a header line ``date,name_en,name_fa``,
        then one line per holiday, ``date`` in Solar Hijri (1405/01/24). Returns the new
        leaves; days already off are skipped."""
        reader = csv.DictReader(io.StringIO(content))
        missing = {"date", "name_en", "name_fa"} - set(reader.fieldnames or [])
        if missing:
            raise UserError(
                self.env._(
                    "The holidays file has no column %(columns)s. Its first line must be "
                    "'date,name_en,name_fa', then one line per holiday such as "
                    "'1405/01/24,Martyrdom of Imam Sadiq,شهادت امام جعفر صادق'.",
                    columns=", ".join(sorted(missing)),
                )
            )
        holidays = []
        for line, row in enumerate(reader, start=2):
            try:
                year, month, day = (int(part) for part in row["date"].strip().split("/"))
                gregorian = solar_hijri.to_gregorian(year, month, day)
            except (ValueError, AttributeError):
                raise UserError(
                    self.env._(
                        "Line %(line)s of the holidays file has the date %(date)r, which is "
                        "not a Solar Hijri date. Write dates as year/month/day, e.g. "
                        "1405/01/24.",
                        line=line,
                        date=row["date"],
                    )
                ) from None
            holidays.append((gregorian, self._iran_holiday_name(row["name_en"], row["name_fa"])))
        return self._add_global_leaves(holidays)

    @api.model
    def _iran_current_years(self):
        """The current and the next Solar Hijri year."""
        year = solar_hijri.to_jalali(fields.Date.context_today(self)).year
        return [year, year + 1]

    @api.model
    def _cron_add_iran_fixed_holidays(self):
        """Yearly: the fixed holidays of the current and the next Solar Hijri year for every
        schedule with Iranian public holidays (reads the data file, writes
        resource_calendar_leaves; days already off are skipped, so it is safe to rerun)."""
        calendars = self.search([("iran_public_holidays", "=", True)])
        calendars._add_iran_fixed_holidays(self._iran_current_years())

    @api.model
    def _setup_iran_demo_holidays(self):
        """Demo: this year's and next year's fixed holidays and the shipped lunar ones."""
        self._cron_add_iran_fixed_holidays()
        with file_open(LUNAR_HOLIDAYS_FILE) as file:
            self.search([("iran_public_holidays", "=", True)])._import_iran_holidays_csv(
                file.read()
            )
