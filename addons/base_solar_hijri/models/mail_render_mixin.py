from odoo import api, models


class MailRenderMixin(models.AbstractModel):
    _inherit = "mail.render.mixin"

    @api.model
    def _render_eval_context(self):
        # templates' format_date / format_datetime: Solar Hijri for those who read it (the
        # template renders in its recipient's language)
        render_context = super()._render_eval_context()
        users = self.env["res.users"]
        render_context["format_date"] = (
            lambda date, date_format=False, lang_code=False: users._solar_hijri_format_date(
                date, lang_code=lang_code or None, date_format=date_format
            )
        )
        render_context["format_datetime"] = (
            lambda dt, tz=False, dt_format=False, lang_code=False: (
                users._solar_hijri_format_datetime(
                    dt, tz=tz, dt_format=dt_format, lang_code=lang_code or None
                )
            )
        )
        return render_context
