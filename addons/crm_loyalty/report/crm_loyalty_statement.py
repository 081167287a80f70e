from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_date

from ..lib import ledger

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
                card.id: self._statement(
                    card.with_context(lang=card.partner_id.lang), date_from, date_to
                )
                for card in cards
            },
        }

    @api.model
    def _statement(self, card, date_from, date_to):
        """What the statement of `card` shows for the days `date_from` to `date_to`,
        formatted in the card's environment's language: the card, its tier and balances
        today, the balance before the period, the period's ledger lines and the balance
        after them. One query for the lines and one for the opening balance."""
        History = card.env["loyalty.history"]
        start = fields.Datetime.to_datetime(date_from)
        end = fields.Datetime.to_datetime(date_to + relativedelta(days=1))
        lines = History.search(
            [
                ("card_id", "=", card.id),
                ("crm_kind", "!=", False),
                ("crm_date", ">=", start),
                ("crm_date", "<", end),
            ],
            order="crm_date, id",
        )
        before = History._read_group(
            [("card_id", "=", card.id), ("crm_kind", "!=", False), ("crm_date", "<", start)],
            aggregates=["crm_points:sum"],
        )[0][0]
        opening = ledger.round_points(before or 0.0)
        closing = ledger.round_points(opening + sum(lines.mapped("crm_points")))
        kinds = dict(History._fields["crm_kind"]._description_selection(card.env))
        return {
            "period": card.env._(
                "%(start)s to %(end)s",
                start=format_date(card.env, date_from),
                end=format_date(card.env, date_to),
            ),
            "printed_on": format_date(card.env, fields.Date.context_today(card)),
            "program": card.program_id.name,
            "tier": card.crm_tier_id.name or "",
            "qualifying": card.crm_qualifying_display,
            "points": card._format_points(card.points),
            "opening": card._format_points(opening),
            "closing": card._format_points(closing),
            "expiring": card._format_points(card.crm_expiring_points)
            if card.crm_expiring_points
            else "",
            "expiring_date": format_date(card.env, card.crm_expiring_date)
            if card.crm_expiring_date
            else "",
            "lines": [
                {
                    "date": format_date(card.env, line.crm_date),
                    "kind": kinds.get(line.crm_kind, ""),
                    "description": card._crm_line_description(line),
                    "points": ("+" if line.crm_points > 0 else "-")
                    + card._format_points(abs(line.crm_points)),
                    "balance": card._format_points(line.crm_balance),
                    "expiry": format_date(card.env, line.crm_expiry_date)
                    if line.crm_expiry_date and line.crm_remaining > 0
                    else "",
                }
                for line in lines
            ],
        }
