import babel.dates

from odoo import api, fields, models
from odoo.tools.misc import babel_locale_parse, posix_to_ldml

from ..lib import solar_hijri


class IrQwebFieldDate(models.AbstractModel):
    _inherit = "ir.qweb.field.date"

    @api.model
    def value_to_html(self, value, options):
        # PDF reports and portal pages: Solar Hijri for those who read it
        return self.env["res.users"]._solar_hijri_format_date(
            value, date_format=options.get("format")
        )


class IrQwebFieldDatetime(models.AbstractModel):
    _inherit = "ir.qweb.field.datetime"

    @api.model
    def value_to_html(self, value, options):
        solar, digits = self.env["res.users"]._solar_hijri_rendering()
        if not value or not solar:
            return super().value_to_html(value, options)
        # the pattern and time zone as Odoo's converter chooses them
        lang = self.user_lang()
        locale = babel_locale_parse(lang.code)
        if isinstance(value, str):
            value = fields.Datetime.from_string(value)
        record = self
        if options.get("tz_name"):
            record = self.with_context(tz=options["tz_name"])
        value = fields.Datetime.context_timestamp(record, value)
        if "format" in options:
            pattern = options["format"]
        elif options.get("time_only"):
            pattern = posix_to_ldml(lang.time_format, locale=locale)
        elif options.get("date_only"):
            pattern = posix_to_ldml(lang.date_format, locale=locale)
        else:
            pattern = posix_to_ldml(f"{lang.date_format} {lang.time_format}", locale=locale)
        if options.get("hide_seconds"):
            pattern = pattern.replace(":ss", "").replace(":s", "")
        if options.get("time_only"):
            text = babel.dates.format_time(value, format=pattern, locale=locale)
            return solar_hijri.persian_digits(text) if digits else text
        if options.get("date_only"):
            value = value.date()
        return solar_hijri.format_solar_hijri(value, pattern, locale, digits)
