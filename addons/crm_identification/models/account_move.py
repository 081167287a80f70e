from odoo import api, models

from .crm_customer_touch import MOVE_FIGURE_FIELDS, note_customers


class AccountMove(models.Model):
    _inherit = "account.move"

    @api.model_create_multi
    def create(self, vals_list):
        moves = super().create(vals_list)
        # moves are created in draft, save by imports: those created posted count at once
        moves._crm_note_customers()
        return moves

    def write(self, vals):
        # posted (`_post` writes the state), reset to draft, cancelled, re-dated or given
        # to another customer: the customers before and after; a posted move's amount
        # cannot change
        if MOVE_FIGURE_FIELDS.isdisjoint(vals):
            return super().write(vals)
        self._crm_note_customers()
        result = super().write(vals)
        self._crm_note_customers()
        return result

    def _crm_note_customers(self):
        """Note the customers of these posted customer invoices and refunds."""
        note_customers(
            self.env,
            pairs=[
                (move.company_id.id, move.commercial_partner_id.id)
                for move in self
                if move.state == "posted" and move.move_type in ("out_invoice", "out_refund")
            ],
        )
