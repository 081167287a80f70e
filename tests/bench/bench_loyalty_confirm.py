# Run inside `odoo shell` (tests/bench/loyalty_run.sh): confirms sales orders in a loyalty
# programme with tiers and the points ledger (crm_loyalty) and in the same programme run by
# plain sale_loyalty, in the same run, alternating order by order, and prints the time and
# the queries per order. Each order earns points and redeems a reward.
import os
import statistics
import time

from odoo.fields import Command

ORDERS = {"quick": 200, "full": 400}[os.environ.get("BENCH_SIZE", "quick")]
cr = env.cr
env = env(context=dict(env.context, tracking_disable=True))
env["loyalty.program"].search([]).write({"active": False})


def program(name, ledger):
    values = {
        "name": name,
        "program_type": "loyalty",
        "applies_on": "both",
        "trigger": "auto",
        "rule_ids": [Command.create({"reward_point_mode": "money", "reward_point_amount": 1})],
        "reward_ids": [
            Command.create(
                {
                    "reward_type": "discount",
                    "discount_mode": "per_order",
                    "discount": 10,
                    "discount_applicability": "order",
                    "required_points": 100,
                }
            )
        ],
    }
    if ledger:
        values.update(crm_enabled=True, crm_expiry_months=12, crm_whole_points=True)
    return env["loyalty.program"].create(values)


plain = program("Bench plain sale_loyalty", ledger=False)
tiered = program("Bench tiers and ledger", ledger=True)
env["crm.loyalty.tier"].create(
    [
        {"name": "Bench Bronze", "program_id": tiered.id, "qualify_from": 0},
        {
            "name": "Bench Silver",
            "program_id": tiered.id,
            "qualify_from": 10**5,
            "multiplier": 1.5,
        },
        {"name": "Bench Gold", "program_id": tiered.id, "qualify_from": 10**6, "multiplier": 2},
    ]
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
    (tiered if prog == plain else plain).active = False
    prog.active = True
    order = quotation(prog, partner, lines)
    env.flush_all()
    env.invalidate_all()
    queries = cr.sql_log_count
    started = time.perf_counter()
    order.action_confirm()
    env.flush_all()
    elapsed = time.perf_counter() - started
    return elapsed, cr.sql_log_count - queries


print(
    f"Order confirmation: {ORDERS} orders per side, alternating plain sale_loyalty and "
    "tiers + ledger, each order earning points and redeeming a reward"
)
for label, partner, lines in (
    ("1 line, card with 2 ledger lots", customers[0], 1),
    ("20 lines, card with 2 ledger lots", customers[0], 20),
    ("1 line, card with 500 ledger lots", customers[1], 1),
):
    figures = {plain: [], tiered: []}
    for i in range(ORDERS // 5):  # warm up: caches, statistics
        confirm(plain if i % 2 else tiered, partner, lines)
    cr.commit()
    for __ in range(ORDERS):
        for prog in (plain, tiered):
            figures[prog].append(confirm(prog, partner, lines))
        cr.commit()
    plain_time = statistics.median(t for t, __ in figures[plain])
    tier_time = statistics.median(t for t, __ in figures[tiered])
    plain_q = statistics.median(q for __, q in figures[plain])
    tier_q = statistics.median(q for __, q in figures[tiered])
    # each tiered order against the plain one confirmed just before it: the machine's
    # load changes slowly, so the ratio of a pair is fairer than the ratio of medians
    ratios = [t / p for (p, __), (t, __) in zip(figures[plain], figures[tiered], strict=True)]
    print(
        f"  {label}: plain {plain_time * 1000:.1f} ms, {plain_q:.0f} queries; "
        f"tiers + ledger {tier_time * 1000:.1f} ms, {tier_q:.0f} queries; "
        f"{statistics.median(ratios):.2f}x the time (median of the {ORDERS} pairs), "
        f"{tier_q - plain_q:+.0f} queries"
    )
broken = env["loyalty.card"].search([("program_id", "=", tiered.id)])._crm_check_ledger()
print(f"Ledger check after the run: {len(broken)} cards off")
env["loyalty.program"].browse((plain | tiered).ids).write({"active": False})
cr.commit()
