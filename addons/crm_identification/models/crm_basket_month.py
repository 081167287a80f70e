from odoo import api, fields, models
from odoo.tools import SQL

from ..lib import basket
from .crm_customer_touch import note_customers, write_pending

# the order and order-line fields whose change alters a month's baskets
ORDER_BASKET_FIELDS = frozenset({"state", "date_order", "company_id"})
LINE_BASKET_FIELDS = frozenset({"order_id", "product_id", "display_type", "is_downpayment"})


class CrmBasketMonth(models.Model):
    """The product pair counts of one whole calendar month of a company's confirmed orders.

    The market-basket analysis of a window of a year sums the months wholly inside it from
    here and counts only the partial months at either end from the order lines, instead of
    reading a year of order lines each night. A month is counted when the window first
    covers it and again after an order of it changed: a change of a confirmed order's
    state, date or company, or of one of its lines (see sale.order and sale.order.line),
    marks its month stale. "Refresh now", and the nightly cron on Sundays, recount every
    month, which also picks up orders changed in SQL behind the ORM's back.

    The counts are three parallel arrays of the row, outside the ORM: each (pair_a[i],
    pair_b[i]) with pair_a[i] <= pair_b[i] was in pair_count[i] baskets of the month, and
    (a, a) counts the baskets holding a. A year is about a dozen rows, where a row per pair
    would be a million."""

    _name = "crm.basket.month"
    _description = "Product Pairs of a Month"
    _order = "company_id, month"
    # derived data, rewritten by the refresh only
    _log_access = False

    company_id = fields.Many2one("res.company", required=True, ondelete="cascade")
    month = fields.Date(required=True, help="First day of the month counted.")
    basket_count = fields.Integer(string="Orders", readonly=True)
    stale = fields.Boolean(
        readonly=True, help="An order of the month changed since it was counted."
    )

    _sql_constraints = [
        (
            "company_month_unique",
            "unique(company_id, month)",
            "A month is counted once per company.",
        ),
    ]

    def init(self):
        for column in ("pair_a", "pair_b", "pair_count"):
            self.env.cr.execute(
                SQL(
                    "ALTER TABLE crm_basket_month ADD COLUMN IF NOT EXISTS %s int4[]",
                    SQL.identifier(column),
                )
            )

    @api.model
    def _mark_stale(self, company_months):
        """Mark the counted months among {(company id, first day of month)} stale, when
        the transaction commits (or a refresh starts): see `note_customers`."""
        note_customers(self.env, months=company_months)

    @api.model
    def _count_months(self, company, months, recount=False):
        """Make the stored counts of `company` the counts of exactly these whole months:
        months no longer wanted, stale ones (or all, with recount) are dropped, and the
        months missing are counted from the order lines in one pass."""
        write_pending(self.env.cr)
        self.invalidate_model(["stale"])
        self.flush_model()
        self.env.cr.execute(
            SQL(
                """
            DELETE FROM crm_basket_month
             WHERE company_id = %(company)s
               AND (stale OR %(recount)s OR NOT month = ANY(%(months)s::date[]))
            """,
                company=company.id,
                recount=recount,
                months=months,
            )
        )
        self.env.cr.execute(
            SQL(
                "SELECT month FROM crm_basket_month WHERE company_id = %s",
                company.id,
            )
        )
        missing = sorted(set(months) - {month for (month,) in self.env.cr.fetchall()})
        if missing:
            Association = self.env["crm.product.association"]
            baskets = Association._baskets_sql(
                company, [(month, basket.next_month(month)) for month in missing], by_month=True
            )
            # counted into a temporary table first: PostgreSQL plans no parallel workers for
            # an INSERT's query, and CREATE TABLE AS may have them (full size: 12 s -> 7 s)
            self.env.cr.execute(
                SQL(
                    "CREATE TEMP TABLE crm_month_pairs ON COMMIT DROP AS %s",
                    Association._pair_counts_sql(baskets),
                )
            )
            self.env.cr.execute(
                SQL(
                    """
                INSERT INTO crm_basket_month (company_id, month, basket_count, stale,
                                              pair_a, pair_b, pair_count)
                SELECT %(company)s, m.month, COALESCE(SUM(c.baskets_starting), 0), FALSE,
                       COALESCE(array_agg(c.a) FILTER (WHERE c.a IS NOT NULL), '{}'),
                       COALESCE(array_agg(c.b) FILTER (WHERE c.a IS NOT NULL), '{}'),
                       COALESCE(array_agg(c.cnt) FILTER (WHERE c.a IS NOT NULL), '{}')
                  FROM unnest(%(months)s::date[]) AS m(month)
                  LEFT JOIN crm_month_pairs c ON c.month = m.month
                 GROUP BY m.month;
                DROP TABLE crm_month_pairs;
                """,
                    company=company.id,
                    months=missing,
                )
            )
        self.invalidate_model()
        return missing
