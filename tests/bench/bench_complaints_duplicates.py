# Run inside `odoo shell` (tests/bench/complaints_run.sh, BENCH_PART=duplicates): feeds real
# MIME emails through Odoo's mail gateway (one transaction per email, as the fetchmail cron
# does) to a complaint team's alias whose complaints are about one product, from 50 known
# senders: most complaints have a likely duplicate. Counts the SQL queries of each email with
# the duplicate check on (a 3-day window) and off (0 days), rounds alternating, and prints
# the queries the check adds per complaint (the bound: at most 2); asserts nothing.
# BENCH_EMAILS emails per round (default 100), 3 rounds of each.
import os
from email.message import EmailMessage
from email.utils import make_msgid

EMAILS = int(os.environ.get("BENCH_EMAILS", "100"))
ROUNDS = 3
cr = env.cr
company = env.company

domain = env["mail.alias.domain"].search([("name", "=", "bench.example.com")])
if not domain:
    domain = env["mail.alias.domain"].create({"name": "bench.example.com"})
company.alias_domain_id = domain
product = env["product.product"].search([("default_code", "=", "BENCH-DUP")], limit=1)
if not product:
    product = env["product.product"].create({"name": "Bench chair", "default_code": "BENCH-DUP"})
team = env["crm.complaint.team"].search([("alias_name", "=", "bench-duplicates")])
if not team:
    team = env["crm.complaint.team"].create(
        {
            "name": "Bench duplicates team",
            "alias_name": "bench-duplicates",
            "member_ids": [(6, 0, env.ref("base.user_admin").ids)],
            "assignment_method": "round_robin",
        }
    )
    team.alias_defaults = repr(
        {"team_id": team.id, "company_id": company.id, "product_id": product.id}
    )
known = env["res.partner"].search([("email", "like", "@bench-dup.example.com")])
if not known:
    known = env["res.partner"].create(
        [{"name": f"Dup {i}", "email": f"dup{i}@bench-dup.example.com"} for i in range(50)]
    )
cr.commit()


def emails(tag):
    for i in range(EMAILS):
        message = EmailMessage()
        message["From"] = f"Dup {i % 50} <dup{i % 50}@bench-dup.example.com>"
        message["To"] = "bench-duplicates@bench.example.com"
        message["Subject"] = f"The chair broke again #{tag}-{i}"
        message["Message-ID"] = make_msgid(domain="bench.example.org")
        message.set_content("The chair I bought broke; please call me back.")
        yield message.as_string()


def feed(tag, days):
    """One round with the duplicate window at `days`: the SQL queries of each email."""
    company.crm_complaint_duplicate_days = days
    cr.commit()
    Thread = env["mail.thread"].sudo()
    counts = []
    for raw in emails(tag):
        before = cr.sql_log_count
        Thread.message_process(None, raw)
        cr.commit()
        counts.append(cr.sql_log_count - before)
    return sum(counts) / len(counts)


feed("warm-on", 3)
feed("warm-off", 0)
on, off = [], []
for round_ in range(ROUNDS):
    on.append(feed(f"on{round_}", 3))
    off.append(feed(f"off{round_}", 0))
found = env["crm.complaint"].search_count(
    [("team_id", "=", team.id), ("duplicate_of_id", "!=", False)]
)
mean_on, mean_off = sum(on) / ROUNDS, sum(off) / ROUNDS
print(
    f"Duplicate check on intake: {EMAILS} emails per round through the mail gateway,"
    f" {ROUNDS} rounds with the check and {ROUNDS} without, alternating"
)
print("  queries per email, check on:  " + ", ".join(f"{q:.2f}" for q in on))
print("  queries per email, check off: " + ", ".join(f"{q:.2f}" for q in off))
print(
    f"  added by the check: {mean_on - mean_off:.2f} queries per complaint (bound: at most 2);"
    f" {found:,} complaints flagged as likely duplicates"
)
company.crm_complaint_duplicate_days = 3
cr.commit()
