from collections import defaultdict
from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL

from ..lib import basket

# Up to this many days of orders, the baskets are read order by order through the
# order-line index; beyond, in one scan of every order line, whose cost does not depend on
# the days read (full size: the 31 days of a window's partial months by index 0.8 s, the
# scan 2.8 s)
INDEXED_DAYS = 62


class CrmProductAssociation(models.Model):
    """Products bought together (market-basket analysis): the rule "who buys A also buys B",
    with its support, confidence and lift. Recomputed set-based by the refresh."""

    _name = "crm.product.association"
    _description = "Products Bought Together"
    _order = "lift desc, confidence desc, id"
    _check_company_auto = True

    company_id = fields.Many2one("res.company", required=True, ondelete="cascade", index=True)
    product_id = fields.Many2one(
        "product.product",
        string="Bought",
        required=True,
        ondelete="cascade",
        index=True,
        check_company=True,
    )
    associated_product_id = fields.Many2one(
        "product.product",
        string="Also Bought",
        required=True,
        ondelete="cascade",
        check_company=True,
    )
    order_count = fields.Integer(string="Orders With Both", readonly=True)
    support = fields.Float(string="Support (%)", readonly=True, digits=(16, 2))
    confidence = fields.Float(string="Confidence (%)", readonly=True, digits=(16, 1))
    lift = fields.Float(readonly=True, digits=(16, 2), aggregator="avg")

    @api.model
    def _refresh_company(self, company, as_of, recount=False):
        """Rebuild the rules of one company from its confirmed orders in the look-back
        window. The whole months of the window are summed from their stored pair counts
        (crm.basket.month, counting the months missing or stale, or all with recount); the
        partial months at either end are counted from the order lines. Pairs under the
        minimum support are dropped (a pair is never more frequent than its products, so no
        item pruning is needed first), and each pair left gives the two rules A -> B and
        B -> A. Returns the number of rules."""
        window_start = as_of - timedelta(days=company.crm_lookback_days)
        months, partial = basket.window_months(window_start, as_of + timedelta(days=1))
        self.env["crm.basket.month"]._count_months(company, months, recount=recount)
        self.env.cr.execute(
            SQL(
                "CREATE TEMP TABLE crm_partial_pairs ON COMMIT DROP AS %s",
                self._pair_counts_sql(self._baskets_sql(company, partial)),
            )
        )
        self.env.cr.execute(
            SQL(
                """
            SELECT (SELECT COALESCE(SUM(basket_count), 0) FROM crm_basket_month
                     WHERE company_id = %(company)s)
                 + (SELECT COALESCE(SUM(baskets_starting), 0) FROM crm_partial_pairs)
            """,
                company=company.id,
            )
        )
        orders = self.env.cr.fetchone()[0]
        self.env.cr.execute(
            SQL(
                """
            DELETE FROM crm_product_association WHERE company_id = %(company)s;
            CREATE TEMP TABLE crm_pair_counts ON COMMIT DROP AS
            SELECT a, b, SUM(cnt) AS cnt
              FROM (SELECT u.a, u.b, u.cnt
                      FROM crm_basket_month m
                     CROSS JOIN LATERAL unnest(m.pair_a, m.pair_b, m.pair_count)
                                        AS u(a, b, cnt)
                     WHERE m.company_id = %(company)s
                    UNION ALL
                    SELECT a, b, cnt FROM crm_partial_pairs) counts
             GROUP BY a, b;
            WITH threshold AS (
                SELECT GREATEST(%(min_orders)s, CEIL(%(orders)s * %(min_support)s / 100.0))
                    AS cnt
            ),
            items AS (
                SELECT a AS product_id, cnt FROM crm_pair_counts WHERE a = b
            ),
            unordered_pairs AS (
                SELECT a, b, cnt FROM crm_pair_counts
                 WHERE a < b AND cnt >= (SELECT cnt FROM threshold)
            ),
            pairs AS (
                SELECT a, b, cnt FROM unordered_pairs
                UNION ALL
                SELECT b, a, cnt FROM unordered_pairs
            ),
            rules AS (
                SELECT p.a, p.b, p.cnt,
                       100.0 * p.cnt / %(orders)s AS support,
                       100.0 * p.cnt / ia.cnt AS confidence,
                       (p.cnt::float / ia.cnt) / (ib.cnt::float / %(orders)s) AS lift
                  FROM pairs p
                  JOIN items ia ON ia.product_id = p.a
                  JOIN items ib ON ib.product_id = p.b
            )
            INSERT INTO crm_product_association (
                company_id, product_id, associated_product_id, order_count, support,
                confidence, lift, create_uid, write_uid, create_date, write_date)
            SELECT %(company)s, a, b, cnt, support, confidence, lift,
                   %(uid)s, %(uid)s, %(now)s, %(now)s
              FROM rules
             WHERE confidence >= %(min_confidence)s AND lift >= %(min_lift)s;
            """,
                company=company.id,
                orders=orders,
                min_orders=company.crm_basket_min_orders,
                min_support=company.crm_basket_min_support,
                min_confidence=company.crm_basket_min_confidence,
                min_lift=company.crm_basket_min_lift,
                uid=self.env.uid,
                now=fields.Datetime.now(),
            )
        )
        count = self.env.cr.rowcount
        self.env.cr.execute("DROP TABLE IF EXISTS crm_pair_counts, crm_partial_pairs")
        return count

    @api.model
    def _baskets_sql(self, company, ranges, by_month=False):
        """SQL of the baskets of the company's confirmed orders dated in the day ranges
        [(from, to)]: (month, the sorted distinct products of one order), month being the
        order's month with by_month, NULL otherwise. Up to INDEXED_DAYS days of orders are
        read order by order through the order-line index; more in one scan of every line."""
        if not ranges:
            return SQL("SELECT NULL::date AS month, NULL::int[] AS items WHERE FALSE")
        dated = SQL(" OR ").join(
            SQL("(o.date_order >= %s AND o.date_order < %s)", start, end)
            for start, end in basket.merge_ranges(ranges)
        )
        values = {
            "items": SQL("array_agg(DISTINCT l.product_id ORDER BY l.product_id)"),
            "lines": SQL(
                "l.product_id IS NOT NULL AND l.display_type IS NULL "
                "AND NOT COALESCE(l.is_downpayment, FALSE)"
            ),
            "company": company.id,
            "dated": dated,
        }
        if sum((end - start).days for start, end in ranges) <= INDEXED_DAYS:
            return SQL(
                """
                SELECT %(month)s AS month, b.items
                  FROM sale_order o
                 CROSS JOIN LATERAL (SELECT %(items)s AS items FROM sale_order_line l
                                      WHERE l.order_id = o.id AND %(lines)s) b
                 WHERE o.company_id = %(company)s AND o.state = 'sale' AND (%(dated)s)
                   AND b.items IS NOT NULL
                """,
                month=SQL("date_trunc('month', o.date_order)::date" if by_month else "NULL::date"),
                **values,
            )
        # grouped by order alone, the month taken from the group: the scan, the join and
        # the sort by order stay parallel
        return SQL(
            """
            SELECT %(month)s AS month, %(items)s AS items
              FROM sale_order_line l
              JOIN sale_order o ON o.id = l.order_id
             WHERE o.company_id = %(company)s AND o.state = 'sale' AND (%(dated)s)
               AND %(lines)s
             GROUP BY l.order_id
            """,
            month=SQL(
                "date_trunc('month', MIN(o.date_order))::date" if by_month else "NULL::date"
            ),
            **values,
        )

    @api.model
    def _pair_counts_sql(self, baskets):
        """SQL counting the product pairs of baskets (month, items): (month, a, b, cnt,
        baskets_starting) for each a <= b bought together in cnt baskets of the month, (a, a)
        counting the baskets with a; the sum of baskets_starting is the number of baskets.
        The pairs come from set-returning functions in the select list, which stream,
        where the same functions in FROM would fill a tuplestore for each basket (full
        size: 7.6 s -> 5.4 s); they are all counted in one hash aggregate."""
        return SQL(
            """
            WITH baskets AS (%s),
            firsts AS (
                SELECT month, items, generate_series(1, cardinality(items)) AS i FROM baskets
            ),
            pairs AS (
                SELECT month, i, items[i] AS a,
                       items[generate_series(i, cardinality(items))] AS b
                  FROM firsts
            )
            SELECT month, a, b, COUNT(*) AS cnt,
                   COUNT(*) FILTER (WHERE i = 1 AND a = b) AS baskets_starting
              FROM pairs
             GROUP BY month, a, b
            """,
            baskets,
        )

    @api.model
    def _suggest(self, partners, exclude_products=None, limit=5):
        """{commercial partner id: product ids} - products associated with what each
        customer bought, that they have not bought yet (nor hold in exclude_products),
        best first. One query for all partners."""
        commercial = partners.commercial_partner_id
        if not commercial:
            return {}
        self.env["sale.order.line"].flush_model(["product_id", "order_id", "display_type"])
        self.flush_model()
        rows = self.env.execute_query(
            SQL(
                """
            WITH bought AS (
                SELECT DISTINCT p.commercial_partner_id AS partner_id, l.product_id
                  FROM sale_order o
                  JOIN res_partner p ON p.id = o.partner_id
                  JOIN sale_order_line l ON l.order_id = o.id
                 WHERE p.commercial_partner_id IN %(partners)s AND o.state = 'sale'
                   AND o.company_id = %(company)s AND l.product_id IS NOT NULL
            ),
            scored AS (
                SELECT b.partner_id, a.associated_product_id AS product_id,
                       MAX(a.lift * a.confidence) AS score
                  FROM bought b
                  JOIN crm_product_association a
                    ON a.product_id = b.product_id AND a.company_id = %(company)s
                 WHERE NOT EXISTS (
                        SELECT 1 FROM bought b2
                         WHERE b2.partner_id = b.partner_id
                           AND b2.product_id = a.associated_product_id)
                   AND a.associated_product_id <> ALL(%(exclude)s)
                 GROUP BY b.partner_id, a.associated_product_id
            )
            SELECT partner_id, product_id FROM (
                SELECT partner_id, product_id,
                       ROW_NUMBER() OVER (PARTITION BY partner_id ORDER BY score DESC,
                                          product_id) AS rank
                  FROM scored) ranked
             WHERE rank <= %(limit)s
             ORDER BY partner_id, rank
            """,
                partners=tuple(commercial.ids),
                company=self.env.company.id,
                exclude=list(exclude_products.ids if exclude_products else []),
                limit=limit,
            )
        )
        result = defaultdict(list)
        for partner_id, product_id in rows:
            result[partner_id].append(product_id)
        return result
