from odoo import api, fields, models
from odoo.exceptions import UserError


class CrmLoyaltyAdjust(models.TransientModel):
    """A manual adjustment of a member's points: signed points and a reason (Loyalty
    Managers only), booked as one ledger line per lot it takes points from."""

    _name = "crm.loyalty.adjust"
    _description = "Adjust Loyalty Points"

    card_id = fields.Many2one("loyalty.card", required=True, readonly=True)
    balance = fields.Float(related="card_id.points", string="Current Balance")
    points = fields.Float(
        required=True, help="Points to add (positive) or to take off (negative)."
    )
    reason = fields.Char(required=True)
    new_balance = fields.Float(compute="_compute_new_balance")

    @api.depends("balance", "points")
    def _compute_new_balance(self):
        for wizard in self:
            wizard.new_balance = wizard.balance + wizard.points

    def action_confirm(self):
        self.ensure_one()
        card = self.card_id
        card._crm_check_manual_change(self.reason)
        if not self.points:
            raise UserError(
                self.env._("Enter the points to add (positive) or take off (negative).")
            )
        company = card.company_id or self.env.company
        limit = self.env["crm.loyalty.limit"]._crm_exceeded("adjust", self.points, company)
        if limit:
            # above the user's limit: the approver decides, nothing is booked until then
            approval = self.env["crm.loyalty.approval"]._crm_request(
                "adjust", self.points, limit, self.reason.strip(), card=card
            )
            return {
                "type": "ir.actions.client",
                "tag": "display_notification",
                "params": {
                    "message": self.env._(
                        "%(points)s points are above your limit: %(approver)s was asked to "
                        "approve them (%(name)s).",
                        points=self.points,
                        approver=approval.approver_id.name,
                        name=approval.name,
                    ),
                    "type": "warning",
                    "next": {"type": "ir.actions.act_window_close"},
                },
            }
        self.env["loyalty.history"]._crm_book(
            [
                {
                    "card": card,
                    "kind": "adjust",
                    "points": self.points,
                    "description": self.env._("Manual adjustment"),
                    "reason": self.reason.strip(),
                }
            ]
        )
        return {"type": "ir.actions.act_window_close"}
