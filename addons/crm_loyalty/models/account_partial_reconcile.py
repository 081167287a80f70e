from odoo import api, models

from .account_move import CUSTOMER_MOVES


class AccountPartialReconcile(models.Model):
    _inherit = "account.partial.reconcile"

    # a payment or a credit note reconciled with (or removed from) an invoice changes what
    # an order has earned in a programme whose points come with the payment
    @api.model_create_multi
    def create(self, vals_list):
        partials = super().create(vals_list)
        self._crm_sync_orders(partials._crm_pairs())
        return partials

    def unlink(self):
        pairs = self._crm_pairs()
        res = super().unlink()
        self._crm_sync_orders(pairs)
        return res

    def _crm_pairs(self):
        """(customer invoice or credit note, the document that settles it) of each partial."""
        pairs = []
        Program = self.env["loyalty.program"]
        for partial in self.filtered(lambda p: Program._crm_ledger_in_use(p.company_id.id)):
            moves = partial.debit_move_id.move_id | partial.credit_move_id.move_id
            customer = moves.filtered(lambda m: m.move_type in CUSTOMER_MOVES)
            if not customer:
                continue
            refund = customer.filtered(lambda m: m.move_type == "out_refund")[:1]
            document = refund or (moves - customer)[:1] or customer[:1]
            pairs += [(move, document) for move in customer]
        return pairs

    @api.model
    def _crm_sync_orders(self, pairs):
        for move, document in pairs:
            if move.exists():
                move._crm_sync_loyalty_orders(document=document.exists() or move)
