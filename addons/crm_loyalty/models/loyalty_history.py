import logging
from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, create_index, format_date

from ..lib import ledger
from .server_flags import LEDGER_WRITING, ORDER_SYNC, is_raised, raised

_logger = logging.getLogger(__name__)

# what a ledger line records; the first five move points in or out of a card through its
# earning lots, see _crm_book
LEDGER_KINDS = [
    ("earn", "Earned"),
    ("redeem", "Redeemed"),
    ("adjust", "Adjustment"),
    ("expire", "Expired"),
    ("clawback", "Clawed back"),
    ("giveback", "Given back"),
    ("transfer", "Transfer"),
    ("compensation", "Compensation"),
    ("offer", "Offer"),
    ("opening", "Opening balance"),
]
# what only the ledger writes on a line (LEDGER_WRITING, see server_flags): the crm_ fields
# make a line a ledger line whatever its card, the others are what a ledger line says
LEDGER_ONLY_FIELDS = {
    "crm_kind",
    "crm_points",
    "crm_balance",
    "crm_date",
    "crm_reason",
    "crm_source_model",
    "crm_source_id",
    "crm_lot_id",
    "crm_remaining",
    "crm_expiry_date",
    "crm_reminded",
    "crm_offer_id",
    "crm_move_id",
    "crm_approval_id",
}
LEDGER_LINE_FIELDS = LEDGER_ONLY_FIELDS | {
    "card_id",
    "issued",
    "used",
    "description",
    "order_id",
    "order_model",
}
# moves that may take a card below zero: the points an order earned are taken back even
# when they were spent already (the next points earned pay the debt first)
DEBT_KINDS = {"clawback"}
# moves that spend points: only from an active card that has not expired
SPEND_KINDS = {"redeem", "transfer"}
# cards expired per cron run (each run is one set-based statement; the scheduler runs
# again at once while cards are left)
EXPIRY_BATCH = 100_000
# reminders rendered per cron run
REMINDER_BATCH = 500


class LoyaltyHistory(models.Model):
    """Odoo's loyalty history, extended into the points ledger of the programmes that run
    with CRM Suite (loyalty.program.crm_enabled): every change of such a card's points is
    one line, with its kind, signed points, the balance after it, the earning lot it took
    points from, the user and the reason, and the document behind it. Lines that bring
    points in are lots: they keep the points still unspent (crm_remaining) until they
    expire (crm_expiry_date). A card's points always equal the sum of its lines
    (loyalty.card._crm_check_ledger). Lines of other programmes are Odoo's own history,
    untouched."""

    _inherit = "loyalty.history"
    _order = "id desc"

    # the ledger reads a card's lines (Odoo does not index them)
    card_id = fields.Many2one(index=True)
    crm_kind = fields.Selection(LEDGER_KINDS, string="Kind", readonly=True)
    crm_points = fields.Float(
        string="Points",
        compute="_compute_crm_points",
        store=True,
        # computed before the line is inserted: no second statement per line
        precompute=True,
        help="Points in (positive) or out (negative): issued less used.",
    )
    crm_balance = fields.Float(string="Balance After", readonly=True)
    crm_date = fields.Datetime(
        string="Date", readonly=True, default=fields.Datetime.now, required=True
    )
    # the staff's side of a line (why, which document, which lot, which offer): members read
    # their lines over RPC, so these are for internal users only; the portal shows a
    # member the documents they may open themselves (_crm_member_document)
    crm_reason = fields.Char(string="Reason", readonly=True, groups="base.group_user")
    crm_source_model = fields.Char(
        string="Document Model", readonly=True, groups="base.group_user"
    )
    crm_source_id = fields.Many2oneReference(
        string="Document ID",
        model_field="crm_source_model",
        readonly=True,
        groups="base.group_user",
    )
    crm_source_ref = fields.Reference(
        selection="_selection_crm_source_ref",
        string="Document",
        compute="_compute_crm_source_ref",
        groups="base.group_user",
    )
    crm_lot_id = fields.Many2one(
        "loyalty.history",
        string="Lot",
        readonly=True,
        groups="base.group_user",
        ondelete="set null",
        # deleting a line (a card's, by cascade) looks up the lines taken from it
        index="btree_not_null",
        help="The earning lot this line took its points from (oldest first).",
    )
    crm_remaining = fields.Float(
        string="Unspent",
        readonly=True,
        help="For a line that brought points in: how many of them are neither spent nor "
        "expired yet.",
    )
    crm_expiry_date = fields.Date(string="Expires On", readonly=True)
    crm_reminded = fields.Boolean(
        string="Expiry Reminder Sent", readonly=True, groups="base.group_user"
    )
    crm_offer_id = fields.Many2one(
        "crm.loyalty.offer",
        string="Segment Offer",
        readonly=True,
        groups="base.group_user",
        ondelete="set null",
        index="btree_not_null",
    )
    # the books: the day's journal entry the line is posted in (crm.loyalty.accounting)
    crm_move_id = fields.Many2one(
        "account.move",
        string="Journal Entry",
        readonly=True,
        copy=False,
        groups="base.group_user",
        ondelete="set null",
        index="btree_not_null",
    )
    # the approval of a change above its author's limit (crm.loyalty.approval)
    crm_approval_id = fields.Many2one(
        "crm.loyalty.approval",
        string="Approval",
        readonly=True,
        copy=False,
        groups="base.group_user",
        ondelete="restrict",
        index="btree_not_null",
    )
    crm_requested_by_id = fields.Many2one(
        related="crm_approval_id.requester_id", string="Requested By", groups="base.group_user"
    )
    crm_approved_by_id = fields.Many2one(
        related="crm_approval_id.decided_by_id", string="Approved By", groups="base.group_user"
    )
    crm_approved_on = fields.Datetime(
        related="crm_approval_id.decided_on", string="Approved On", groups="base.group_user"
    )
    crm_partner_id = fields.Many2one(related="card_id.partner_id", string="Member")
    crm_program_id = fields.Many2one(related="card_id.program_id", string="Programme")

    def init(self):
        # the open earning lots of a card, oldest first (spending, expiry, the invariant)
        create_index(
            self.env.cr,
            "loyalty_history_crm_open_lot_index",
            self._table,
            ["card_id", "crm_date", "id"],
            where="crm_remaining > 0",
        )
        # lots due to expire, for the expiry cron and the reminders
        create_index(
            self.env.cr,
            "loyalty_history_crm_expiry_index",
            self._table,
            ["crm_expiry_date"],
            where="crm_remaining > 0",
        )
        # what an order (or any document) has booked on a card: the order sync
        create_index(
            self.env.cr,
            "loyalty_history_crm_order_index",
            self._table,
            ["order_id", "card_id"],
            where="crm_kind IS NOT NULL AND order_id IS NOT NULL",
        )
        # the lines not in the books yet, for the daily posting (crm.loyalty.accounting)
        create_index(
            self.env.cr,
            "loyalty_history_crm_unposted_index",
            self._table,
            ["crm_date"],
            where="crm_kind IS NOT NULL AND crm_move_id IS NULL",
        )
        return super().init()

    @api.depends("issued", "used")
    def _compute_crm_points(self):
        for line in self:
            line.crm_points = line.issued - line.used

    @api.model
    def _selection_crm_source_ref(self):
        return [(model.model, model.name) for model in self.env["ir.model"].sudo().search([])]

    @api.depends("crm_source_model", "crm_source_id")
    def _compute_crm_source_ref(self):
        for line in self:
            if line.crm_source_model in self.env and line.crm_source_id:
                line.crm_source_ref = f"{line.crm_source_model},{line.crm_source_id}"
            else:
                line.crm_source_ref = False

    @api.model_create_multi
    def create(self, vals_list):
        if is_raised(self.env, LEDGER_WRITING):
            return super().create(vals_list)
        ledger_cards = self._crm_ledger_card_ids(vals.get("card_id") for vals in vals_list)
        if ledger_cards and is_raised(self.env, ORDER_SYNC):
            # sale_loyalty's history of an order: the order sync books these cards
            vals_list = [vals for vals in vals_list if vals.get("card_id") not in ledger_cards]
            ledger_cards = set()
        if ledger_cards or any(LEDGER_ONLY_FIELDS.intersection(vals) for vals in vals_list):
            raise UserError(
                self.env._(
                    "The points ledger of a loyalty programme with tiers writes its own "
                    "lines: change the card's points with Adjust Points instead."
                )
            )
        return super().create(vals_list)

    def write(self, vals):
        if not is_raised(self.env, LEDGER_WRITING) and (
            LEDGER_ONLY_FIELDS.intersection(vals)
            or (LEDGER_LINE_FIELDS.intersection(vals) and self._crm_ledger_lines())
        ):
            raise UserError(
                self.env._(
                    "A line of the points ledger cannot be changed: book a correcting "
                    "adjustment on the card instead."
                )
            )
        return super().write(vals)

    def unlink(self):
        if is_raised(self.env, ORDER_SYNC):
            # sale_loyalty deletes a cancelled order's history: the ledger keeps its lines
            # and the order sync books the clawback
            return super(LoyaltyHistory, self - self._crm_ledger_lines()).unlink()
        return super().unlink()

    @api.ondelete(at_uninstall=False)
    def _unlink_except_ledger_line(self):
        if self._crm_ledger_lines():
            raise UserError(
                self.env._(
                    "A line of the points ledger cannot be deleted: book a correcting "
                    "adjustment on the card instead."
                )
            )

    def _crm_ledger_lines(self):
        return self.filtered(lambda line: line.crm_kind or line.card_id.program_id.crm_enabled)

    @api.model
    def _crm_ledger_card_ids(self, card_ids):
        card_ids = {card_id for card_id in card_ids if card_id}
        if not card_ids:
            return set()
        cards = self.env["loyalty.card"].sudo().browse(card_ids)
        return set(cards.filtered(lambda c: c.program_id.crm_enabled).ids)

    def _crm_member_document(self):
        """The document behind the line as the reader (a member on the portal) sees it:
        (name, portal url or False) when they may open it themselves - their order, their
        invoice, their complaint - else ("", False): never another member's card of a
        transfer, nor a segment offer."""
        self.ensure_one()
        line = self.sudo()
        source = line.crm_source_ref
        if not source and line.order_model in self.env and line.order_id:
            source = self.env[line.order_model].sudo().browse(line.order_id)
        if not source or not source.exists() or not source.with_env(self.env).has_access("read"):
            return "", False
        url = source.get_portal_url() if hasattr(source, "get_portal_url") else False
        return source.display_name, url

    @api.model
    def _crm_lock_cards(self, card_ids):
        """Lock the cards' rows until the transaction ends and return their points,
        {card id: points}, failing at once when another transaction holds them (Odoo
        retries such a request): two users spending the same points cannot both see the
        balance before the other's spending. (Under Odoo's repeatable-read transactions, a
        card changed by a transaction that committed after this one started cannot be
        locked either: the retry sees the change.)"""
        self.env.cr.execute(
            SQL(
                "SELECT id, COALESCE(points, 0) FROM loyalty_card WHERE id = ANY(%s) ORDER BY id "
                "FOR NO KEY UPDATE NOWAIT",
                sorted(card_ids),
            )
        )
        return dict(self.env.cr.fetchall())

    # ------------------------------------------------------------------ booking

    @api.model
    def _crm_book(self, moves):
        """Book `moves` on ledger cards and return the ledger lines written.

        Each move is a dict: card, kind (see LEDGER_KINDS), points (signed), description,
        and optionally reason, source (the document behind it), order (the sale order,
        kept in Odoo's order fields), offer (the segment offer behind it), lots (earning
        lots to take points from first), expiry_date (of points coming in; default: the
        programme's), date.

        The lines and cards are written while LEDGER_WRITING is raised (see server_flags):
        the only way past the guards of loyalty.history and loyalty.card. The lines are
        returned in the caller's environment.

        Steps: lock the cards' rows (loyalty_card; a concurrent transaction fails at once
        and is retried); read their balances and open lots (loyalty_history); write the
        lines bringing points in, each a new lot (a negative balance is paid off first);
        then the lines taking points out, one per lot taken from, oldest lot first
        (checking the balance, and that a card spent from is active and valid); update the
        lots' unspent points (loyalty_history) and the cards' points (loyalty_card)."""
        moves = [dict(move, points=ledger.round_points(move["points"])) for move in moves]
        moves = [move for move in moves if not ledger.is_zero(move["points"])]
        if not moves:
            return self.browse()
        with raised(self.env, LEDGER_WRITING):
            lines = self._crm_book_moves(moves)
        # the caller gets the lines in its own environment, never the ledger's superuser one
        return lines.with_env(self.env)

    @api.model
    def _crm_book_moves(self, moves):
        """_crm_book's steps, run while the ledger writes (LEDGER_WRITING)."""
        History = self.env["loyalty.history"].sudo()
        cards = self.env["loyalty.card"].sudo().browse({move["card"].id for move in moves})
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
        today = fields.Date.context_today(self)
        balance, lots, qualifying = self._crm_lock_and_read(cards, moves, today)
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
                "crm_source_model": source._name if source else False,
                "crm_source_id": source.id if source else False,
                "order_model": order._name if order else False,
                "order_id": order.id if order else False,
                "crm_offer_id": move["offer"].id if move.get("offer") else False,
                "crm_approval_id": move["approval"].id if move.get("approval") else False,
            }

        # points in: one lot each; a lot not written yet is known by its place in incoming
        incoming = []
        for move in moves:
            if move["points"] <= 0:
                continue
            card, points = move["card"], move["points"]
            opening = ledger.lot_opening(balance[card.id], points)
            balance[card.id] = ledger.round_points(balance[card.id] + points)
            day = fields.Datetime.to_datetime(move.get("date") or now).date()
            expiry = move.get("expiry_date", card.program_id._crm_expiry_date(day))
            incoming.append(
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
            if opening > 0:
                lots[card.id].append([("new", len(incoming) - 1), opening])

        # points out: from the lots, the given ones first, then the oldest
        outgoing = []
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
            for lot_key, points in takes:
                remaining[lot_key][1] = ledger.round_points(remaining[lot_key][1] - points)
                if isinstance(lot_key, tuple):
                    incoming[lot_key[1]]["crm_remaining"] = remaining[lot_key][1]
                else:
                    taken[lot_key] = remaining[lot_key][1]
            lots[card.id] = [lot for lot in card_lots if lot[1] > ledger.EPSILON]
            if shortfall:
                takes.append((False, shortfall))
            for lot_key, points in takes:
                balance[card.id] = ledger.round_points(balance[card.id] - points)
                outgoing.append(
                    {
                        **base(move),
                        # a clawback takes back what the order issued
                        **(
                            {"issued": -points, "used": 0.0}
                            if move["kind"] == "clawback"
                            else {"issued": 0.0, "used": points}
                        ),
                        "crm_balance": balance[card.id],
                        "crm_lot_id": lot_key,
                    }
                )
        if any(isinstance(vals["crm_lot_id"], tuple) for vals in outgoing):
            # points taken from a lot of this same booking: the lot is written first
            lines = History.create(incoming)
            for vals in outgoing:
                if isinstance(vals["crm_lot_id"], tuple):
                    vals["crm_lot_id"] = lines[vals["crm_lot_id"][1]].id
            lines |= History.create(outgoing)
        else:
            lines = History.create(incoming + outgoing)
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

        # the cards: their balance and, for tiers that follow the points earned, the
        # qualifying balance and the tier, in one write each
        changes = []
        for move in moves:
            if move["card"].id in qualifying and move["kind"] in ("earn", "clawback"):
                qualifying[move["card"].id] += move["points"]
        for card in cards:
            vals = {"points": balance[card.id]}
            if card.id in qualifying:
                tier_vals, change = card._crm_tier_update(
                    ledger.round_points(max(qualifying[card.id], 0.0)), today
                )
                vals.update(tier_vals)
                changes += [change] if change else []
            # the ledger line is the record of the change: no tracking message besides it
            card.with_context(tracking_disable=True).write(vals)
        self.env["crm.loyalty.tier.history"]._crm_record(changes, today)
        return lines

    @api.model
    def _crm_lock_and_read(self, cards, moves, today):
        """Lock `cards` (see _crm_lock_cards) and read their balances {card id: points},
        their open lots {card id: [[lot id, unspent], ...]} oldest first, and the qualifying
        points before this booking of the cards whose tier follows the points earned and
        that earn or lose points in it {card id: points}: two queries."""
        windows = {}
        for move in moves:
            program = move["card"].program_id
            if (
                move["kind"] in ("earn", "clawback")
                and program.crm_qualify_on == "points"
                and program.crm_has_tiers
            ):
                windows[move["card"].id] = program._crm_qualifying_since(today)
        balance = self._crm_lock_cards(cards.ids)
        # one plain read of the open lots and of the lines that qualify (simple statements
        # plan in a fraction of the time of a union)
        since = min(windows.values()) if windows else None
        self.env.cr.execute(
            SQL(
                """
                SELECT card_id, id, crm_date, crm_remaining, crm_kind, issued
                  FROM loyalty_history
                 WHERE card_id = ANY(%s)
                   AND (crm_remaining > 0 OR (%s AND crm_kind IN ('earn', 'clawback')
                                              AND crm_date >= %s))
                 ORDER BY crm_date, id
                """,
                cards.ids,
                bool(windows),
                since,
            )
        )
        lots = defaultdict(list)
        qualifying = dict.fromkeys(windows, 0.0)
        for card_id, lot_id, day, remaining, kind, issued in self.env.cr.fetchall():
            if remaining and remaining > 0:
                lots[card_id].append([lot_id, remaining])
            if (
                card_id in windows
                and kind in ("earn", "clawback")
                and day.date() >= windows[card_id]
            ):
                qualifying[card_id] += issued or 0.0
        return balance, lots, qualifying

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

    # ------------------------------------------------------------------ expiry

    @api.model
    def _crm_expire_points(self, today=None, limit=EXPIRY_BATCH):
        """Expire the lots of up to `limit` cards whose points are past their expiry date,
        in one statement. Returns (cards expired, cards left).

        Steps: pick the cards holding lots that expired before `today` (loyalty_history
        through its partial index on crm_expiry_date, ledger programmes only); lock them,
        skipping the ones another transaction is booking on right now (the next run takes
        them); write one Expired line per lot with the balance after it (the card's points
        less the lots expired before it, oldest first) and close the lots
        (loyalty_history); take the points off the cards (loyalty_card). Safe to run twice:
        a closed lot is never expired again."""
        today = today or fields.Date.context_today(self)
        now = fields.Datetime.now()
        self.env.flush_all()
        due = SQL(
            """
            SELECT DISTINCT h.card_id
              FROM loyalty_history h
              JOIN loyalty_card c ON c.id = h.card_id
              JOIN loyalty_program p ON p.id = c.program_id AND p.crm_enabled
             WHERE h.crm_remaining > 0 AND h.crm_expiry_date < %s
            """,
            today,
        )
        self.env.cr.execute(
            SQL(
                """
                WITH due AS (%(due)s ORDER BY 1 LIMIT %(limit)s),
                locked AS (
                    SELECT c.id, COALESCE(c.points, 0) AS points
                      FROM loyalty_card c
                      JOIN due ON due.card_id = c.id
                       FOR NO KEY UPDATE OF c SKIP LOCKED
                ), lots AS (
                    SELECT h.id, h.card_id, h.crm_remaining,
                           l.points - SUM(h.crm_remaining) OVER (
                               PARTITION BY h.card_id ORDER BY h.crm_date, h.id
                           ) AS balance
                      FROM loyalty_history h
                      JOIN locked l ON l.id = h.card_id
                     WHERE h.crm_remaining > 0 AND h.crm_expiry_date < %(today)s
                ), expired AS (
                    INSERT INTO loyalty_history (
                        card_id, description, issued, used, crm_points, crm_kind,
                        crm_balance, crm_date, crm_lot_id, crm_remaining,
                        crm_reminded, create_uid, create_date, write_uid, write_date)
                    SELECT card_id, %(description)s, 0, crm_remaining, -crm_remaining, 'expire',
                           ROUND(balance::numeric, 2)::float8, %(now)s, id, 0,
                           FALSE, %(uid)s, %(now)s, %(uid)s, %(now)s
                      FROM lots
                 RETURNING card_id, used
                ), closed AS (
                    UPDATE loyalty_history h SET crm_remaining = 0
                      FROM lots WHERE h.id = lots.id
                )
                UPDATE loyalty_card c
                   SET points = ROUND((c.points - e.total)::numeric, 2)::float8,
                       write_uid = %(uid)s, write_date = %(now)s
                  FROM (SELECT card_id, SUM(used) AS total FROM expired GROUP BY card_id) e
                 WHERE c.id = e.card_id
                """,
                due=due,
                limit=limit,
                today=today,
                description=self.env._("Points expired"),
                now=now,
                uid=self.env.uid,
            )
        )
        done = self.env.cr.rowcount
        self.env["loyalty.card"].invalidate_model(["points"])
        self.invalidate_model()
        self.env.cr.execute(SQL("SELECT COUNT(*) FROM (%s) due", due))
        left = self.env.cr.fetchone()[0]
        return done, left

    @api.model
    def _cron_expire_points(self):
        done, left = self._crm_expire_points()
        if done:
            _logger.info("Loyalty: expired the points of %s cards, %s left", done, left)
        self.env["ir.cron"]._notify_progress(done=done, remaining=left)

    @api.model
    def _cron_send_expiry_reminders(self, limit=REMINDER_BATCH):
        """Email the members whose points expire within their programme's reminder days,
        once per lot: up to `limit` cards per run, reporting progress.

        Steps: find the unreminded open lots expiring between today and the reminder
        horizon on active cards of members with an email (loyalty_history, loyalty_card,
        loyalty_program, res_partner); render the programme's reminder template for each
        card (mail_mail); mark the lots reminded (loyalty_history)."""
        today = fields.Date.context_today(self)
        self.env.flush_all()
        query = SQL(
            """
            SELECT c.id, p.crm_reminder_template_id, array_agg(h.id)
              FROM loyalty_history h
              JOIN loyalty_card c ON c.id = h.card_id AND c.active
              JOIN loyalty_program p ON p.id = c.program_id AND p.crm_enabled AND p.active
              JOIN res_partner rp ON rp.id = c.partner_id AND rp.email IS NOT NULL
             WHERE h.crm_remaining > 0 AND NOT COALESCE(h.crm_reminded, FALSE)
               AND h.crm_expiry_date >= %(today)s
               AND p.crm_reminder_days > 0 AND p.crm_reminder_template_id IS NOT NULL
               AND h.crm_expiry_date <= %(today)s + p.crm_reminder_days
             GROUP BY c.id, p.crm_reminder_template_id
            """,
            today=today,
        )
        self.env.cr.execute(SQL("%s ORDER BY c.id LIMIT %s", query, limit))
        rows = self.env.cr.fetchall()
        by_template = {}
        lot_ids = []
        for card_id, template_id, lots in rows:
            by_template.setdefault(template_id, []).append(card_id)
            lot_ids += lots
        for template_id, card_ids in by_template.items():
            self.env["mail.template"].browse(template_id).send_mail_batch(
                card_ids, email_layout_xmlid="mail.mail_notification_light"
            )
        if lot_ids:
            self.env.cr.execute(
                SQL("UPDATE loyalty_history SET crm_reminded = TRUE WHERE id = ANY(%s)", lot_ids)
            )
            self.invalidate_model(["crm_reminded"])
        self.env.cr.execute(SQL("SELECT COUNT(*) FROM (%s) left_over", query))
        left = self.env.cr.fetchone()[0]
        self.env["ir.cron"]._notify_progress(done=len(rows), remaining=left)
        return len(rows)
