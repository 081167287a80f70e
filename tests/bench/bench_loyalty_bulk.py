# Run inside `odoo shell` (tests/bench/loyalty_run.sh): generates a ledger programme's cards
# and earning lots set-based, then times (1) the expiry of every lot past its date, batch by
# batch as the cron runs it, and (2) a segment offer issued to every customer of a segment,
# enrolling them (entry tier, with its tier history and chatter note) and giving them points
# through the ORM and the ledger, batch by batch as its background job runs it, then issued
# again (nothing left to do). Prints seconds, rows and the Odoo process's peak memory;
# checks the ledger after each.
import os
import resource
import time

from odoo import fields

SIZES = {"quick": (10_000, 10), "full": (100_000, 10)}
customers, lots_per_card = SIZES[os.environ.get("BENCH_SIZE", "quick")]
cr = env.cr
company = env.company


def rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(label, sql, params=None):
    started = time.perf_counter()
    cr.execute(sql, params)
    print(f"  {label}: {time.perf_counter() - started:.1f} s, {cr.rowcount:,} rows")


def ledger_check(program):
    started = time.perf_counter()
    cards = env["loyalty.card"].search([("program_id", "=", program.id)], limit=1)
    cr.execute(
        """
        SELECT COUNT(*) FROM loyalty_card c
          LEFT JOIN (SELECT card_id, SUM(issued - used) AS total,
                            SUM(crm_remaining) FILTER (WHERE crm_remaining > 0) AS unspent
                       FROM loyalty_history GROUP BY card_id) h ON h.card_id = c.id
         WHERE c.program_id = %s
           AND (ABS(c.points - COALESCE(h.total, 0)) > 0.005
                OR ABS(GREATEST(c.points, 0) - COALESCE(h.unspent, 0)) > 0.005)
        """,
        [program.id],
    )
    off = cr.fetchone()[0]
    print(
        f"  ledger check: {off} cards off ({time.perf_counter() - started:.1f} s)"
        + ("" if cards else " (no card)")
    )


env["loyalty.program"].search([]).write({"active": False})
# the generated programmes stay archived: no order of the demo data goes through them
Program = env["loyalty.program"].with_context(tracking_disable=True, active_test=False)
expiry_program = Program.search([("name", "=", "Bench expiry club")], limit=1)
segment = env["crm.customer.segment"].search([("name", "=", "Bench offer segment")], limit=1)
if not expiry_program:
    print(
        f"Generating {customers:,} customers (all in one segment), one card each, "
        f"{customers * lots_per_card:,} earning lots over two years (points valid 12 months)"
    )
    expiry_program = Program.create(
        {
            "name": "Bench expiry club",
            "program_type": "loyalty",
            "applies_on": "both",
            "trigger": "auto",
            "crm_enabled": True,
            "crm_expiry_months": 12,
        }
    )
    segment = env["crm.customer.segment"].create(
        {"name": "Bench offer segment", "rule_domain": "[('id', '=', 0)]", "sequence": 999}
    )
    env.flush_all()
    timed(
        "customers",
        """
        INSERT INTO res_partner (name, complete_name, active, type, is_company, customer_rank,
                                 lang, autopost_bills, crm_segment_id, create_date, write_date)
        SELECT 'Bench loyalty member ' || g, 'Bench loyalty member ' || g, TRUE, 'contact',
               TRUE, 1, 'en_US', 'ask', jsonb_build_object(%s::text, %s), now(), now()
          FROM generate_series(1, %s) g
        """,
        [company.id, segment.id, customers],
    )
    cr.execute(
        "UPDATE res_partner SET commercial_partner_id = id "
        "WHERE commercial_partner_id IS NULL AND name LIKE 'Bench loyalty member %%'"
    )
    timed(
        "cards",
        """
        INSERT INTO loyalty_card (program_id, company_id, partner_id, code, points, active,
                                  crm_enabled, create_date, write_date)
        SELECT %s, %s, p.id, 'BENCH' || p.id, 0, TRUE, TRUE, now(), now()
          FROM res_partner p WHERE p.name LIKE 'Bench loyalty member %%'
        """,
        [expiry_program.id, expiry_program.company_id.id or None],
    )
    timed(
        "earning lots",
        """
        INSERT INTO loyalty_history (card_id, description, issued, used, crm_points, crm_kind,
                                     crm_balance, crm_date, crm_remaining, crm_expiry_date,
                                     crm_reminded, create_date, write_date)
        SELECT card_id, 'Bench order', pts, 0, pts, 'earn',
               SUM(pts) OVER (PARTITION BY card_id ORDER BY day), day, pts,
               (day + INTERVAL '12 months')::date, FALSE, day, day
          FROM (SELECT c.id AS card_id, 10 + (c.id + k) %% 40 AS pts,
                       now() - (k * 73 + c.id %% 60) * INTERVAL '1 day' AS day
                  FROM loyalty_card c CROSS JOIN generate_series(0, %s - 1) k
                 WHERE c.program_id = %s) lots
        """,
        [lots_per_card, expiry_program.id],
    )
    timed(
        "card balances",
        """
        UPDATE loyalty_card c SET points = t.total
          FROM (SELECT card_id, SUM(crm_remaining) AS total FROM loyalty_history
                 GROUP BY card_id) t
         WHERE t.card_id = c.id AND c.program_id = %s
        """,
        [expiry_program.id],
    )
    cr.commit()
    cr.execute("ANALYZE res_partner; ANALYZE loyalty_card; ANALYZE loyalty_history")
    cr.commit()

cr.execute(
    "SELECT COUNT(*), COUNT(*) FILTER (WHERE crm_remaining > 0 AND crm_expiry_date < %s) "
    "FROM loyalty_history",
    [fields.Date.context_today(env.user)],
)
lines, due = cr.fetchone()
print(f"Ledger lines in the database: {lines:,}; lots past their expiry date: {due:,}")
rss_before = rss_mb()
print("Expiry, batch by batch as the cron runs it (one statement per batch, committed):")
History = env["loyalty.history"]
started = time.perf_counter()
total = 0
while True:
    batch_started = time.perf_counter()
    done, left = History._crm_expire_points()
    cr.commit()
    total += done
    print(
        f"  batch: {done:,} cards in {time.perf_counter() - batch_started:.1f} s, "
        f"{left:,} cards left"
    )
    if not left:
        break
elapsed = time.perf_counter() - started
cr.execute("SELECT COUNT(*) FROM loyalty_history WHERE crm_kind = 'expire'")
print(
    f"  expired the lots of {total:,} cards in {elapsed:.1f} s "
    f"({cr.fetchone()[0]:,} Expired lines written)"
)
started = time.perf_counter()
done, left = History._crm_expire_points()
print(f"  again: {done} cards, {time.perf_counter() - started:.1f} s (nothing left to expire)")
ledger_check(expiry_program)
print(f"  peak memory of the Odoo process: {rss_mb():.0f} MB (before: {rss_before:.0f} MB)")

print(f"Segment offer to every customer of a segment ({customers:,} customers):")
offer_program = Program.search([("name", "=", "Bench offer club")], limit=1) or Program.create(
    {
        "name": "Bench offer club",
        "program_type": "loyalty",
        "applies_on": "both",
        "trigger": "auto",
        "crm_enabled": True,
        "crm_expiry_months": 6,
    }
)
# an offer is issued from an active programme (a kept database archived it above)
offer_program.active = True
env["crm.loyalty.tier"].search([("program_id", "=", offer_program.id)]) or env[
    "crm.loyalty.tier"
].create({"name": "Bench entry", "program_id": offer_program.id, "qualify_from": 0})
offer = env["crm.loyalty.offer"].create(
    {
        "name": "Bench win-back",
        "action": "points",
        "program_id": offer_program.id,
        "points": 200,
        "reason": "Bench",
        "segment_ids": [(6, 0, segment.ids)],
    }
)
cr.commit()
Offer = env["crm.loyalty.offer"]
for attempt in ("first run (enrols and gives points)", "second run (safe to run twice)"):
    # the button queues the offer; the scheduled job issues it batch by batch, committing
    # each batch, as the cron worker runs it
    started = time.perf_counter()
    offer.action_issue()
    cr.commit()
    batches = 0
    while offer.state == "running":
        batch_started = time.perf_counter()
        done = Offer._cron_issue_offers()
        cr.commit()
        batches += 1
        if batches == 1 or offer.state != "running":
            print(
                f"  batch {batches}: {done:,} customers in "
                f"{time.perf_counter() - batch_started:.1f} s "
                f"({offer.issue_done:,} of {offer.issue_total:,}, "
                f"{offer.issue_progress:.0f}%)"
            )
    print(
        f"  {attempt}: {offer.issue_done:,} customers in {batches} batches, "
        f"{time.perf_counter() - started:.1f} s"
    )
cr.execute("SELECT COUNT(*) FROM loyalty_card WHERE program_id = %s", [offer_program.id])
print(f"  cards in the programme: {cr.fetchone()[0]:,}")
ledger_check(offer_program)
print(f"  peak memory of the Odoo process: {rss_mb():.0f} MB")

# the offer's cards go, so that a kept database runs the offer anew next time
cr.execute("DELETE FROM loyalty_card WHERE program_id = %s", [offer_program.id])
offer.unlink()
cr.commit()
