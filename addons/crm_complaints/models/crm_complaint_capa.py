from odoo import api, fields, models


class CrmComplaintCapa(models.Model):
    """A corrective or preventive action (CAPA) decided on a complaint: what, who, by when,
    and when it was done."""

    _name = "crm.complaint.capa"
    _description = "Corrective or Preventive Action"
    _inherit = ["mail.activity.mixin"]
    _order = "done, date_deadline, id"
    _check_company_auto = True

    complaint_id = fields.Many2one("crm.complaint", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="complaint_id.company_id", store=True, index=True)
    kind = fields.Selection(
        [("corrective", "Corrective"), ("preventive", "Preventive")],
        required=True,
        default="corrective",
    )
    name = fields.Char(string="Action", required=True)
    user_id = fields.Many2one(
        "res.users",
        string="Responsible",
        domain="[('share', '=', False)]",
        index=True,
        check_company=True,
    )
    date_deadline = fields.Date(string="Due Date")
    done = fields.Boolean()
    date_done = fields.Date(string="Done On", readonly=True)
    overdue = fields.Boolean(compute="_compute_overdue", search="_search_overdue")
    root_cause_id = fields.Many2one(related="complaint_id.root_cause_id", store=True)
    product_id = fields.Many2one(related="complaint_id.product_id", store=True)

    @api.depends("done", "date_deadline")
    def _compute_overdue(self):
        today = fields.Date.context_today(self)
        for action in self:
            action.overdue = (
                not action.done and bool(action.date_deadline) and action.date_deadline < today
            )

    def _search_overdue(self, operator, value):
        today = fields.Date.context_today(self)
        domain = [("done", "=", False), ("date_deadline", "<", today)]
        if (operator == "=") == bool(value):
            return domain
        return ["!", "&", *domain]

    def write(self, vals):
        if "done" in vals:
            vals = dict(vals, date_done=fields.Date.context_today(self) if vals["done"] else False)
        return super().write(vals)
