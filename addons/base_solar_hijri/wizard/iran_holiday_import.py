import base64
import binascii

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools.misc import file_open

from ..models.resource_calendar import LUNAR_HOLIDAYS_FILE


class IranHolidayImport(models.TransientModel):
    _name = "iran.holiday.import"
    _description = "Import Iranian Holidays"

    calendar_ids = fields.Many2many(
        "resource.calendar",
        string="Working Schedules",
        required=True,
        default=lambda self: self.env["resource.calendar"].search(
            [("iran_public_holidays", "=", True)]
        ),
    )
    holidays_file = fields.Binary(
        help="A CSV file: first line 'date,name_en,name_fa', then one line per holiday with "
        "its Solar Hijri date (1405/01/24). Leave empty to import the holidays shipped "
        "with this module (1405 and 1406).",
    )
    holidays_filename = fields.Char()
    add_fixed_holidays = fields.Boolean(
        string="Also add the fixed holidays",
        default=True,
        help="Also add the fixed Solar Hijri holidays (Nowruz, 13 Farvardin, ...) of the "
        "current and the next year.",
    )

    @api.model
    def _read_holidays_file(self, data):
        try:
            return base64.b64decode(data).decode("utf-8-sig")
        except (binascii.Error, UnicodeDecodeError):
            raise UserError(
                self.env._(
                    "The holidays file is not a UTF-8 text (CSV) file. Save it as "
                    "'CSV UTF-8' and import it again."
                )
            ) from None

    def action_import(self):
        self.ensure_one()
        if self.holidays_file:
            content = self._read_holidays_file(self.holidays_file)
        else:
            with file_open(LUNAR_HOLIDAYS_FILE) as file:
                content = file.read()
        leaves = self.calendar_ids._import_iran_holidays_csv(content)
        if self.add_fixed_holidays:
            self.calendar_ids.iran_public_holidays = True
            leaves |= self.calendar_ids._add_iran_fixed_holidays(
                self.env["resource.calendar"]._iran_current_years()
            )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self.env._("%(count)s holidays imported.", count=len(leaves)),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }
