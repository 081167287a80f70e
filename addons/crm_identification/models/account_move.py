from odoo import api, models

from .crm_customer_touch import MOVE_FIGURE_FIELDS, write_noting_customers


class AccountMove(models.Model):
    _inherit = "account.move"

    @api.model_create_multi
    def create(self, vals_list):
        moves = super().create(vals_list)
        # moves are created in draft, save by imports: those created posted count at once
        posted = moves.filtered(lambda move: move.state == "posted")
        self.env["crm.customer.touch"]._touch_moves(posted.ids)
        return moves

    def _write_multi(self, vals_list):
        # posted, reset to draft, cancelled, re-dated or re-amounted invoices and refunds
        return write_noting_customers(
            self,
            vals_list,
            MOVE_FIGURE_FIELDS,
            self.env["crm.customer.touch"]._touch_moves,
            super()._write_multi,
        )
