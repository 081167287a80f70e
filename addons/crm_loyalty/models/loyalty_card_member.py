from dateutil.relativedelta import relativedelta

from odoo import fields, models
from odoo.tools import format_date

from ..lib import ledger


class LoyaltyCard(models.Model):
    """What a member reads of their card: the portal page, its ledger lines and the
    printed points statement (loyalty_card.py holds the card's ledger and tiers)."""

    # a second file for loyalty.card on purpose (two responsibilities; one file of both
    # outgrew 800 lines): the explicit _name extends the model in place all the same
    _name = "loyalty.card"
    _inherit = "loyalty.card"

    def _crm_portal_values(self, ledger_limit=10):
        """What the member's portal page shows of this card, formatted in their language:
        tier and progress, both balances, points expiring soon, the tier ladder, the
        rewards within reach and the last ledger lines. The card is read as the caller
        (record rules apply); its programme, tiers and rewards once it is readable."""
        self.ensure_one()
        self.check_access("read")
        card = self.sudo()
        program = card.program_id
        tiers = program.crm_tier_ids.sorted("qualify_from")
        rewards = program.reward_ids.filtered(lambda r: r._crm_allows(card)).sorted(
            "required_points"
        )
        lines = (
            self.env["loyalty.history"].search(
                [("card_id", "=", self.id), ("crm_kind", "!=", False)], limit=ledger_limit
            )
            if ledger_limit
            else []
        )
        return {
            "id": card.id,
            "code": card.code,
            "program": program.name,
            "points": card.points_display,
            "qualifying": card.crm_qualifying_display,
            "qualify_label": self.env._(
                "%(what)s in the last %(months)s months",
                what=dict(program._fields["crm_qualify_on"]._description_selection(self.env))[
                    program.crm_qualify_on
                ],
                months=program.crm_qualify_months,
            ),
            "tier": card.crm_tier_id.name or "",
            "tier_benefits": card.crm_tier_id.benefits or "",
            "next_tier": card.crm_next_tier_id.name or "",
            "to_next_label": self.env._(
                "%(left)s to %(tier)s",
                left=program._crm_format_qualifying(card.crm_to_next_tier),
                tier=card.crm_next_tier_id.name or "",
            ),
            "progress": int(round(card.crm_tier_progress)),
            "ladder": [
                {
                    "name": tier.name,
                    "from_label": self.env._(
                        "from %(value)s", value=program._crm_format_qualifying(tier.qualify_from)
                    ),
                    "current": tier == card.crm_tier_id,
                    "benefits": tier.benefits or "",
                }
                for tier in tiers
            ],
            "expiring": card._format_points(card.crm_expiring_points)
            if card.crm_expiring_points
            else "",
            "expiring_label": self.env._(
                "on %(date)s", date=format_date(self.env, card.crm_expiring_date)
            )
            if card.crm_expiring_date
            else "",
            "rewards": [
                {
                    "name": reward.description,
                    "points": card._format_points(reward.required_points),
                    "claimable": card.points + ledger.EPSILON >= reward.required_points,
                    "missing_label": self.env._(
                        "%(points)s more",
                        points=card._format_points(max(reward.required_points - card.points, 0)),
                    ),
                }
                for reward in rewards
            ],
            "lines": [self._crm_portal_line(line) for line in lines],
        }

    def _crm_line_description(self, line):
        """What a ledger line says to the member: its description, except a transfer's,
        which says only that points came or went (whatever an older line stored)."""
        if line.crm_kind != "transfer":
            return line.description
        if line.crm_points < 0:
            return self.env._("Points transferred to another card")
        return self.env._("Points received by transfer")

    def _crm_portal_line(self, line):
        """A ledger line as the member reads it: the kind, what it says to them (a transfer
        says only that points came or went, whatever an older line stored), the points and
        balance, and the document behind it when they may open it themselves."""
        self.ensure_one()
        kinds = dict(line._fields["crm_kind"]._description_selection(self.env))
        document, url = line._crm_member_document()
        return {
            "date": format_date(self.env, line.crm_date),
            "kind": kinds.get(line.crm_kind, ""),
            "description": self._crm_line_description(line),
            "document": document,
            "url": url,
            "points": ("+" if line.crm_points > 0 else "-")
            + self.sudo()._format_points(abs(line.crm_points)),
            "positive": line.crm_points > 0,
            "balance": self.sudo()._format_points(line.crm_balance),
            "expiry": self.env._(
                "expires on %(date)s", date=format_date(self.env, line.crm_expiry_date)
            )
            if line.crm_expiry_date and line.crm_remaining > 0
            else "",
        }

    def _crm_statement(self, date_from, date_to):
        """What the statement of this card shows for the days `date_from` to `date_to`,
        formatted in the environment's language: the card, its tier and balances today,
        the balance before the period, the period's ledger lines and the balance after
        them. One query for the lines and one for the opening balance."""
        self.ensure_one()
        History = self.env["loyalty.history"]
        start = fields.Datetime.to_datetime(date_from)
        end = fields.Datetime.to_datetime(date_to + relativedelta(days=1))
        lines = History.search(
            [
                ("card_id", "=", self.id),
                ("crm_kind", "!=", False),
                ("crm_date", ">=", start),
                ("crm_date", "<", end),
            ],
            order="crm_date, id",
        )
        before = History._read_group(
            [("card_id", "=", self.id), ("crm_kind", "!=", False), ("crm_date", "<", start)],
            aggregates=["crm_points:sum"],
        )[0][0]
        opening = ledger.round_points(before or 0.0)
        closing = ledger.round_points(opening + sum(lines.mapped("crm_points")))
        kinds = dict(History._fields["crm_kind"]._description_selection(self.env))
        return {
            "period": self.env._(
                "%(start)s to %(end)s",
                start=format_date(self.env, date_from),
                end=format_date(self.env, date_to),
            ),
            "printed_on": format_date(self.env, fields.Date.context_today(self)),
            "program": self.program_id.name,
            "tier": self.crm_tier_id.name or "",
            "qualifying": self.crm_qualifying_display,
            "points": self._format_points(self.points),
            "opening": self._format_points(opening),
            "closing": self._format_points(closing),
            "expiring": self._format_points(self.crm_expiring_points)
            if self.crm_expiring_points
            else "",
            "expiring_date": format_date(self.env, self.crm_expiring_date)
            if self.crm_expiring_date
            else "",
            "lines": [
                {
                    "date": format_date(self.env, line.crm_date),
                    "kind": kinds.get(line.crm_kind, ""),
                    "description": self._crm_line_description(line),
                    "points": ("+" if line.crm_points > 0 else "-")
                    + self._format_points(abs(line.crm_points)),
                    "balance": self._format_points(line.crm_balance),
                    "expiry": format_date(self.env, line.crm_expiry_date)
                    if line.crm_expiry_date and line.crm_remaining > 0
                    else "",
                }
                for line in lines
            ],
        }
