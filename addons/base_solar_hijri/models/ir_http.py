from odoo import models


class IrHttp(models.AbstractModel):
    _inherit = "ir.http"

    def session_info(self):
        info = super().session_info()
        user = self.env.user
        # the web client reads these two keys to show and parse dates in Solar Hijri
        info["solar_hijri"] = bool(user) and self.env["res.users"]._uses_solar_hijri(user)
        info["persian_digits"] = bool(user) and bool(user.sudo().persian_digits)
        return info
