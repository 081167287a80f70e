# Run inside `odoo shell` (tests/bench/complaints_run.sh): feeds real MIME emails through
# Odoo's mail gateway (mail.thread.message_process, one transaction per email as the fetchmail
# cron does) to a complaint team's alias and, in the same run, the same emails to a sales
# team's alias (crm.lead), one of each in turn. Prints records created per second and the
# ratio, then times the acknowledgement cron the complaints triggered; asserts nothing.
# BENCH_EMAILS emails per round to each alias (default 200), 3 rounds.
import os
import time
from email.message import EmailMessage
from email.utils import make_msgid

EMAILS = int(os.environ.get("BENCH_EMAILS", "200"))
ROUNDS = 3
cr = env.cr
company = env.company

domain = env["mail.alias.domain"].search([("name", "=", "bench.example.com")])
if not domain:
    domain = env["mail.alias.domain"].create({"name": "bench.example.com"})
company.alias_domain_id = domain
if not env["crm.complaint.team"].search([("alias_name", "=", "bench-complaints")]):
    env["crm.complaint.team"].create(
        {
            "name": "Bench gateway team",
            "alias_name": "bench-complaints",
            "member_ids": [(6, 0, env.ref("base.user_admin").ids)],
            "assignment_method": "round_robin",
        }
    )
    env["crm.team"].create({"name": "Bench leads", "alias_name": "bench-leads", "use_leads": True})
known = env["res.partner"].search([("email", "like", "@bench-known.example.com")])
if not known:
    known = env["res.partner"].create(
        [{"name": f"Known {i}", "email": f"known{i}@bench-known.example.com"} for i in range(50)]
    )
cr.commit()

SUBJECTS = [
    "Damaged parcel",
    "Late delivery of order",
    "Invoice charged twice",
    "سفارش من دیر رسید",
    "کالا آسیب دیده است",
]


def emails(to, tag):
    """EMAILS real MIME messages: multipart text/html, RFC 2047 subjects (Persian for two in
    five), a known sender for half, an unknown one otherwise, a small photo for one in four."""
    for i in range(EMAILS):
        message = EmailMessage()
        if i % 2:
            message["From"] = f"Known {i % 50} <known{i % 50}@bench-known.example.com>"
        else:
            message["From"] = f"Stranger {tag}{i} <stranger.{tag}.{i}@example.org>"
        message["To"] = to
        message["Subject"] = f"{SUBJECTS[i % len(SUBJECTS)]} #{tag}-{i}"
        message["Message-ID"] = make_msgid(domain="bench.example.org")
        message.set_content("The goods arrived broken; please call me back.")
        message.add_alternative(
            "<p>The goods arrived <b>broken</b>; please call me back.</p>", subtype="html"
        )
        if i % 4 == 0:
            message.add_attachment(
                b"\xff\xd8\xff" + b"0" * 20_000,
                maintype="image",
                subtype="jpeg",
                filename="photo.jpg",
            )
        yield message.as_string()


def feed(tag):
    """One round: the round's emails to both aliases, interleaved one by one (a lead, then
    a complaint from the same email), so that the load of the machine weighs on both alike.
    Returns the rate of each, records per second."""
    leads = list(emails("bench-leads@bench.example.com", f"l{tag}"))
    complaints = list(emails("bench-complaints@bench.example.com", f"c{tag}"))
    Thread = env["mail.thread"].sudo()
    spent = {"crm.lead": 0.0, "crm.complaint": 0.0}
    for lead, complaint in zip(leads, complaints, strict=True):
        for model, raw in (("crm.lead", lead), ("crm.complaint", complaint)):
            started = time.perf_counter()
            Thread.message_process(None, raw)
            cr.commit()
            spent[model] += time.perf_counter() - started
    return {model: len(leads) / seconds for model, seconds in spent.items()}


# warm-up: registry caches, templates, sequences
feed("warm")
rates = {"crm.complaint": [], "crm.lead": []}
for round_ in range(ROUNDS):
    for model, rate in feed(round_).items():
        rates[model].append(rate)
complaints = sum(rates["crm.complaint"]) / ROUNDS
leads = sum(rates["crm.lead"]) / ROUNDS
print(
    f"Mail gateway, {EMAILS} real MIME emails per round to each alias, interleaved,"
    f" {ROUNDS} rounds, one commit per email"
)
print(
    "  crm.complaint: "
    + ", ".join(f"{r:.1f}" for r in rates["crm.complaint"])
    + f" per second (mean {complaints:.1f})"
)
print(
    "  crm.lead:      "
    + ", ".join(f"{r:.1f}" for r in rates["crm.lead"])
    + f" per second (mean {leads:.1f})"
)
print(f"  complaints / leads: {complaints / leads:.2f}x (target: at least 0.8x)")
# the acknowledgements the gateway queued, sent by their cron as the scheduler runs it
pending = env["crm.complaint"].search_count([("acknowledgement_pending", "=", True)])
started = time.perf_counter()
while env["crm.complaint"]._cron_send_acknowledgements():
    cr.commit()
elapsed = time.perf_counter() - started
print(
    f"  then the acknowledgement cron: {pending:,} acknowledgements in {elapsed:.1f} s"
    f" ({pending / elapsed:.1f} per second, in batches of 500)"
)
cr.execute(
    "SELECT count(*) FILTER (WHERE partner_id IS NOT NULL), count(*) FROM crm_complaint"
    " WHERE channel = 'email' AND subject NOT LIKE 'Bench complaint %%'"
)
with_contact, total = cr.fetchone()
print(f"  {total:,} complaints from email, {with_contact:,} with a contact")
