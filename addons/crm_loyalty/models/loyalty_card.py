from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL, format_date

from ..lib import ledger
from .loyalty_history import CTX_BOOKING, CTX_ORDER_SYNC

MANAGER = "crm_loyalty.group_crm_loyalty_manager"
# moves that may take a card below zero: the points an order earned are taken back even
# when they were spent already (the next points earned pay the debt first)
DEBT_KINDS = {"clawback"}
# moves that spend points: only from an active card that has not expired
SPEND_KINDS = {"redeem", "transfer"}


class LoyaltyCard(models.Model):
    _inherit = "loyalty.card"

    crm_enabled = fields.Boolean(related="program_id.crm_enabled", string="Ledger Programme")

    @api.model_create_multi
    def create(self, vals_list):
        # a card of a ledger programme starts empty; the points it is created with are its
        # first ledger line
        opening = {}
        if not self.env.context.get(CTX_BOOKING):
            program_ids = {vals.get("program_id") for vals in vals_list if vals.get("points")}
            ledger_programs = set(
                self.env["loyalty.program"].browse(program_ids).filtered("crm_enabled").ids
            )
            for index, vals in enumerate(vals_list):
                if vals.get("points") and vals.get("program_id") in ledger_programs:
                    opening[index] = vals["points"]
                    vals_list[index] = dict(vals, points=0)
        cards = super().create(vals_list)
        if opening:
            reason = self.env.context.get("crm_loyalty_reason")
            cards._crm_check_manual_change(reason)
            self._crm_book(
                [
                    {
                        "card": cards[index],
                        "kind": "adjust",
                        "points": points,
                        "description": self.env._("Opening balance"),
                        "reason": reason or self.env._("Card created with points"),
                    }
                    for index, points in opening.items()
                ]
            )
        return cards

    def write(self, vals):
        if "points" not in vals or self.env.context.get(CTX_BOOKING):
            return super().write(vals)
        ledger_cards = self.filtered("program_id.crm_enabled")
        if not ledger_cards:
            return super().write(vals)
        rest = dict(vals)
        new_points = rest.pop("points")
        if self - ledger_cards:
            super(LoyaltyCard, self - ledger_cards).write(vals)
        if rest:
            super(LoyaltyCard, ledger_cards).write(rest)
        if not self.env.context.get(CTX_ORDER_SYNC):
            # anything else that sets the balance (another module, a script) is a manual
            # adjustment, with its reason; in sale_loyalty's flows the order sync books
            # what the order changed instead
            reason = self.env.context.get("crm_loyalty_reason")
            ledger_cards._crm_check_manual_change(reason)
            self._crm_book(
                [
                    {
                        "card": card,
                        "kind": "adjust",
                        "points": new_points - card.points,
                        "description": self.env._("Balance set"),
                        "reason": reason or self.env._("Balance set by the system"),
                    }
                    for card in ledger_cards
                ]
            )
        return True

    # ------------------------------------------------------------------ ledger

    def _crm_check_manual_change(self, reason):
        """A manual change of points needs a loyalty Manager (or the system) and a reason."""
        if self.env.su:
            return
        if not self.env.user.has_group(MANAGER):
            raise AccessError(
                self.env._(
                    "Only a Loyalty Manager can change the points of a card (CRM Suite > "
                    "Loyalty in the user's access rights)."
                )
            )
        if not (reason or "").strip():
            raise UserError(
                self.env._(
                    "Say why the points change: a manual adjustment of a card needs a reason."
                )
            )

    @api.model
    def _crm_book(self, moves):
        """Book `moves` on ledger cards and return the ledger lines written.

        Each move is a dict: card, kind (see LEDGER_KINDS), points (signed), description,
        and optionally reason, source (the document behind it), order (the sale order,
        kept in Odoo's order fields), lots (earning lots to take points from first),
        expiry_date (of points coming in; default: the programme's), date.

        Steps: lock the cards' rows (loyalty_card; a concurrent transaction fails at once
        and is retried); read their balances and open lots (loyalty_history); write the
        lines bringing points in, each a new lot (a negative balance is paid off first);
        then the lines taking points out, one per lot taken from, oldest lot first
        (checking the balance, and that a card spent from is active and valid); update the
        lots' unspent points (loyalty_history) and the cards' points (loyalty_card)."""
        moves = [dict(move, points=ledger.round_points(move["points"])) for move in moves]
        moves = [move for move in moves if not ledger.is_zero(move["points"])]
        History = self.env["loyalty.history"].sudo().with_context(**{CTX_BOOKING: True})
        if not moves:
            return History.browse()
        cards = self.sudo().browse({move["card"].id for move in moves})
        cards.program_id._crm_check_usable()
        for move in moves:
            program = move["card"].program_id
            if program.crm_whole_points and move["points"] != int(move["points"]):
                raise UserError(
                    self.env._(
                        "%(program)s counts whole points only; %(points)s is not a whole "
                        "number.",
                        program=program.name,
                        points=move["points"],
                    )
                )
        self.env.flush_all()
        History._crm_lock_cards(cards.ids)
        cards.invalidate_recordset(["points"])
        balance = {card.id: card.points for card in cards}
        lots = defaultdict(list)
        self.env.cr.execute(
            SQL(
                "SELECT card_id, id, crm_remaining FROM loyalty_history"
                " WHERE card_id = ANY(%s) AND crm_remaining > 0 ORDER BY card_id, crm_date, id",
                cards.ids,
            )
        )
        for card_id, lot_id, remaining in self.env.cr.fetchall():
            lots[card_id].append([lot_id, remaining])
        now = fields.Datetime.now()

        def base(move):
            source = move.get("source")
            order = move.get("order")
            return {
                "card_id": move["card"].id,
                "crm_kind": move["kind"],
                "description": move["description"],
                "crm_reason": move.get("reason") or False,
                "crm_date": move.get("date") or now,
                "crm_user_id": self.env.uid,
                "crm_source_model": source._name if source else False,
                "crm_source_id": source.id if source else False,
                "order_model": order._name if order else False,
                "order_id": order.id if order else False,
            }

        # points in: one lot each
        incoming = [move for move in moves if move["points"] > 0]
        vals_list = []
        for move in incoming:
            card, points = move["card"], move["points"]
            opening = ledger.lot_opening(balance[card.id], points)
            balance[card.id] = ledger.round_points(balance[card.id] + points)
            day = fields.Datetime.to_datetime(move.get("date") or now).date()
            expiry = move.get("expiry_date", card.program_id._crm_expiry_date(day))
            vals_list.append(
                {
                    **base(move),
                    # a give-back returns what the order used: Odoo's order history reads it
                    **(
                        {"issued": 0.0, "used": -points}
                        if move["kind"] == "giveback"
                        else {"issued": points, "used": 0.0}
                    ),
                    "crm_balance": balance[card.id],
                    "crm_remaining": opening,
                    "crm_expiry_date": expiry or False,
                }
            )
        lines = History.create(vals_list)
        for line in lines:
            if line.crm_remaining > 0:
                lots[line.card_id.id].append([line.id, line.crm_remaining])

        # points out: from the lots, the given ones first, then the oldest
        vals_list = []
        taken = {}
        for move in moves:
            if move["points"] > 0:
                continue
            card, amount = move["card"], -move["points"]
            self._crm_check_outgoing(card, move["kind"], amount, balance[card.id])
            card_lots = lots[card.id]
            preferred = move.get("lots").ids if move.get("lots") else ()
            takes, shortfall = ledger.allocate(
                [tuple(lot) for lot in card_lots], amount, preferred
            )
            remaining = {lot[0]: lot for lot in card_lots}
            for lot_id, points in takes:
                remaining[lot_id][1] = ledger.round_points(remaining[lot_id][1] - points)
                taken[lot_id] = remaining[lot_id][1]
            lots[card.id] = [lot for lot in card_lots if lot[1] > ledger.EPSILON]
            if shortfall:
                takes.append((False, shortfall))
            for lot_id, points in takes:
                balance[card.id] = ledger.round_points(balance[card.id] - points)
                vals_list.append(
                    {
                        **base(move),
                        # a clawback takes back what the order issued
                        **(
                            {"issued": -points, "used": 0.0}
                            if move["kind"] == "clawback"
                            else {"issued": 0.0, "used": points}
                        ),
                        "crm_balance": balance[card.id],
                        "crm_lot_id": lot_id,
                    }
                )
        lines |= History.create(vals_list)
        if taken:
            self.env.cr.execute(
                SQL(
                    "UPDATE loyalty_history h SET crm_remaining = v.remaining"
                    " FROM unnest(%s::int[], %s::float8[]) AS v(id, remaining)"
                    " WHERE h.id = v.id",
                    list(taken),
                    list(taken.values()),
                )
            )
            History.browse(taken).invalidate_recordset(["crm_remaining"])
        for card in cards:
            card.with_context(**{CTX_BOOKING: True, "mail_notrack": True}).points = balance[
                card.id
            ]
        self._crm_after_booking(cards, moves)
        return lines

    @api.model
    def _crm_check_outgoing(self, card, kind, amount, balance):
        if kind in SPEND_KINDS:
            if not card.active:
                raise UserError(
                    self.env._(
                        "The card %(card)s is archived: its points cannot be spent. Restore "
                        "the card first.",
                        card=card.display_name,
                    )
                )
            if card.expiration_date and card.expiration_date < fields.Date.context_today(self):
                raise UserError(
                    self.env._(
                        "The card %(card)s expired on %(date)s: its points cannot be spent.",
                        card=card.display_name,
                        date=format_date(self.env, card.expiration_date),
                    )
                )
        if kind not in DEBT_KINDS and amount > balance + ledger.EPSILON:
            raise UserError(
                self.env._(
                    "The card %(card)s has %(balance)s; %(points)s cannot be taken from it. "
                    "Refresh the order or choose a smaller reward.",
                    card=card.display_name,
                    balance=card._format_points(max(balance, 0.0)),
                    points=card._format_points(amount),
                )
            )

    @api.model
    def _crm_after_booking(self, cards, moves):
        """Hook run once the cards' balances are written (tiers follow the points)."""

    def _crm_check_ledger(self):
        """The cards (all ledger cards when empty) whose points differ from the sum of their
        ledger, or whose open lots do not add up to their balance: a list of (card id,
        points, ledger sum, unspent in lots). Empty when the ledger is consistent."""
        self.env.flush_all()
        card_filter = SQL("AND c.id = ANY(%s)", self.ids) if self else SQL()
        self.env.cr.execute(
            SQL(
                """
                SELECT c.id, c.points, COALESCE(h.total, 0), COALESCE(h.unspent, 0)
                  FROM loyalty_card c
                  JOIN loyalty_program p ON p.id = c.program_id AND p.crm_enabled
             LEFT JOIN (SELECT card_id, SUM(COALESCE(issued, 0) - COALESCE(used, 0)) AS total,
                               SUM(crm_remaining) FILTER (WHERE crm_remaining > 0) AS unspent
                          FROM loyalty_history GROUP BY card_id) h ON h.card_id = c.id
                 WHERE TRUE %s
                   AND (ABS(c.points - COALESCE(h.total, 0)) > %s
                        OR ABS(GREATEST(c.points, 0) - COALESCE(h.unspent, 0)) > %s)
                """,
                card_filter,
                ledger.EPSILON,
                ledger.EPSILON,
            )
        )
        return self.env.cr.fetchall()

    # ------------------------------------------------------------------ API

    def _crm_grant_points(self, partner, points, reason, source=None, program=None):
        """Grant `points` to `partner` (its commercial partner's card in `program`, created when
        missing) with a ledger line that carries `reason` and links `source` (any record: the
        complaint, ...). `program` defaults to the company's compensation programme (a setting).
        Returns the ledger line (a `loyalty.history` record). Raises UserError (translatable, says
        how to fix) when points <= 0, the reason is empty, or no programme is set/usable.

        For other addons: call it with sudo() after checking the caller's own rights (it
        is private, so not callable over RPC); without sudo the user must be a loyalty
        Manager. The points are a new earning lot (they expire as the programme says) of
        kind Compensation; they do not count towards the member's tier."""
        if not self.env.su and not self.env.user.has_group(MANAGER):
            raise AccessError(
                self.env._(
                    "Only a Loyalty Manager can grant points (CRM Suite > Loyalty in the "
                    "user's access rights)."
                )
            )
        partner.ensure_one()
        company = self.env.company
        program = program or company.crm_loyalty_compensation_program_id
        if not program:
            raise UserError(
                self.env._(
                    "No compensation programme is set for %(company)s: choose one in CRM > "
                    "Loyalty > Configuration > Settings, Compensation Programme.",
                    company=company.name,
                )
            )
        program.ensure_one()
        if not program.crm_enabled or not program.active:
            raise UserError(
                self.env._(
                    "Points cannot be granted in %(program)s: it does not run with the "
                    "points ledger, or is archived. Tick Tiers and Points Ledger on the "
                    "programme, or choose another compensation programme in the settings.",
                    program=program.name,
                )
            )
        if program.company_id and program.company_id != company:
            raise UserError(
                self.env._(
                    "%(program)s belongs to %(other)s, not to %(company)s: grant the points "
                    "from that company or choose a programme of this one.",
                    program=program.name,
                    other=program.company_id.name,
                    company=company.name,
                )
            )
        if isinstance(points, bool) or not isinstance(points, int | float) or points <= 0:
            raise UserError(
                self.env._(
                    "Points to grant must be a positive number (got %(points)s).",
                    points=points,
                )
            )
        if not isinstance(reason, str) or not reason.strip():
            raise UserError(
                self.env._("Say why the points are granted: the reason cannot be empty.")
            )
        if source is not None:
            source.ensure_one()
        customer = partner.commercial_partner_id
        card = self.search(
            [("partner_id", "=", customer.id), ("program_id", "=", program.id)], limit=1
        )
        if not card:
            card = self.create({"program_id": program.id, "partner_id": customer.id})
        line = self._crm_book(
            [
                {
                    "card": card,
                    "kind": "compensation",
                    "points": points,
                    "description": reason.strip(),
                    "reason": reason.strip(),
                    "source": source,
                }
            ]
        )
        return line
