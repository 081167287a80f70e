"""Printing works once the setup is done: Odoo's own PDFs (a quotation, an invoice) and
every PDF report of the suite's addons render through wkhtmltopdf, which the setup
installs, with the whole suite installed."""

from conftest import ADDONS, SUITE_ADDONS

RENDER = """
import json

results = {}
def render(xmlid, records):
    report = env.ref(xmlid)
    pdf, kind = report._render_qweb_pdf(report.report_name, records.ids)
    results[xmlid] = [kind, pdf[:5].decode("latin-1"), len(records)]

order = env["sale.order"].search([("state", "=", "sale")], limit=1)
render("sale.action_report_saleorder", order)
invoice = env["account.move"].search(
    [("move_type", "=", "out_invoice"), ("state", "=", "posted")], limit=1
)
render("account.account_invoices", invoice)
ours = env["ir.model.data"].search(
    [("module", "in", ADDONS), ("model", "=", "ir.actions.report")]
)
for data in ours:
    report = env["ir.actions.report"].browse(data.res_id)
    if report.report_type != "qweb-pdf":
        continue
    records = env[report.model].search([], limit=1)
    render(f"{data.module}.{data.name}", records)
print(json.dumps(results))
"""


def test_quotation_invoice_and_every_suite_report_print_as_pdf(databases, suite_database):
    results = databases.shell(suite_database, f"ADDONS = {SUITE_ADDONS!r}\n{RENDER}")
    for xmlid, (kind, head, count) in results.items():
        assert count == 1, f"no record to print {xmlid} with on the demo database"
        assert (kind, head) == ("pdf", "%PDF-"), f"{xmlid} did not render as a PDF"
    assert {"sale.action_report_saleorder", "account.account_invoices"} <= set(results)
    # one report at least per addon (a customer's insight sheet, a member's statement, a
    # complaint's summary, a service visit's report)
    assert {xmlid.split(".")[0] for xmlid in results} >= set(ADDONS), sorted(results)
