from odoo import api, fields, models
from odoo.tools.misc import format_date

from ..lib import solar_hijri


class ResCompany(models.Model):
    _inherit = "res.company"

    solar_hijri_periods = fields.Boolean(
        string="Solar Hijri calendar for periods and reports",
        compute="_compute_solar_hijri_periods",
        store=True,
        readonly=False,
        precompute=True,
        help="Months, quarters and years of this company's targets, forecasts and reports "
        "follow the Solar Hijri calendar (Farvardin to Esfand). On by default for companies "
        "in Iran.",
    )

    @api.depends("partner_id.country_id")
    def _compute_solar_hijri_periods(self):
        for company in self:
            company.solar_hijri_periods = company.partner_id.country_id.code == "IR"

    def init(self):
        result = super().init()
        # the database side of the Solar Hijri grouping (see models/base.py)
        self.env.cr.execute(solar_hijri.SQL_FUNCTIONS)
        return result

    # Periods in the company's calendar: the API the suite's addons call for targets,
    # forecasts, expiry and review dates (see readme/USAGE.md).

    def _calendar_period_start(self, day, granularity="month"):
        """First day of the month, quarter or year holding ``day`` in the company's
        calendar (``self``, or the current company when empty)."""
        company = self[:1] or self.env.company
        return solar_hijri.period_start(day, granularity, company.solar_hijri_periods)

    def _calendar_period_end(self, day, granularity="month"):
        """Last day (inclusive) of the month, quarter or year holding ``day``."""
        company = self[:1] or self.env.company
        return solar_hijri.period_end(day, granularity, company.solar_hijri_periods)

    def _calendar_period_starts(self, first, last, granularity="month"):
        """Every period start from the period of ``first`` to that of ``last``."""
        company = self[:1] or self.env.company
        return solar_hijri.period_starts(first, last, granularity, company.solar_hijri_periods)

    def _calendar_add_months(self, day, months):
        """``day`` plus ``months`` months in the company's calendar; the day is clamped to
        the target month (31 Shahrivar + 1 month = 30 Mehr)."""
        company = self[:1] or self.env.company
        return solar_hijri.add_months(day, months, company.solar_hijri_periods)

    def _calendar_period_label(self, day, granularity="month"):
        """The name of ``day``'s period for the current user, in the company's calendar:
        'Farvardin 1405' or 'March 2026'."""
        company = self[:1] or self.env.company
        if company.solar_hijri_periods:
            start = company._calendar_period_start(day, granularity)
            return self.env["res.users"]._solar_hijri_period_label(start, granularity)
        pattern = {"month": "MMMM y", "quarter": "QQQ y", "year": "y"}[granularity]
        return format_date(self.env, day, date_format=pattern)
