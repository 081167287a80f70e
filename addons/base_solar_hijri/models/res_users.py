import datetime

import pytz

from odoo import api, fields, models
from odoo.tools import misc

from ..lib import solar_hijri

CALENDARS = [
    ("auto", "By Language"),
    ("solar_hijri", "Solar Hijri"),
    ("gregorian", "Gregorian"),
]


class ResUsers(models.Model):
    _inherit = "res.users"

    calendar_system = fields.Selection(
        CALENDARS,
        string="Calendar",
        default="auto",
        required=True,
        help="Which calendar this user reads and types dates in. By Language: Solar Hijri "
        "for Persian, Gregorian otherwise. Dates are stored in Gregorian either way.",
    )
    persian_digits = fields.Boolean(
        help="Show dates with Persian digits (۱۴۰۵/۰۱/۰۱) in the Solar Hijri calendar.",
    )

    @property
    def SELF_READABLE_FIELDS(self):
        return [*super().SELF_READABLE_FIELDS, "calendar_system", "persian_digits"]

    @property
    def SELF_WRITEABLE_FIELDS(self):
        return [*super().SELF_WRITEABLE_FIELDS, "calendar_system", "persian_digits"]

    @api.model
    def _uses_solar_hijri(self, user=None, lang=None):
        """Whether ``user`` (default: the current one) sees Solar Hijri dates.

        ``lang`` overrides the user's language (a mail or a PDF rendered in its
        recipient's language). Read from the user record, never from the context.
        """
        user = user or self.env.user
        system = user.sudo().calendar_system or "auto"
        if system != "auto":
            return system == "solar_hijri"
        return (lang or user.sudo().lang or "").startswith("fa")

    @api.model
    def _solar_hijri_rendering(self, lang_code=None):
        """``(solar_hijri, persian_digits)`` for a date rendered in ``lang_code``.

        Rendered in the current user's own language (their screen, a PDF they print): their
        settings. Rendered in another language (a mail or a PDF for a customer, in the
        recipient's language): Solar Hijri for Persian, Latin digits.
        """
        user = self.env.user
        lang = lang_code or self.env.lang or user.lang or ""
        if lang == user.lang:
            return self._uses_solar_hijri(user), bool(user.sudo().persian_digits)
        return lang.startswith("fa"), False

    @api.model
    def _solar_hijri_period_label(self, day, granularity):
        """A period's name for the current user: 'Farvardin 1405', 'Q1 1405', '1405'
        (in Persian: 'فروردین ۱۴۰۵', ...)."""
        jday = solar_hijri.to_jalali(day)
        persian = (self.env.lang or "").startswith("fa")
        if granularity == "month":
            label = f"{solar_hijri.month_name(jday.month, persian)} {jday.year}"
        elif granularity == "quarter":
            label = self.env._(
                "Q%(quarter)s %(year)s", quarter=(jday.month - 1) // 3 + 1, year=jday.year
            )
        else:
            label = str(jday.year)
        if self.env.user.sudo().persian_digits and self._uses_solar_hijri():
            label = solar_hijri.persian_digits(label)
        return label

    @api.model
    def _solar_hijri_format_date(self, value, lang_code=None, date_format=False):
        """``odoo.tools.format_date`` in Solar Hijri for those who read it (see
        ``_solar_hijri_rendering``), Gregorian for the others."""
        solar, digits = self._solar_hijri_rendering(lang_code)
        if not solar or not value:
            return misc.format_date(self.env, value, lang_code=lang_code, date_format=date_format)
        if isinstance(value, str):
            value = (
                fields.Datetime.from_string(value)
                if len(value) > 10
                else fields.Date.to_date(value)
            )
        if isinstance(value, datetime.datetime):
            value = fields.Datetime.context_timestamp(self.env["res.lang"], value)
        lang = misc.get_lang(self.env, lang_code)
        locale = misc.babel_locale_parse(lang.code)
        pattern = date_format or misc.posix_to_ldml(lang.date_format, locale=locale)
        pattern = solar_hijri.ldml_pattern(locale, pattern, kind="date")
        return solar_hijri.format_solar_hijri(value, pattern, locale, digits)

    @api.model
    def _solar_hijri_format_datetime(self, value, tz=False, dt_format="medium", lang_code=None):
        """``odoo.tools.format_datetime`` in Solar Hijri for those who read it."""
        solar, digits = self._solar_hijri_rendering(lang_code)
        if not solar or not value:
            return misc.format_datetime(
                self.env, value, tz=tz, dt_format=dt_format, lang_code=lang_code
            )
        if isinstance(value, str):
            value = fields.Datetime.from_string(value)
        if not value.tzinfo:
            value = pytz.utc.localize(value)
        tz_name = tz or self.env.user.tz
        if tz_name in pytz.all_timezones_set:
            value = value.astimezone(pytz.timezone(tz_name))
        lang = misc.get_lang(self.env, lang_code)
        locale = misc.babel_locale_parse(lang.code or lang_code)
        if not dt_format:
            date_format = misc.posix_to_ldml(lang.date_format, locale=locale)
            dt_format = f"{date_format} {misc.posix_to_ldml(lang.time_format, locale=locale)}"
        pattern = solar_hijri.ldml_pattern(locale, dt_format)
        return solar_hijri.format_solar_hijri(value, pattern, locale, digits)
