from odoo import api, models

from .crm_customer_touch import MOVE_FIGURE_FIELDS


class AccountMove(models.Model):
    _inherit = "account.move"

    @api.model_create_multi
    def create(self, vals_list):
        moves = super().create(vals_list)
        self.env["crm.customer.touch"]._touch_moves(moves.ids)
        return moves

    def _write_multi(self, vals_list):
        # posted, reset to draft, cancelled, re-dated or re-amounted invoices and refunds:
        # their customers before the change and after
        if not any(MOVE_FIGURE_FIELDS.intersection(vals) for vals in vals_list):
            return super()._write_multi(vals_list)
        touch = self.env["crm.customer.touch"]
        touch._touch_moves(self.ids)
        result = super()._write_multi(vals_list)
        touch._touch_moves(self.ids)
        return result
