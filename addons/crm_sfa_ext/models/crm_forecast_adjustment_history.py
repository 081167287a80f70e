from odoo import fields, models


class CrmForecastAdjustmentHistory(models.Model):
    """Every change of a manager's adjusted forecast: who, when, from what to what, and why.
    Written by the sheet line's write; never changed afterwards."""

    _name = "crm.forecast.adjustment.history"
    _description = "Forecast Adjustment History"
    _order = "create_date desc, id desc"

    adjustment_id = fields.Many2one(
        "crm.forecast.adjustment", required=True, ondelete="cascade", index=True, readonly=True
    )
    user_id = fields.Many2one(related="adjustment_id.user_id", string="Salesperson")
    company_id = fields.Many2one(related="adjustment_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="adjustment_id.currency_id")
    previous_amount = fields.Monetary(
        string="Before",
        readonly=True,
        help="The adjustment before the change, or the computed forecast then.",
    )
    was_adjusted = fields.Boolean(string="Adjusted Before", readonly=True)
    amount = fields.Monetary(string="After", readonly=True)
    reset = fields.Boolean(
        string="Back to Computed", readonly=True, help="The adjustment was removed."
    )
    note = fields.Char(string="Reason", readonly=True)
    changed_by = fields.Many2one("res.users", readonly=True, default=lambda self: self.env.user)
    changed_on = fields.Datetime(readonly=True, default=fields.Datetime.now)
