from odoo import models
from odoo.exceptions import UserError


class LoyaltyCardUpdateBalance(models.TransientModel):
    _inherit = "loyalty.card.update.balance"

    def action_update_card_point(self):
        """On a card of a ledger programme, Odoo's Update Balance is a manual adjustment
        whose description is the reason (Loyalty Managers only)."""
        ledger_wizards = self.filtered("card_id.program_id.crm_enabled")
        for wizard in ledger_wizards:
            if wizard.new_balance < 0 or wizard.new_balance == wizard.old_balance:
                raise UserError(
                    self.env._(
                        "Enter a new balance of zero or more that differs from the current " "one."
                    )
                )
            wizard.card_id.with_context(
                crm_loyalty_reason=wizard.description
            ).points = wizard.new_balance
        if self - ledger_wizards:
            return super(
                LoyaltyCardUpdateBalance, self - ledger_wizards
            ).action_update_card_point()
        return True
