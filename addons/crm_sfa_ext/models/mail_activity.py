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
        return super()._action_done(feedback=feedback, attachment_ids=attachment_ids)
