# Run inside `odoo shell` (tests/bench/hooks_run.sh): what the suite's hooks on sales cost.
# Confirms orders and posts their invoices, one by one with a commit each as users do, in
# several databases in the same process, turn by turn (BENCH_DATABASES, space-separated):
# the first with Odoo's modules only, each next one with one more of the suite's addons, in
# their dependency order. Prints the time and the queries per order and per invoice, the
# ratio to Odoo alone and each addon's own share (the step from the database before it).
# Asserts nothing.
import os
import time

from odoo import SUPERUSER_ID, api
from odoo.modules.registry import Registry

ORDERS = int(os.environ.get("BENCH_ORDERS", "1000"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "5"))
LINES = 3
NAMES = os.environ["BENCH_DATABASES"].split()
ADDONS = ["crm_identification", "crm_loyalty", "crm_complaints", "crm_sfa_ext"]
LABELS = ["Odoo alone"] + [f"+ {addon}" for addon in ADDONS[: len(NAMES) - 1]]
DATABASES = dict(zip(LABELS, NAMES, strict=True))


def prepare(env, count):
    """Draft orders of LINES lines each for distinct customers (not timed). No loyalty
    programme runs (the demo data's, Odoo's and the suite's, would make the orders earn
    points): what is measured is the hooks alone."""
    env["loyalty.program"].search([]).write({"active": False})
    products = env["product.product"].search([("name", "like", "Hooks bench product")])
    products = products or env["product.product"].create(
        [
            {"name": f"Hooks bench product {i}", "type": "consu", "invoice_policy": "order"}
            for i in range(LINES)
        ]
    )
    partners = env["res.partner"].create([{"name": f"Hooks bench {i}"} for i in range(count)])
    orders = env["sale.order"].create(
        [
            {
                "partner_id": partner.id,
                "order_line": [
                    (0, 0, {"product_id": product.id, "product_uom_qty": 2, "price_unit": 10})
                    for product in products
                ],
            }
            for partner in partners
        ]
    )
    env.cr.commit()
    return orders.ids


def one_by_one(registry, ids, action):
    """Run action(record) for each id in its own transaction; seconds and queries."""
    seconds = queries = 0
    for record_id in ids:
        with registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            before = cr.sql_log_count
            started = time.perf_counter()
            action(env, record_id)
            cr.flush()
            cr.commit()
            seconds += time.perf_counter() - started
            queries += cr.sql_log_count - before
    return seconds, queries


def confirm(env, order_id):
    env["sale.order"].browse(order_id).action_confirm()


def invoice(env, order_id):
    env["sale.order"].browse(order_id)._create_invoices()


def post(env, order_id):
    env["sale.order"].browse(order_id).invoice_ids.action_post()


registries = {label: Registry(name) for label, name in DATABASES.items()}
totals = {label: {"confirm": [0.0, 0], "post": [0.0, 0]} for label in DATABASES}
per_round = ORDERS // ROUNDS
print(f"{ORDERS} orders of {LINES} lines and their invoices, in {ROUNDS} rounds, turn by turn")
for _round in range(ROUNDS):
    for label, registry in registries.items():
        with registry.cursor() as cr:
            ids = prepare(api.Environment(cr, SUPERUSER_ID, {}), per_round)
        seconds, queries = one_by_one(registry, ids, confirm)
        totals[label]["confirm"][0] += seconds
        totals[label]["confirm"][1] += queries
        one_by_one(registry, ids, invoice)
        seconds, queries = one_by_one(registry, ids, post)
        totals[label]["post"][0] += seconds
        totals[label]["post"][1] += queries
for step in ("confirm", "post"):
    unit = "order" if step == "confirm" else "invoice"
    base_seconds = totals[LABELS[0]][step][0]
    previous = totals[LABELS[0]][step]
    print(f"{step}, per {unit} (over {ORDERS} {unit}s):")
    for label in LABELS:
        seconds, queries = totals[label][step]
        print(
            f"  {label:22}: {1000 * seconds / ORDERS:6.2f} ms, {queries / ORDERS:5.1f} queries"
            f" ({seconds / base_seconds:.3f}x Odoo alone; this step "
            f"{1000 * (seconds - previous[0]) / ORDERS:+6.2f} ms, "
            f"{(queries - previous[1]) / ORDERS:+5.1f} queries)"
        )
        previous = (seconds, queries)
