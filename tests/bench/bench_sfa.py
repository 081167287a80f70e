# Run inside `odoo shell` (tests/bench/sfa_run.sh): generates salespeople with working hours,
# customers in value tiers, a year of opportunities, confirmed orders and posted invoices,
# set-based (an eleventh of the open ones without an expected closing date); then times
# crm_sfa_ext's forecast report, the targets' dashboard, the forecast sheet, a forecast
# snapshot and a month's visit-plan generation (queued, then planned in the background
# through the ORM as the cron does it). Prints figures.
import os
import resource
import time
from datetime import date, timedelta

from odoo import fields
from odoo.addons.crm_sfa_ext.models.crm_visit_plan import PLANS_PER_RUN

SIZES = {"quick": (20, 10_000), "full": (200, 100_000)}
SALESPEOPLE, CUSTOMERS = SIZES[os.environ.get("BENCH_SIZE", "full")]
LEADS = 2 * CUSTOMERS
ORDERS = 2 * CUSTOMERS
INVOICES = CUSTOMERS
cr = env.cr
company = env.company
today = fields.Date.context_today(env.user)
year_start = today.replace(month=1, day=1)


def rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Counter:
    """Times a block and counts the SQL queries it sends."""

    def __init__(self, label):
        self.label = label

    def __enter__(self):
        self.queries = cr.sql_log_count
        self.started = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self.started
        self.count = cr.sql_log_count - self.queries
        print(f"  {self.label}: {self.seconds:.2f} s, {self.count:,} queries")


cr.execute("SELECT count(*) FROM res_users WHERE login LIKE 'bench_seller_%%'")
if not cr.fetchone()[0]:
    print(f"Generating {SALESPEOPLE} salespeople, {CUSTOMERS:,} customers, {LEADS:,} "
          f"opportunities, {ORDERS:,} orders, {INVOICES:,} invoices")  # fmt: skip
    started = time.perf_counter()
    group = env.ref("crm_sfa_ext.group_crm_sfa_ext_user")
    team = env["crm.team"].create({"name": "Bench team"})
    sellers = (
        env["res.users"]
        .with_context(no_reset_password=True, tracking_disable=True)
        .create(
            [
                {
                    "name": f"Bench seller {i}",
                    "login": f"bench_seller_{i}",
                    "groups_id": [(4, group.id)],
                }
                for i in range(SALESPEOPLE)
            ]
        )
    )
    calendar = env.ref("resource.resource_calendar_std")
    env["resource.resource"].create(
        [{"name": user.name, "user_id": user.id, "calendar_id": calendar.id} for user in sellers]
    )
    env.flush_all()
    seller_ids = sellers.ids
    cr.execute(
        """
        INSERT INTO res_partner (name, complete_name, active, type, is_company, customer_rank,
                                 autopost_bills, lang, user_id, crm_value_tier, create_date,
                                 write_date)
        SELECT 'Bench customer ' || g, 'Bench customer ' || g, TRUE, 'contact', TRUE, 1, 'ask',
               'en_US', (%(sellers)s::int[])[1 + g %% %(n)s],
               jsonb_build_object(%(company)s::text,
                   CASE WHEN g %% 10 = 0 THEN 'a' WHEN g %% 10 < 4 THEN 'b' ELSE 'c' END),
               now(), now()
          FROM generate_series(1, %(customers)s) g
        """,
        {"sellers": seller_ids, "n": SALESPEOPLE, "company": company.id, "customers": CUSTOMERS},
    )
    cr.execute(
        "UPDATE res_partner SET commercial_partner_id = id "
        "WHERE commercial_partner_id IS NULL AND name LIKE 'Bench customer %%'"
    )
    cr.execute("SELECT min(id) FROM res_partner WHERE name LIKE 'Bench customer %%'")
    first = cr.fetchone()[0]
    won_stage = env["crm.stage"].search([("is_won", "=", True)], limit=1).id
    open_stage = env["crm.stage"].search([("is_won", "=", False)], limit=1).id
    # a year of opportunities: a fifth won, a fifth lost, the rest open with a probability
    cr.execute(
        """
        INSERT INTO crm_lead (name, type, active, user_id, team_id, company_id, partner_id,
                              stage_id, expected_revenue, probability, date_deadline,
                              date_closed, sfa_forecast_category, create_date, write_date)
        SELECT 'Bench deal ' || g, 'opportunity', g %% 5 != 1,
               (%(sellers)s::int[])[1 + g %% %(n)s], %(team)s, %(company)s,
               %(first)s + g %% %(customers)s,
               CASE WHEN g %% 5 = 0 THEN %(won)s ELSE %(open)s END,
               1000 + (g * 7919) %% 50000,
               CASE WHEN g %% 5 = 0 THEN 100 WHEN g %% 5 = 1 THEN 0 ELSE 10 + g %% 80 END,
               CASE WHEN g %% 11 = 2 AND g %% 5 > 1 THEN NULL
                    ELSE %(start)s::date + (g %% 365) END,
               CASE WHEN g %% 5 IN (0, 1) THEN %(start)s::date + (g %% 365) END,
               CASE g %% 7 WHEN 0 THEN 'commit' WHEN 1 THEN 'best_case' ELSE 'pipeline' END,
               now(), now()
          FROM generate_series(1, %(leads)s) g
        """,
        {
            "sellers": seller_ids, "n": SALESPEOPLE, "team": team.id, "company": company.id,
            "first": first, "customers": CUSTOMERS, "won": won_stage, "open": open_stage,
            "start": year_start, "leads": LEADS,
        },
    )  # fmt: skip
    cr.execute(
        """
        INSERT INTO sale_order (name, company_id, partner_id, partner_invoice_id,
                                partner_shipping_id, date_order, picking_policy, state,
                                currency_id, currency_rate, amount_untaxed, amount_total,
                                user_id, team_id, create_date, write_date)
        SELECT 'BENCH/SFA/' || g, %(company)s, p, p, p, %(start)s::date + (g %% 365), 'direct',
               'sale', %(currency)s, 1, 100 + g %% 900, 100 + g %% 900,
               (%(sellers)s::int[])[1 + g %% %(n)s], %(team)s, now(), now()
          FROM generate_series(1, %(orders)s) g,
               LATERAL (SELECT %(first)s + g %% %(customers)s AS p) c
        """,
        {
            "company": company.id, "start": year_start, "currency": company.currency_id.id,
            "sellers": seller_ids, "n": SALESPEOPLE, "team": team.id, "orders": ORDERS,
            "first": first, "customers": CUSTOMERS,
        },
    )  # fmt: skip
    journal = env["account.journal"].search(
        [("type", "=", "sale"), ("company_id", "=", company.id)], limit=1
    )
    cr.execute(
        """
        INSERT INTO account_move (name, journal_id, currency_id, company_id, state, move_type,
                                  auto_post, date, invoice_date, partner_id,
                                  commercial_partner_id, invoice_user_id, team_id,
                                  amount_untaxed_signed, amount_total_signed, create_date,
                                  write_date)
        SELECT 'BENCH/INV/' || g, %(journal)s, %(currency)s, %(company)s, 'posted',
               'out_invoice', 'no', %(start)s::date + (g %% 365), %(start)s::date + (g %% 365),
               p, p, (%(sellers)s::int[])[1 + g %% %(n)s], %(team)s, 100 + g %% 900,
               100 + g %% 900, now(), now()
          FROM generate_series(1, %(invoices)s) g,
               LATERAL (SELECT %(first)s + g %% %(customers)s AS p) c
        """,
        {
            "journal": journal.id, "currency": company.currency_id.id, "company": company.id,
            "start": year_start, "sellers": seller_ids, "n": SALESPEOPLE, "team": team.id,
            "invoices": INVOICES, "first": first, "customers": CUSTOMERS,
        },
    )  # fmt: skip
    env["crm.sales.target"].create(
        [
            {"user_id": user_id, "team_id": team.id, "period_type": "month",
             "date_from": date(year_start.year, month, 1), "target_revenue": 500000}
            for user_id in seller_ids
            for month in range(1, 13)
        ]
    )  # fmt: skip
    cr.execute("ANALYZE")
    env.cr.commit()
    print(f"  generated in {time.perf_counter() - started:.0f} s")

sellers = env["res.users"].search([("login", "like", "bench_seller_%")])
print(f"\ncrm_sfa_ext benchmark: {len(sellers)} salespeople, {CUSTOMERS:,} customers")
cr.execute("SELECT count(*) FROM crm_lead WHERE name LIKE 'Bench deal %%'")
print(f"  {cr.fetchone()[0]:,} opportunities, {ORDERS:,} orders, {INVOICES:,} invoices")
env.invalidate_all()

print("Forecast report")
Report = env["crm.forecast.report"]
measures = [
    "target_revenue:sum", "pipeline:sum", "weighted:sum", "commit:sum", "best_case:sum",
    "won_revenue:sum", "ordered:sum", "invoiced:sum", "open_weighted:sum", "still_to_win:sum",
    "undated_pipeline:sum",
]  # fmt: skip
with Counter("pivot of the year, salesperson x month, every figure"):
    rows = Report._read_group(
        [("date", ">=", year_start), ("date", "<", year_start.replace(year=year_start.year + 1))],
        ["user_id", "date:month"],
        measures,
    )
print(f"    {len(rows):,} cells")
with Counter("pivot of the month and the undated bucket, salesperson"):
    Report._read_group(
        ["|", ("undated", "=", True), "&", ("date", ">=", today.replace(day=1)),
         ("date", "<=", company._crm_period_end(today, "month"))],
        ["user_id"],
        measures,
    )  # fmt: skip
with Counter("pivot of the year, team x quarter"):
    Report._read_group(
        [("date", ">=", year_start), ("date", "<", year_start.replace(year=year_start.year + 1))],
        ["team_id", "date:quarter"],
        measures,
    )
targets = env["crm.sales.target"].search(
    [("user_id", "in", sellers.ids), ("date_from", "=", today.replace(day=1))]
)
with Counter(f"dashboard of the month, {len(targets)} targets"):
    targets.mapped("weighted")
Sheet = env["crm.forecast.adjustment"]
Sheet.search([]).unlink()
with Counter("forecast sheet of the month: a line per salesperson with pipeline"):
    added = Sheet._generate("month", today)
print(f"    {added} lines")
lines = Sheet.search([("period_type", "=", "month")])
lines.invalidate_recordset()
with Counter(f"forecast sheet figures and coverage, {len(lines)} lines"):
    lines.mapped("coverage")
with Counter(f"forecast sheet slippage, {len(lines)} lines"):
    lines.mapped("slipped_amount")
env.flush_all()  # what earlier steps left to write is not the adjustment's cost
with Counter(f"adjusting {len(lines)} lines (history kept)"):
    lines.write({"adjusted_amount": 100000})
    env.flush_all()
env["crm.forecast.snapshot"].search([]).unlink()
with Counter("forecast snapshot of the month, every salesperson"):
    taken = env["crm.forecast.snapshot"]._take("month", today)
print(f"    {taken} snapshots")
with Counter("actuals and accuracy of every snapshot"):
    env["crm.forecast.snapshot"]._update_actuals()

print("Visit plans, 4 weeks from next Monday, tier A every 2 weeks, B every 4, C every 8")
Rule = env["crm.visit.plan.rule"]
Rule.search([]).write({"active": False})
rules = Rule.create(
    [
        {"name": "Bench A", "sequence": 1, "value_tier": "a", "interval_weeks": 2},
        {"name": "Bench B", "sequence": 2, "value_tier": "b", "interval_weeks": 4},
        {"name": "Bench C", "sequence": 3, "value_tier": "c", "interval_weeks": 8,
         "visit_type": "activity"},
    ]
)  # fmt: skip
# every salesperson's customers around their own part of a 40 km town, one in ten without
# coordinates (not routed); the day starts at the company's address, in the middle
cr.execute(
    """
    UPDATE res_partner p
       SET partner_latitude = CASE WHEN p.id % 10 = 7 THEN NULL ELSE
               35.55 + (p.user_id % 7) * 0.05 + (p.id::bigint * 7919 % 1000) / 20000.0 END,
           partner_longitude = CASE WHEN p.id % 10 = 7 THEN NULL ELSE
               51.2 + (p.user_id % 11) * 0.04 + (p.id::bigint * 104729 % 1000) / 20000.0 END
     WHERE p.name LIKE 'Bench customer %'
    """
)  # fmt: skip
company.partner_id.write({"partner_latitude": 35.7, "partner_longitude": 51.4})
env.invalidate_all()
start = today + timedelta(days=7 - today.weekday())
Plan = env["crm.visit.plan"]
plans = Plan.search([("user_id", "in", sellers.ids)])
plans.unlink()
env.flush_all()
with Counter("queued from the wizard (customers, working hours, plans)") as queued:
    plans, messages = Plan._generate(
        start, start + timedelta(days=27), rules, sellers, background=True
    )
    env.flush_all()
cr.execute("SELECT count(*) FROM mail_mail")
mails = cr.fetchone()[0]
# the cron's batches, as the cron runs them one after the other (each commits in the cron;
# here the benchmark rolls back at the end, so the cache is dropped after each instead)
with Counter("background planning through the ORM (the cron's batches)") as filling:
    batches = 0
    while Plan.search_count([("state", "=", "queued")]):
        Plan._cron_fill_plans()
        env.flush_all()
        env.invalidate_all()
        batches += 1
print(f"    {batches} batches of at most {PLANS_PER_RUN} salespeople")
cr.execute("SELECT count(*) FROM mail_mail")
print(f"    {cr.fetchone()[0] - mails:,} emails queued")

seconds, queries = queued.seconds + filling.seconds, queued.count + filling.count
print(f"  total: {seconds:.1f} s, {queries:,} queries")
cr.execute(
    "SELECT count(*), count(event_id), count(activity_id) FROM crm_visit_plan_line "
    "WHERE plan_id = ANY(%s)",
    [plans.ids],
)
lines, events, activities = cr.fetchone()
print(f"    {len(plans)} plans, {lines:,} visits ({events:,} meetings, {activities:,} "
      f"activities), {len(plans.filtered('note'))} plans say what did not fit")  # fmt: skip
print(f"    {seconds / max(lines, 1) * 1000:.2f} ms and "
      f"{queries / max(lines, 1):.2f} queries per visit")  # fmt: skip
cr.execute(
    "SELECT count(*) FILTER (WHERE routed), count(*) FILTER (WHERE NOT routed), "
    "       coalesce(sum(travel_time), 0), count(DISTINCT (user_id, visit_day)) "
    "  FROM crm_visit_plan_line WHERE plan_id = ANY(%s)",
    [plans.ids],
)
routed, unrouted, travel_hours, days = cr.fetchone()
print(f"    {routed:,} visits routed, {unrouted:,} without coordinates after them; "
      f"{travel_hours / max(routed, 1) * 60:.1f} min travel per routed visit, "
      f"{(routed + unrouted) / max(days, 1):.1f} visits per salesperson-day")  # fmt: skip
print("Contact history")
cr.execute("SELECT id FROM res_partner WHERE name = 'Bench customer 4242'")
customer = env["res.partner"].browse(cr.fetchone()[0])
env.invalidate_all()
with Counter("one customer's timeline (the contact form's tab)"):
    rows = env["crm.contact.history"].search([("partner_id", "=", customer.id)])
print(f"    {len(rows)} interactions")
with Counter("every customer's interactions counted by type"):
    counts = env["crm.contact.history"]._read_group([], ["kind"], ["__count"])
print("    " + ", ".join(f"{kind}: {count:,}" for kind, count in counts))
print(f"Peak memory of the Odoo process: {rss_mb():.0f} MB")
env.cr.rollback()
