from odoo import fields, models

STAGE_STATES = [
    ("new", "New"),
    ("in_progress", "In progress"),
    ("waiting", "Waiting for the customer"),
    ("resolved", "Resolved"),
    ("closed", "Closed"),
    ("merged", "Merged"),
]


class CrmComplaintStage(models.Model):
    """A column of the complaint kanban. Its kind (`state`) drives the behaviour: the SLA
    clock pauses while waiting for the customer, resolved and closed stages need a
    resolution, a closed stage may ask the customer for a rating."""

    _name = "crm.complaint.stage"
    _description = "Complaint Stage"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    state = fields.Selection(
        STAGE_STATES,
        string="Kind",
        required=True,
        default="in_progress",
        help="What the stage means for the SLA and the customer.",
    )
    fold = fields.Boolean(string="Folded in Kanban")
    description = fields.Text(translate=True)
    rating_template_id = fields.Many2one(
        "mail.template",
        string="Rating Email",
        domain="[('model', '=', 'crm.complaint')]",
        help="Sent to the customer when a complaint reaches this stage, to rate the service.",
    )
    company_id = fields.Many2one(
        "res.company", index=True, help="Empty: a stage of every company's complaints."
    )
    active = fields.Boolean(default=True)
