from odoo import fields, models


class CrmCustomerProspect(models.Model):
    """A company's prospects as of its last refresh: the commercial partners engaged in the
    look-back window (opportunities, meetings, emails) with no sale. Written by the refresh
    only (`res.partner._crm_write_prospects`), which compares the new set with this one to
    relabel only the contacts of the prospects that came or went."""

    _name = "crm.customer.prospect"
    _description = "Prospect"
    _check_company_auto = True
    _log_access = False

    company_id = fields.Many2one("res.company", required=True, ondelete="cascade")
    partner_id = fields.Many2one(
        "res.partner", required=True, ondelete="cascade", check_company=True
    )

    _sql_constraints = [
        (
            "company_partner_unique",
            "unique(company_id, partner_id)",
            "A prospect is kept once per company.",
        ),
    ]
