from odoo import fields, models

_GROUP = "crm_sfa_ext.group_crm_sfa_ext_user"


class CalendarEvent(models.Model):
    _inherit = "calendar.event"

    sfa_visit_line_ids = fields.One2many(
        "crm.visit.plan.line", "event_id", string="Planned Visit", groups=_GROUP
    )
    sfa_visit_state = fields.Selection(
        related="sfa_visit_line_ids.state", string="Visit Status", groups=_GROUP
    )

    def action_sfa_visit_done(self):
        self.ensure_one()
        return self.sfa_visit_line_ids.action_mark_done()
