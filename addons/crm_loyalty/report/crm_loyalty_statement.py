from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_date

# the period a statement covers when it is printed from the card (Print menu)
DEFAULT_MONTHS = 12


class ReportLoyaltyStatement(models.AbstractModel):
    """A member's points statement, printed by the loyalty staff from the card: the
    balance and tier today, and the ledger lines of a period with the balance at its start
    and end. Read as the user who prints it (record rules apply), formatted in the member's
    language."""

    _name = "report.crm_loyalty.report_loyalty_statement"
    _description = "Loyalty Points Statement"

    @api.model
    def _get_report_values(self, docids, data=None):
        data = data or {}
        cards = self.env["loyalty.card"].browse(docids)
        cards.check_access("read")
        today = fields.Date.context_today(self)
        date_to = fields.Date.to_date(data.get("date_to")) or today
        date_from = fields.Date.to_date(data.get("date_from")) or (
            date_to - relativedelta(months=DEFAULT_MONTHS) + relativedelta(days=1)
        )
        if date_from > date_to:
            raise UserError(
                self.env._(
                    "A statement's period starts on or before its end: choose a start date "
                    "before %(end)s.",
                    end=format_date(self.env, date_to),
                )
            )
        return {
            "doc_ids": cards.ids,
            "doc_model": "loyalty.card",
            "docs": cards,
            "statements": {
                card.id: card.with_context(lang=card.partner_id.lang)._crm_statement(
                    date_from, date_to
                )
                for card in cards
            },
        }
