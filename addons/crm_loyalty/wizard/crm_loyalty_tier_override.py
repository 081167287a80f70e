from odoo import fields, models
from odoo.exceptions import UserError

from ..models.loyalty_card import MANUAL_TIER_REASONS


class CrmLoyaltyTierOverride(models.TransientModel):
    """A tier given by hand (a status match, staff, a VIP) with a reason and an end date,
    after which the member returns to the tier their points give; or the early end of such
    a tier. Loyalty Managers only."""

    _name = "crm.loyalty.tier.override"
    _description = "Give a Loyalty Tier by Hand"

    card_id = fields.Many2one("loyalty.card", required=True, readonly=True)
    program_id = fields.Many2one(related="card_id.program_id")
    current_tier_id = fields.Many2one(related="card_id.crm_tier_id", string="Current Tier")
    manual_until = fields.Date(related="card_id.crm_tier_manual_until")
    tier_id = fields.Many2one("crm.loyalty.tier", domain="[('program_id', '=', program_id)]")
    reason = fields.Selection(MANUAL_TIER_REASONS, default="vip")
    note = fields.Char(help="What the reason does not say: the competitor's status, ...")
    date_end = fields.Date(string="Until", help="The last day of the manual tier.")

    def action_confirm(self):
        self.ensure_one()
        card = self.card_id
        card._crm_check_manager()
        today = fields.Date.context_today(self)
        if not self.tier_id or self.tier_id.program_id != card.program_id:
            raise UserError(
                self.env._("Choose a tier of %(program)s.", program=card.program_id.name)
            )
        if not self.reason or not self.date_end or self.date_end < today:
            raise UserError(
                self.env._(
                    "A tier given by hand needs a reason and an end date from today on: "
                    "fill both in."
                )
            )
        self.env["crm.loyalty.tier"]._crm_set_manual(
            card, self.tier_id, self.reason, (self.note or "").strip(), self.date_end, today
        )
        return {"type": "ir.actions.act_window_close"}

    def action_end(self):
        """End the manual tier now: the member returns to the tier their points give."""
        self.ensure_one()
        card = self.card_id
        card._crm_check_manager()
        if not card.crm_tier_manual_until:
            raise UserError(
                self.env._(
                    "%(card)s has no tier given by hand: there is nothing to end.",
                    card=card.display_name,
                )
            )
        self.env["crm.loyalty.tier"]._crm_end_manual(card, fields.Date.context_today(self))
        return {"type": "ir.actions.act_window_close"}
