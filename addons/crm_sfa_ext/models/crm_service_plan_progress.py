from odoo import fields, models


class CrmServicePlanProgress(models.Model):
    """How far a running plan's solve is: one row per plan, written from a cursor of its own
    while the plan's transaction is open (see crm.service.plan._fs_progress). The plan is a
    plain number, not a foreign key: the row is written before the plan's transaction ends."""

    _name = "crm.service.plan.progress"
    _description = "Field Service Planning Progress"
    _log_access = False

    plan_id = fields.Integer(required=True, index=True)
    percent = fields.Integer()
