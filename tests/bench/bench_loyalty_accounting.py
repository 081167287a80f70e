# Run inside `odoo shell` (tests/bench/loyalty_accounting_run.sh): generates one day of a
# ledger programme's lines (earned, redeemed, clawed back, expired, granted) set-based,
# then times the posting of that day through crm.loyalty.accounting._crm_post (one journal
# entry per programme and day, created and posted through the ORM) and the reconciliation
# of the liability account with the ledger. Prints seconds, statements, entries and the
# difference (0 expected); rolls everything back.
import os
import time
from datetime import date

from odoo import sql_db

LINES = int(os.environ.get("BENCH_LINES", "100000"))
DAY = date(2026, 1, 15)
cr = env.cr
company = env.company
env["loyalty.program"].search([]).write({"active": False})
Account = env["account.account"]
accounts = {
    kind: Account.create({"name": f"Bench points {kind}", "code": code, "account_type": kind_type})
    for kind, code, kind_type in (
        ("liability", "219801", "liability_current"),
        ("revenue", "409801", "income"),
        ("breakage", "709801", "income_other"),
        ("goodwill", "609801", "expense"),
    )
}
journal = env["account.journal"].create(
    {"name": "Bench points", "code": "BPTS", "type": "general"}
)
programs = env["loyalty.program"].create(
    [
        {
            "name": f"Bench books club {index}",
            "program_type": "loyalty",
            "applies_on": "both",
            "trigger": "auto",
            "crm_enabled": True,
            "crm_point_value": 0.05,
            "crm_journal_id": journal.id,
            "crm_liability_account_id": accounts["liability"].id,
            "crm_revenue_account_id": accounts["revenue"].id,
            "crm_breakage_account_id": accounts["breakage"].id,
            "crm_goodwill_account_id": accounts["goodwill"].id,
        }
        for index in (1, 2)
    ]
)
env.flush_all()
cards_per_program = max(LINES // 20, 1)
started = time.perf_counter()
cr.execute(
    """
    INSERT INTO loyalty_card (program_id, company_id, code, points, active, crm_enabled,
                              create_date, write_date)
    SELECT p, %s, 'BOOKS' || p || '-' || g, 0, TRUE, TRUE, now(), now()
      FROM unnest(%s::int[]) p CROSS JOIN generate_series(1, %s) g
    """,
    [company.id, programs.ids, cards_per_program],
)
# LINES lines on DAY over the two programmes' cards, of every kind the ledger books
cr.execute(
    """
    INSERT INTO loyalty_history (card_id, description, issued, used, crm_points, crm_kind,
                                 crm_balance, crm_date, crm_remaining, create_date, write_date)
    SELECT c.id, 'Bench', CASE WHEN k.kind IN ('earn', 'compensation') THEN 10
                               WHEN k.kind = 'clawback' THEN -4 ELSE 0 END,
           CASE WHEN k.kind IN ('redeem', 'expire') THEN 3 ELSE 0 END, 0, k.kind, 0,
           %s::date + (g %% 600) * INTERVAL '1 minute', 0, now(), now()
      FROM generate_series(1, %s) g
      JOIN (SELECT id, row_number() OVER (ORDER BY id) - 1 AS n FROM loyalty_card
             WHERE program_id = ANY(%s)) c ON c.n = g %% %s
      JOIN (SELECT kind, row_number() OVER () - 1 AS n
              FROM unnest(ARRAY['earn', 'earn', 'earn', 'redeem', 'clawback', 'expire',
                                'compensation']) kind) k ON k.n = g %% 7
    """,
    [DAY, LINES, programs.ids, 2 * cards_per_program],
)
cr.execute("UPDATE loyalty_history SET crm_points = issued - used WHERE description = 'Bench'")
cr.execute("ANALYZE loyalty_history; ANALYZE loyalty_card")
env.invalidate_all()
print(f"Generated {LINES:,} ledger lines on {DAY} in {time.perf_counter() - started:.1f} s")

Accounting = env["crm.loyalty.accounting"]
queries = sql_db.sql_counter
started = time.perf_counter()
moves = Accounting._crm_post(programs, DAY)
elapsed = time.perf_counter() - started
print(
    f"Posting the day: {elapsed:.2f} s, {sql_db.sql_counter - queries} statements, "
    f"{len(moves)} entries for {len(programs)} programmes "
    f"({len(moves.line_ids)} journal items)"
)
cr.execute("SELECT COUNT(*) FROM loyalty_history WHERE crm_move_id = ANY(%s)", [moves.ids])
print(f"  ledger lines linked to their entry: {cr.fetchone()[0]:,}")
queries = sql_db.sql_counter
started = time.perf_counter()
rows = Accounting._crm_reconcile(DAY, programs)
print(
    f"Reconciliation: {time.perf_counter() - started:.2f} s, "
    f"{sql_db.sql_counter - queries} statements; differences: "
    + ", ".join(f"{row['program'].name}: {row['difference']}" for row in rows)
)
queries = sql_db.sql_counter
started = time.perf_counter()
again = Accounting._crm_post(programs, DAY)
print(
    f"Posting again (nothing left): {time.perf_counter() - started:.2f} s, "
    f"{sql_db.sql_counter - queries} statements, {len(again)} entries"
)
cr.rollback()
