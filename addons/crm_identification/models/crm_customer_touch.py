from odoo import api, fields, models
from odoo.tools import SQL

# the stored fields whose change alters a customer's figures, per model
ORDER_FIGURE_FIELDS = frozenset(
    {
        "state",
        "date_order",
        "company_id",
        "partner_id",
        "amount_untaxed",
        "margin",
        "currency_rate",
    }
)
MOVE_FIGURE_FIELDS = frozenset(
    {
        "state",
        "move_type",
        "invoice_date",
        "company_id",
        "partner_id",
        "commercial_partner_id",
        "amount_untaxed_signed",
    }
)
PARTNER_FIGURE_FIELDS = frozenset({"active", "commercial_partner_id"})


def write_noting_customers(records, vals_list, watched, note, write):
    """For a `_write_multi` override: write(vals_list) and, when it changes one of the
    `watched` fields, note(ids) the customers of the records before the change and after."""
    if not any(watched.intersection(vals) for vals in vals_list):
        return write(vals_list)
    note(records.ids)
    result = write(vals_list)
    note(records.ids)
    return result


class CrmCustomerTouch(models.Model):
    """A customer whose sales changed since the last refresh of a company.

    The nightly refresh takes the figures of every other customer from the rows it stored
    the night before (only the sales leaving the window are subtracted) and computes the
    figures of these customers from their sales again; then it deletes their rows here.
    A row is written by the ORM hooks of sale.order, account.move and res.partner (and of
    the partner merge, which moves sales in SQL), for the customer a sale belonged to
    before the change and the one it belongs to after. Changes made in SQL behind the
    ORM's back write nothing here: "Refresh now", and the nightly cron on Sundays, compute
    every customer from the sales."""

    _name = "crm.customer.touch"
    _description = "Customer With Changed Sales"
    # written on every change of a sale: as light as can be
    _log_access = False

    company_id = fields.Many2one("res.company", required=True, ondelete="cascade")
    partner_id = fields.Many2one("res.partner", required=True, ondelete="cascade")

    @api.model
    def _touch(self, query):
        """Record the (company id, partner id) rows that `query` (SQL) selects."""
        self.env.cr.execute(
            SQL(
                "INSERT INTO crm_customer_touch (company_id, partner_id) "
                "SELECT DISTINCT company_id, partner_id FROM (%s) touched "
                "WHERE company_id IS NOT NULL AND partner_id IS NOT NULL",
                query,
            )
        )

    @api.model
    def _touch_orders(self, order_ids):
        """The customers of these orders, as the database holds them now, if confirmed."""
        if order_ids:
            self._touch(
                SQL(
                    "SELECT o.company_id, p.commercial_partner_id AS partner_id"
                    "  FROM sale_order o JOIN res_partner p ON p.id = o.partner_id"
                    " WHERE o.id = ANY(%s) AND o.state = 'sale'",
                    list(order_ids),
                )
            )

    @api.model
    def _touch_moves(self, move_ids):
        """The customers of these customer invoices and refunds, if posted."""
        if move_ids:
            self._touch(
                SQL(
                    "SELECT company_id, commercial_partner_id AS partner_id FROM account_move"
                    " WHERE id = ANY(%s) AND state = 'posted'"
                    "   AND move_type IN ('out_invoice', 'out_refund')",
                    list(move_ids),
                )
            )

    @api.model
    def _touch_partners(self, partner_ids):
        """These partners and their commercial partners, in every company."""
        if partner_ids:
            self._touch(
                SQL(
                    "SELECT c.id AS company_id, unnest(ARRAY[p.id, p.commercial_partner_id])"
                    "       AS partner_id"
                    "  FROM res_partner p CROSS JOIN res_company c WHERE p.id = ANY(%s)",
                    list(partner_ids),
                )
            )

    @api.model
    def _take(self, company):
        """Delete the company's rows and put the customers they name, with their
        commercial partners now, in the temporary table crm_touched (the rows that
        concurrent transactions write meanwhile stay for the next refresh)."""
        self.env.cr.execute(
            SQL(
                """
            CREATE TEMP TABLE crm_touched (partner_id int PRIMARY KEY) ON COMMIT DROP;
            WITH taken AS (
                DELETE FROM crm_customer_touch WHERE company_id = %(company)s
             RETURNING partner_id
            )
            INSERT INTO crm_touched
            SELECT partner_id FROM taken
             UNION
            SELECT p.commercial_partner_id FROM taken JOIN res_partner p ON p.id = taken.partner_id
            """,
                company=company.id,
            )
        )
