from odoo import fields, models


class MailActivity(models.Model):
    _inherit = "mail.activity"

    def _action_done(self, feedback=False, attachment_ids=None):
        # a planned visit is done when its activity, or its meeting's activity, is done
        lines = (
            self.env["crm.visit.plan.line"]
            .sudo()
            .search(
                [
                    ("state", "!=", "done"),
                    "|",
                    ("activity_id", "in", self.ids),
                    ("event_id", "in", self.calendar_event_id.ids),
                ]
            )
        )
        lines.write({"state": "done", "done_date": fields.Datetime.now()})
        # a meeting with a customer done (a visit not planned, or planned for later) clears
        # their "not visited as planned" flag as well
        met = self.filtered(
            lambda activity: activity.res_model == "res.partner"
            and (activity.calendar_event_id or activity.activity_type_id.category == "meeting")
        )
        if met:
            customers = self.env["res.partner"].sudo().browse(met.mapped("res_id")).exists()
            self.env["crm.visit.plan.line"].sudo()._clear_missed(
                customers.commercial_partner_id.ids
            )
        return super()._action_done(feedback=feedback, attachment_ids=attachment_ids)
