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
# a contact archived or restored, or moved under another company
PARTNER_FIGURE_FIELDS = frozenset({"active", "parent_id", "is_company"})
# the order-line fields whose change alters the order's amount or margin
LINE_FIGURE_FIELDS = frozenset(
    {
        "product_id",
        "product_uom_qty",
        "product_uom",
        "price_unit",
        "discount",
        "tax_id",
        "purchase_price",
        "order_id",
    }
)
# where the customers noted during a transaction wait for its commit (cr.precommit.data)
PENDING = "crm_identification.touched"


def note_customers(env, pairs=(), partners=(), months=()):
    """Note what a change of sales alters, at no cost to the business flow: customers as
    (company id, commercial partner id) `pairs` and as `partners` (ids: these and their
    commercial partners, in every company), and basket months as (company id, first day)
    `months` (crm.basket.month). Kept in the cursor's pre-commit data and written in one
    statement when the transaction commits (or when a refresh starts)."""
    pairs = {pair for pair in pairs if all(pair)}
    partners = set(filter(None, partners))
    months = {month for month in months if all(month)}
    if not pairs and not partners and not months:
        return
    cr = env.cr
    if PENDING not in cr.precommit.data:
        cr.precommit.data[PENDING] = {"pairs": set(), "partners": set(), "months": set()}
        cr.precommit.add(lambda: write_pending(cr))
    pending = cr.precommit.data[PENDING]
    pending["pairs"] |= pairs
    pending["partners"] |= partners
    pending["months"] |= months


def write_pending(cr):
    """Write what was noted and not written yet (see `note_customers`), in one statement
    whatever its size: the customers into crm_customer_touch (one noted already is
    skipped), the counted months that changed marked stale (only those not stale yet are
    written: after a month's first change, later ones lock nothing). A customer deleted
    since it was noted is not written (its sales went with it)."""
    pending = cr.precommit.data.pop(PENDING, None)
    if not pending:
        return
    companies, partners = zip(*pending["pairs"], strict=True) if pending["pairs"] else ((), ())
    month_companies, months = (
        zip(*pending["months"], strict=True) if pending["months"] else ((), ())
    )
    cr.execute(
        SQL(
            """
            WITH stale AS (
                UPDATE crm_basket_month m SET stale = TRUE
                  FROM unnest(%(month_companies)s::int[], %(months)s::date[])
                           AS c(company_id, month)
                 WHERE m.company_id = c.company_id AND m.month = c.month AND NOT m.stale
            )
            INSERT INTO crm_customer_touch (company_id, partner_id)
            -- a customer or company deleted later in the transaction is left out
            SELECT t.company_id, t.partner_id
              FROM unnest(%(companies)s::int[], %(partners)s::int[]) AS t(company_id, partner_id)
              JOIN res_partner p ON p.id = t.partner_id
              JOIN res_company c ON c.id = t.company_id
             UNION
            SELECT c.id, unnest(ARRAY[p.id, p.commercial_partner_id])
              FROM res_partner p CROSS JOIN res_company c
             WHERE p.id = ANY(%(contacts)s::int[])
            ON CONFLICT DO NOTHING
            """,
            companies=list(companies),
            partners=list(partners),
            contacts=list(pending["partners"]),
            month_companies=list(month_companies),
            months=list(months),
        )
    )


class CrmCustomerTouch(models.Model):
    """A customer whose sales changed since the last refresh of a company.

    The nightly refresh takes the figures of every other customer from the rows it stored
    the night before (only the sales leaving the window are subtracted) and computes the
    figures of these customers from their sales again; then it deletes their rows here.
    The public ORM methods of sale.order, sale.order.line, account.move and res.partner
    (create, write, unlink: confirming, cancelling, posting, resetting and re-dating go
    through write) note the customer a sale belonged to before the change and the one it
    belongs to after, in memory (`note_customers`); the rows are written in one statement
    when the transaction commits, so the business flow runs no extra query. The partner
    merge, which moves sales in SQL, writes its rows at once. Changes made in SQL behind the
    ORM's back write nothing here: "Refresh now", and the nightly cron on Sundays, compute
    every customer from the sales."""

    _name = "crm.customer.touch"
    _description = "Customer With Changed Sales"
    _check_company_auto = True
    # written on every change of a sale: as light as can be
    _log_access = False

    company_id = fields.Many2one("res.company", required=True, ondelete="cascade")
    partner_id = fields.Many2one(
        "res.partner", required=True, ondelete="cascade", check_company=True
    )

    _sql_constraints = [
        (
            "company_partner_unique",
            "unique(company_id, partner_id)",
            "A customer is noted once per company.",
        ),
    ]

    @api.model
    def _touch_partners(self, partner_ids):
        """These partners and their commercial partners, in every company, at once (the
        partner merge moves sales in SQL right after)."""
        note_customers(self.env, partners=partner_ids)
        # contacts created in this transaction may not have their commercial partner yet
        self.env["res.partner"].flush_model(["commercial_partner_id"])
        write_pending(self.env.cr)

    @api.model
    def _take(self, company):
        """Delete the company's rows and put the customers they name, with their
        commercial partners now, in the temporary table crm_touched (the rows that
        concurrent transactions write meanwhile stay for the next refresh). The customers
        noted by this transaction and not written yet are written first."""
        write_pending(self.env.cr)
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
