from odoo import fields, models
from odoo.exceptions import UserError
from odoo.tools import format_amount

from ..lib import ledger

CUSTOMER_MOVES = ("out_invoice", "out_refund")


class AccountMove(models.Model):
    _inherit = "account.move"

    # the daily entry of a loyalty programme's points (crm.loyalty.accounting)
    crm_loyalty_program_id = fields.Many2one(
        "loyalty.program",
        string="Loyalty Programme",
        readonly=True,
        copy=False,
        index="btree_not_null",
    )

    # a posted, cancelled or reset invoice or credit note changes what an order has earned
    # (and, for a credit note, what it keeps redeemed): the order sync books the difference
    def _post(self, soft=True):
        posted = super()._post(soft=soft)
        posted._crm_sync_loyalty_orders(check_refunds=True)
        return posted

    def button_draft(self):
        res = super().button_draft()
        self._crm_sync_loyalty_orders()
        return res

    def button_cancel(self):
        res = super().button_cancel()
        self._crm_sync_loyalty_orders()
        return res

    def _crm_sale_orders(self):
        self.ensure_one()
        if self.move_type not in CUSTOMER_MOVES:
            return self.env["sale.order"]
        return self.line_ids.sale_line_ids.order_id

    def _crm_sync_loyalty_orders(self, check_refunds=False, document=None):
        """Book what these invoices and credit notes change on their orders' ledger cards
        (credit notes first: they are what takes points back). Invoices of a company without
        a ledger programme cost nothing; the others, one query to find the orders that
        involve a ledger card."""
        Program = self.env["loyalty.program"]
        moves = self.filtered(
            lambda m: m.move_type in CUSTOMER_MOVES and Program._crm_ledger_in_use(m.company_id.id)
        ).sorted(lambda m: m.move_type != "out_refund")
        for move in moves:
            orders = move._crm_sale_orders()._crm_ledger_orders()
            if not orders:
                continue
            if check_refunds and move.move_type == "out_refund":
                move._crm_check_refund(orders)
            # an invoice does not change what its orders plan or redeem
            orders._crm_sync_loyalty(document=document or move, changed=False)

    def _crm_check_refund(self, orders):
        """A credit note cannot credit a loyalty order for more than its invoices: the
        points it takes back and gives back would not add up."""
        self.ensure_one()
        involved = (
            self.env["loyalty.history"]
            .sudo()
            ._read_group(
                [
                    ("order_model", "=", "sale.order"),
                    ("order_id", "in", orders.ids),
                    ("crm_kind", "!=", False),
                ],
                ["order_id"],
            )
        )
        loyalty_orders = orders.browse([order_id for (order_id,) in involved])
        if not loyalty_orders:
            return
        figures = loyalty_orders._crm_invoice_figures()
        for order in loyalty_orders:
            invoiced, credited, __ = figures.get(order.id, (0.0, 0.0, 0.0))
            if credited > invoiced + ledger.EPSILON:
                raise UserError(
                    self.env._(
                        "%(credit_note)s would credit %(order)s for %(credited)s in all, more "
                        "than its invoices (%(invoiced)s): the loyalty points it earned and "
                        "redeemed could not be settled. Lower the credit note to what is left "
                        "to credit.",
                        credit_note=self.display_name,
                        order=order.name,
                        credited=format_amount(self.env, credited, self.currency_id),
                        invoiced=format_amount(self.env, invoiced, self.currency_id),
                    )
                )
