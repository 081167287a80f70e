from odoo import api, fields, models

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
