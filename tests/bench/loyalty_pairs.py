# What the two loyalty benchmarks that race the points ledger against Odoo's plain loyalty
# share (bench_loyalty_confirm.py: sales orders; bench_pos_loyalty.py: the till's orders):
# the pair of programmes, alike but for the ledger; the measure of one order; the run of
# pairs, alternating, and its medians. Imported inside `odoo shell` (the run scripts put
# this folder in BENCH_DIR).
import statistics
import time

from odoo.fields import Command


def programs(env, plain_name, ledger_name, ledger_values, tiers, **values):
    """(plain, ledger): two loyalty programmes that earn a point per unit of money spent and
    give 10% off the order for 100 points, the second run with the points ledger
    (`ledger_values` added) and with `tiers` (name, qualify from, multiplier)."""

    def program(name, extra):
        return env["loyalty.program"].create(
            {
                "name": name,
                "program_type": "loyalty",
                "applies_on": "both",
                "trigger": "auto",
                "rule_ids": [
                    Command.create({"reward_point_mode": "money", "reward_point_amount": 1})
                ],
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
                **values,
                **extra,
            }
        )

    plain = program(plain_name, {})
    ledger = program(ledger_name, dict(ledger_values, crm_enabled=True))
    env["crm.loyalty.tier"].create(
        [
            {"name": name, "program_id": ledger.id, "qualify_from": start, "multiplier": factor}
            for name, start, factor in tiers
        ]
    )
    return plain, ledger


def only(prog, other):
    """Leave `prog` the one active programme of the pair, as if the other did not exist."""
    other.active = False
    prog.active = True


def measure(env, step):
    """Seconds and queries of `step()`, flushed, from an empty cache."""
    cr = env.cr
    env.flush_all()
    env.invalidate_all()
    queries = cr.sql_log_count
    started = time.perf_counter()
    step()
    env.flush_all()
    return time.perf_counter() - started, cr.sql_log_count - queries


def race(cr, plain, ledger, run, orders):
    """Warm up on a fifth of `orders`, then `orders` pairs: `run(prog)` (seconds, queries of
    one order) on the plain programme then on the ledger one, committed after each pair.
    Returns (plain ms, ledger ms, plain queries, ledger queries, ratio): medians, the ratio
    that of the pairs' ratios, each ledger order against the plain one just before it (the
    machine's load changes slowly, so a pair's ratio is fairer than the ratio of medians)."""
    for i in range(orders // 5):  # warm up: caches, statistics
        run(plain if i % 2 else ledger)
    cr.commit()
    figures = {plain: [], ledger: []}
    for __ in range(orders):
        for prog in (plain, ledger):
            figures[prog].append(run(prog))
        cr.commit()
    ratios = [t / p for (p, __), (t, __) in zip(figures[plain], figures[ledger], strict=True)]
    return (
        statistics.median(t for t, __ in figures[plain]) * 1000,
        statistics.median(t for t, __ in figures[ledger]) * 1000,
        statistics.median(q for __, q in figures[plain]),
        statistics.median(q for __, q in figures[ledger]),
        statistics.median(ratios),
    )
