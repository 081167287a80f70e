# Run inside `odoo shell` (tests/bench/run.sh): generates a company's customers and sales
# set-based, then times crm_identification's full refresh against the floor, one bare
# GROUP BY over the same order lines, in the same run. Prints figures.
import os
import resource
import time
from datetime import timedelta

import psycopg2

from odoo import fields, sql_db
from odoo.addons.crm_identification.models.crm_customer_touch import (
    note_customers,
    write_pending,
)
from odoo.addons.crm_identification.models.res_partner import LABELS

SIZES = {
    "quick": (10_000, 100_000),
    "medium": (100_000, 1_000_000),
    "full": (1_000_000, 10_000_000),
}
customers, lines = SIZES[os.environ.get("BENCH_SIZE", "quick")]
LINES_PER_ORDER = 3
PRODUCTS = 500
orders = lines // LINES_PER_ORDER
cr = env.cr
company = env.company


def timed(label, sql, params=None):
    started = time.perf_counter()
    cr.execute(sql, params)
    elapsed = time.perf_counter() - started
    print(f"  {label}: {elapsed:.1f} s")
    return elapsed


def rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


cr.execute("SELECT count(*) FROM res_partner WHERE name LIKE 'Bench customer %%'")
if not cr.fetchone()[0]:
    print(f"Generating {customers:,} customers, {orders:,} orders, {lines:,} order lines")
    # generated rows reference rows generated just before: skip the per-row foreign-key
    # triggers while loading (needs a superuser role, as the setup's local one is)
    cr.execute("SET session_replication_role = replica")
    env["product.product"].create(
        [{"name": f"Bench product {i}", "list_price": 10 + i % 90} for i in range(PRODUCTS)]
    )
    env.flush_all()
    cr.execute(
        "SELECT min(id), max(id) FROM product_product WHERE id IN "
        "(SELECT id FROM product_product ORDER BY id DESC LIMIT %s)",
        [PRODUCTS],
    )
    first_product, last_product = cr.fetchone()
    timed(
        "partners",
        """
        INSERT INTO res_partner (name, complete_name, active, type, is_company, customer_rank,
                                 autopost_bills, lang, create_date, write_date)
        SELECT 'Bench customer ' || g, 'Bench customer ' || g, TRUE, 'contact', TRUE, 1,
               'ask', 'en_US', now() - INTERVAL '3 years', now() - INTERVAL '3 years'
          FROM generate_series(1, %s) g
        """,
        [customers],
    )
    cr.execute(
        "UPDATE res_partner SET commercial_partner_id = id "
        "WHERE commercial_partner_id IS NULL AND name LIKE 'Bench customer %%'"
    )
    cr.execute("SELECT min(id) FROM res_partner WHERE name LIKE 'Bench customer %%'")
    first_partner = cr.fetchone()[0]
    # a skewed population: a few customers order a lot, most order rarely
    timed(
        "orders",
        """
        INSERT INTO sale_order (name, company_id, partner_id, partner_invoice_id,
                                partner_shipping_id, date_order, picking_policy, state,
                                currency_id, currency_rate, amount_untaxed, amount_total,
                                create_date, write_date)
        SELECT 'BENCH/' || g, %(company)s, p, p, p,
               now() - random() * INTERVAL '1095 days', 'direct', 'sale',
               %(currency)s, 1, 0, 0, now(), now()
          FROM (SELECT g, %(first)s + floor(%(n)s * power(random(), 2))::int AS p
                  FROM generate_series(1, %(orders)s) g) s
        """,
        {
            "company": company.id,
            "currency": company.currency_id.id,
            "first": first_partner,
            "n": customers,
            "orders": orders,
        },
    )
    timed(
        "order lines",
        """
        INSERT INTO sale_order_line (order_id, name, product_id, product_uom_qty, price_unit,
                                     price_subtotal, customer_lead, company_id, currency_id,
                                     order_partner_id, state, create_date, write_date)
        SELECT o.id, 'line', %(p0)s + floor(random() * random() * %(np)s)::int, 1,
               10 + (k * 7 + o.id) %% 90, 10 + (k * 7 + o.id) %% 90, 0, o.company_id,
               o.currency_id, o.partner_id, 'sale', now(), now()
          FROM sale_order o CROSS JOIN generate_series(1, %(per)s) k
         WHERE o.name LIKE 'BENCH/%%'
        """,
        {"p0": first_product, "np": PRODUCTS, "per": LINES_PER_ORDER},
    )
    timed(
        "order totals",
        """
        UPDATE sale_order o SET amount_untaxed = t.total, amount_total = t.total
          FROM (SELECT order_id, sum(price_subtotal) AS total FROM sale_order_line
                 GROUP BY order_id) t
         WHERE t.order_id = o.id AND o.name LIKE 'BENCH/%%'
        """,
    )
    cr.execute("SET session_replication_role = DEFAULT")
    cr.commit()
    cr.execute("ANALYZE res_partner; ANALYZE sale_order; ANALYZE sale_order_line")
    cr.commit()

cr.execute("SELECT count(*) FROM sale_order_line")
print(f"Order lines in the database: {cr.fetchone()[0]:,}")
print("Floor: one bare GROUP BY over the order lines (twice: the second with warm caches)")
for _attempt in range(2):
    floor = timed(
        "GROUP BY order_partner_id",
        "SELECT order_partner_id, count(*), sum(price_subtotal) FROM sale_order_line "
        "GROUP BY order_partner_id",
    )
    cr.fetchall()


def add_a_day_of_orders(day):
    """As many orders as an average day of the generated three years, dated `day`, as
    the ORM would record them: the customers of new confirmed orders are noted for the
    next refresh (crm.customer.touch). Returns their ids."""
    cr.execute(
        """
        INSERT INTO sale_order (name, company_id, partner_id, partner_invoice_id,
                                partner_shipping_id, date_order, picking_policy, state,
                                currency_id, currency_rate, amount_untaxed, amount_total,
                                create_date, write_date)
        SELECT 'BENCH/DAY/' || g, %(company)s, p, p, p, %(day)s + INTERVAL '10 hours',
               'direct', 'sale', %(currency)s, 1, 0, 0, now(), now()
          FROM (SELECT g, min_id + floor(n * power(random(), 2))::int AS p
                  FROM generate_series(1, %(orders)s) g,
                       (SELECT min(id) AS min_id, count(*) AS n FROM res_partner
                         WHERE name LIKE 'Bench customer %%') c) s
        RETURNING id
        """,
        {
            "company": company.id,
            "currency": company.currency_id.id,
            "day": day,
            "orders": max(1, orders // 1095),
        },
    )
    ids = [row[0] for row in cr.fetchall()]
    cr.execute(
        "SELECT array_agg(pp.id ORDER BY pp.id) FROM product_product pp"
        "  JOIN product_template pt ON pt.id = pp.product_tmpl_id"
        " WHERE pt.name->>'en_US' LIKE 'Bench product %%'"
    )
    products = cr.fetchone()[0]
    cr.execute(
        """
        INSERT INTO sale_order_line (order_id, name, product_id, product_uom_qty, price_unit,
                                     price_subtotal, customer_lead, company_id, currency_id,
                                     order_partner_id, state, create_date, write_date)
        SELECT o.id, 'line',
               (%(products)s::int[])[1 + floor(random() * random() * %(np)s)::int], 1,
               10 + (k * 7 + o.id) %% 90, 10 + (k * 7 + o.id) %% 90, 0, o.company_id,
               o.currency_id, o.partner_id, 'sale', now(), now()
          FROM sale_order o CROSS JOIN generate_series(1, %(per)s) k
         WHERE o.id = ANY(%(ids)s)
        """,
        {"per": LINES_PER_ORDER, "ids": ids, "products": products, "np": len(products)},
    )
    cr.execute(
        """
        UPDATE sale_order o SET amount_untaxed = t.total, amount_total = t.total
          FROM (SELECT order_id, sum(price_subtotal) AS total FROM sale_order_line
                 WHERE order_id = ANY(%(ids)s) GROUP BY order_id) t
         WHERE t.order_id = o.id
        """,
        {"ids": ids},
    )
    # what the ORM hooks note for orders confirmed through Odoo
    env.invalidate_all()
    note_customers(
        env,
        pairs=[
            (o.company_id.id, o.partner_id.commercial_partner_id.id)
            for o in env["sale.order"].browse(ids)
        ],
    )
    write_pending(cr)
    return ids


def vacuum(*tables):
    """What autovacuum does in the hours between two nightly refreshes."""
    _db, info = sql_db.connection_info_for(cr.dbname)
    connection = psycopg2.connect(**info)
    connection.autocommit = True
    with connection.cursor() as vacuum_cursor:
        vacuum_cursor.execute("VACUUM ANALYZE " + ", ".join(tables))
    connection.close()


# the first run below starts from nothing, as on the day the addon is installed
cr.execute("DELETE FROM crm_customer_score WHERE company_id = %s", [company.id])
cr.execute("DELETE FROM crm_customer_touch WHERE company_id = %s", [company.id])
cr.execute(
    "DELETE FROM sale_order_line WHERE order_id IN "
    "(SELECT id FROM sale_order WHERE name LIKE 'BENCH/DAY/%%')"
)
cr.execute("DELETE FROM sale_order WHERE name LIKE 'BENCH/DAY/%%'")
company.write({"crm_figures_as_of": False, "crm_figures_basis": False, "crm_clv_params": False})
cr.execute("DELETE FROM crm_customer_segment_history WHERE company_id = %s", [company.id])
cr.execute("DELETE FROM crm_basket_month WHERE company_id = %s", [company.id])
labels = list(LABELS)
cr.execute(
    "UPDATE res_partner SET "
    + ", ".join(f"{c} = NULL" for c in labels)
    + " WHERE "
    + " OR ".join(f"{c} IS NOT NULL" for c in labels)
)
cr.commit()
company.write({"crm_basket_min_support": 0.05, "crm_basket_min_orders": 3})
rss_before = rss_mb()
print(
    "Full refresh: first run; again the same day (nothing changed); the next day (as the "
    "nightly cron, after a day of new orders and autovacuum's night); the next day again "
    "computing every customer and month anew and fitting the lifetime-value model again (as "
    '"Refresh now" and the Sunday cron)'
)
today = fields.Date.context_today(env.user)
for run, as_of, recount in (
    (1, today, False),
    (2, today, False),
    (3, today + timedelta(days=1), False),
    (4, today + timedelta(days=1), True),
):
    if run == 3:
        new_orders = add_a_day_of_orders(as_of)
        cr.commit()
        vacuum("crm_customer_score", "res_partner", "sale_order", "sale_order_line")
        print(f"  a day of {len(new_orders):,} new orders added")
    started = time.perf_counter()
    stats = env["crm.customer.score"]._refresh_company(company, as_of=as_of, recount=recount)
    cr.commit()
    wall = time.perf_counter() - started
    steps = ", ".join(f"{k} {v:.1f}" for k, v in stats["steps"].items())
    print(
        f"  run {run}: {wall:.1f} s wall ({wall / floor:.1f}x the floor); "
        f"{stats['customers']:,} customers ({stats['recomputed']:,} from their sales, "
        f"{stats['written']:,} rows written), {stats['moved']:,} moved segment, "
        f"{stats['associations']:,} associations; steps (s): {steps}"
    )
print(
    f"Peak memory of the Odoo process: {rss_mb():.0f} MB (before the refresh {rss_before:.0f} MB)"
)
print(f"Lifetime value: {company.crm_clv_method} - {company.crm_clv_note}")

# the day's orders go, so that a kept database starts the next benchmark as generated
cr.execute("DELETE FROM sale_order_line WHERE order_id = ANY(%s)", [new_orders])
cr.execute("DELETE FROM sale_order WHERE id = ANY(%s)", [new_orders])
cr.commit()
