# Run inside `odoo shell` (tests/bench/loyalty_run.sh): confirms sales orders in a loyalty
# programme with tiers and the points ledger (crm_loyalty) and in the same programme run by
# plain sale_loyalty, in the same run, alternating order by order, and prints the time and
# the queries per order. Each order earns points and redeems a reward.
import os
import sys

from odoo.fields import Command

sys.path.insert(0, os.environ["BENCH_DIR"])
from loyalty_pairs import measure, only, programs, race

ORDERS = {"quick": 200, "full": 400}[os.environ.get("BENCH_SIZE", "quick")]
cr = env.cr
env = env(context=dict(env.context, tracking_disable=True))
env["loyalty.program"].search([]).write({"active": False})
plain, tiered = programs(
    env,
    "Bench plain sale_loyalty",
    "Bench tiers and ledger",
    {"crm_expiry_months": 12, "crm_whole_points": True},
    [("Bench Bronze", 0, 1.0), ("Bench Silver", 10**5, 1.5), ("Bench Gold", 10**6, 2)],
)
products = env["product.product"].create(
    [
        {"name": f"Bench loyalty product {i}", "type": "service", "list_price": 25, "taxes_id": []}
        for i in range(20)
    ]
)
customers = env["res.partner"].create([{"name": f"Bench loyalty customer {i}"} for i in range(2)])


def member(partner, lots):
    """Cards of `partner` in both programmes, with `lots` earning lots on the ledger card
    and plenty of points to redeem."""
    for prog in (plain, tiered):
        card = env["loyalty.card"].create({"program_id": prog.id, "partner_id": partner.id})
        ctx = card.with_context(crm_loyalty_reason="bench")
        for __ in range(lots):
            ctx.points += 3
        ctx.points += 10**6


member(customers[0], 2)
member(customers[1], 500)
cr.commit()


def quotation(prog, partner, lines):
    order = env["sale.order"].create(
        {
            "partner_id": partner.id,
            "order_line": [
                Command.create({"product_id": products[i].id, "price_unit": 25, "tax_id": []})
                for i in range(lines)
            ],
        }
    )
    order._update_programs_and_rewards()
    card = env["loyalty.card"].search(
        [("partner_id", "=", partner.id), ("program_id", "=", prog.id)]
    )
    status = order._apply_program_reward(prog.reward_ids, card)
    assert "error" not in status, status
    return order


def confirm(prog, partner, lines):
    """Seconds and queries of confirming one quotation (flushed), measured alone."""
    only(prog, tiered if prog == plain else plain)
    order = quotation(prog, partner, lines)
    return measure(env, order.action_confirm)


print(
    f"Order confirmation: {ORDERS} orders per side, alternating plain sale_loyalty and "
    "tiers + ledger, each order earning points and redeeming a reward"
)
for label, partner, lines in (
    ("1 line, card with 2 ledger lots", customers[0], 1),
    ("20 lines, card with 2 ledger lots", customers[0], 20),
    ("1 line, card with 500 ledger lots", customers[1], 1),
):
    plain_ms, tier_ms, plain_q, tier_q, ratio = race(
        cr,
        plain,
        tiered,
        lambda prog, partner=partner, lines=lines: confirm(prog, partner, lines),
        ORDERS,
    )
    print(
        f"  {label}: plain {plain_ms:.1f} ms, {plain_q:.0f} queries; "
        f"tiers + ledger {tier_ms:.1f} ms, {tier_q:.0f} queries; "
        f"{ratio:.2f}x the time (median of the {ORDERS} pairs), "
        f"{tier_q - plain_q:+.0f} queries"
    )
broken = env["loyalty.card"].search([("program_id", "=", tiered.id)])._crm_check_ledger()
print(f"Ledger check after the run: {len(broken)} cards off")
env["loyalty.program"].browse((plain | tiered).ids).write({"active": False})
cr.commit()
