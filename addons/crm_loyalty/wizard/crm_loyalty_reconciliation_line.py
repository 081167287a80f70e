from odoo import fields, models


class CrmLoyaltyReconciliationLine(models.TransientModel):
    """One programme of a points reconciliation."""

    _name = "crm.loyalty.reconciliation.line"
    _description = "Loyalty Points Reconciliation Line"

    reconciliation_id = fields.Many2one(
        "crm.loyalty.reconciliation", required=True, ondelete="cascade"
    )
    program_id = fields.Many2one("loyalty.program", string="Programme", readonly=True)
    currency_id = fields.Many2one(related="program_id.currency_id")
    points = fields.Float(string="Ledger Balance (Points)", readonly=True)
    point_value = fields.Monetary(string="Value of a Point", readonly=True)
    expected = fields.Monetary(string="Ledger Liability", readonly=True)
    booked = fields.Monetary(string="Liability Account", readonly=True)
    difference = fields.Monetary(readonly=True)
    unposted = fields.Integer(
        string="Lines Not Posted", readonly=True, help="Ledger lines not in the books yet."
    )
