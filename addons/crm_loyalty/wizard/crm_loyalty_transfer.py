from odoo import api, fields, models
from odoo.exceptions import UserError


class CrmLoyaltyTransfer(models.TransientModel):
    """Points moved from one member's card to another card of the same programme (a gift
    to a family member, two cards of one customer): out of the source card's lots, oldest
    first, into new lots on the target that keep their expiry dates."""

    _name = "crm.loyalty.transfer"
    _description = "Transfer Loyalty Points"

    card_id = fields.Many2one("loyalty.card", string="From Card", required=True, readonly=True)
    program_id = fields.Many2one(related="card_id.program_id")
    balance = fields.Float(related="card_id.points", string="Balance")
    target_card_id = fields.Many2one(
        "loyalty.card",
        string="To Card",
        required=True,
        domain="[('program_id', '=', program_id), ('id', '!=', card_id)]",
    )
    points = fields.Float(
        required=True,
        compute="_compute_points",
        store=True,
        readonly=False,
        precompute=True,
    )
    reason = fields.Char(required=True)

    @api.depends("card_id")
    def _compute_points(self):
        for wizard in self:
            wizard.points = max(wizard.card_id.points, 0.0)

    def action_confirm(self):
        self.ensure_one()
        self.card_id._crm_check_manual_change(self.reason)
        if self.points <= 0:
            raise UserError(self.env._("Enter a positive number of points to transfer."))
        if self.target_card_id.program_id != self.card_id.program_id:
            raise UserError(
                self.env._("Points move only between two cards of the same programme.")
            )
        self.card_id._crm_transfer(self.target_card_id, self.points, self.reason.strip())
        return {"type": "ir.actions.act_window_close"}
