# Run inside `odoo shell` (tests/bench/pos_loyalty_run.sh): point-of-sale orders that earn
# points, synced from the till as the till does it (sync_from_ui, then
# confirm_coupon_programs and add_loyalty_history_lines), in a loyalty programme run with
# the points ledger through pos_crm_loyalty and in the same programme run by plain
# pos_loyalty, in the same run, alternating order by order; prints the time and the queries
# per order and the ratio (target: at most 1.10x).
import os
import sys
import uuid

from odoo import fields
from odoo.fields import Command

sys.path.insert(0, os.environ["BENCH_DIR"])
from loyalty_pairs import measure, only, programs, race

ORDERS = {"quick": 150, "full": 400}[os.environ.get("BENCH_SIZE", "quick")]
cr = env.cr
# the administrator (a point-of-sale user) runs the till
env = env(user=env.ref("base.user_admin").id, context=dict(env.context, tracking_disable=True))
env["loyalty.program"].search([]).write({"active": False})
company = env.company
plain, ledger = programs(
    env,
    "Bench plain pos_loyalty",
    "Bench POS ledger",
    {"crm_expiry_months": 12},
    [("Bench POS Bronze", 0, 1.0), ("Bench POS Gold", 10**7, 2)],
    pos_ok=True,
)
product = env["product.product"].create(
    {
        "name": "Bench POS product",
        "type": "consu",
        "available_in_pos": True,
        "list_price": 25,
        "taxes_id": [Command.clear()],
    }
)
customer = env["res.partner"].create({"name": "Bench POS customer"})
cards = {
    prog: env["loyalty.card"].create({"program_id": prog.id, "partner_id": customer.id})
    for prog in (plain, ledger)
}
# a cash payment method of its own (a cash method serves one point of sale)
journal = env["account.journal"].create(
    {"name": "Bench POS loyalty cash", "type": "cash", "code": "BPLC", "company_id": company.id}
)
cash = env["pos.payment.method"].create(
    {"name": "Bench POS loyalty cash", "journal_id": journal.id, "company_id": company.id}
)
config = env["pos.config"].create(
    {"name": "Bench POS loyalty", "payment_method_ids": [Command.set(cash.ids)]}
)
config.open_ui()
session = config.current_session_id
cr.commit()


def order_data(lines=3):
    amount = 25.0 * lines
    return {
        "amount_paid": amount,
        "amount_return": 0,
        "amount_tax": 0,
        "amount_total": amount,
        "date_order": fields.Datetime.to_string(fields.Datetime.now()),
        "fiscal_position_id": False,
        "pricelist_id": config.pricelist_id.id,
        "name": f"Order {uuid.uuid4()}",
        "last_order_preparation_change": "{}",
        "lines": [
            Command.create(
                {
                    "product_id": product.id,
                    "qty": 1,
                    "price_unit": 25.0,
                    "price_subtotal": 25.0,
                    "price_subtotal_incl": 25.0,
                    "tax_ids": [Command.clear()],
                    "pack_lot_ids": [],
                }
            )
            for __ in range(lines)
        ],
        "partner_id": customer.id,
        "session_id": session.id,
        "sequence_number": 2,
        "payment_ids": [
            Command.create(
                {"amount": amount, "name": fields.Datetime.now(), "payment_method_id": cash.id}
            )
        ],
        "uuid": str(uuid.uuid4()),
        "user_id": env.uid,
        "to_invoice": False,
    }


def sell(prog):
    """Seconds and queries of one order synced and its points confirmed, as the till."""
    only(prog, ledger if prog == plain else plain)
    card = cards[prog]
    data = order_data()

    def till():
        result = env["pos.order"].sync_from_ui([data])
        order = env["pos.order"].browse(result["pos.order"][0]["id"])
        coupon_data = {
            str(card.id): {
                "points": 75.0,
                "program_id": prog.id,
                "coupon_id": card.id,
                "barcode": False,
                "partner_id": customer.id,
            }
        }
        order.confirm_coupon_programs(coupon_data)
        order.add_loyalty_history_lines(
            [{"order_id": order.id, "card_id": str(card.id), "won": 75.0, "spent": 0}], []
        )

    return measure(env, till)


print(
    f"POS order with points: {ORDERS} orders per side, alternating plain pos_loyalty and "
    "the ledger through pos_crm_loyalty, 3 lines each, earning 75 points"
)
plain_ms, ledger_ms, plain_q, ledger_q, ratio = race(cr, plain, ledger, sell, ORDERS)
print(
    f"  plain pos_loyalty {plain_ms:.1f} ms, {plain_q:.0f} queries; "
    f"ledger {ledger_ms:.1f} ms, {ledger_q:.0f} queries; "
    f"{ratio:.2f}x the time (median of the {ORDERS} pairs, target at "
    f"most 1.10x), {ledger_q - plain_q:+.0f} queries"
)
lines = env["loyalty.history"].search_count(
    [("card_id", "=", cards[ledger].id), ("crm_kind", "=", "earn"), ("pos_order_id", "!=", False)]
)
broken = cards[ledger]._crm_check_ledger()
print(f"Ledger lines carrying their POS order: {lines}; ledger check: {len(broken)} cards off")
env["loyalty.program"].browse((plain | ledger).ids).write({"active": False})
cr.commit()
