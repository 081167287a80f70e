from odoo import models


class MergePartnerAutomatic(models.TransientModel):
    _inherit = "base.partner.merge.automatic.wizard"

    def _merge_loyalty_cards(self, src_partners, dst_partner):
        """Merged customers' cards of a ledger programme: the points move to the one card
        kept, as Transfer lines that keep each lot's expiry date; the other cards are
        archived empty. loyalty's own merge (which writes the sum of the balances on the
        kept card) then handles the other programmes only, since it skips archived cards."""
        Card = self.env["loyalty.card"].sudo()
        cards = Card.search([("partner_id", "in", src_partners.ids), ("crm_enabled", "=", True)])
        reason = self.env._("Contacts merged into %(partner)s", partner=dst_partner.display_name)
        for program, program_cards in cards.grouped("program_id").items():
            kept = Card.search(
                [("partner_id", "=", dst_partner.id), ("program_id", "=", program.id)], limit=1
            )
            if not kept:
                kept = program_cards[0]
                kept.partner_id = dst_partner
                program_cards -= kept
            for card in program_cards:
                if card.points > 0:
                    card._crm_transfer(kept, card.points, reason)
            program_cards.filtered(lambda c: c.points >= 0).write({"active": False})
        return super()._merge_loyalty_cards(src_partners, dst_partner)
