from odoo import fields, models


class CrmComplaintRootCause(models.Model):
    """Why the problem happened (a configurable list): what corrective and preventive
    actions address, and what the reports count."""

    _name = "crm.complaint.root.cause"
    _description = "Complaint Root Cause"
    _order = "sequence, name"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    description = fields.Text(translate=True)
    company_id = fields.Many2one(
        "res.company", index=True, help="Empty: a root cause every company uses."
    )
    active = fields.Boolean(default=True)
