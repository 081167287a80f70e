from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, create_index

# what a ledger line records; the first five move points in or out of a card through its
# earning lots, see loyalty.card._crm_book
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
]
# context keys: the ledger itself is writing (points, lines, lots) ...
CTX_BOOKING = "crm_loyalty_booking"
# ... or a sale_loyalty flow is running whose points changes the order sync books
CTX_ORDER_SYNC = "crm_loyalty_order_sync"
# the ledger's own bookkeeping of a line, written after it is created
BOOKKEEPING_FIELDS = {"crm_remaining", "crm_reminded"}


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

    crm_kind = fields.Selection(LEDGER_KINDS, string="Kind", readonly=True, index=True)
    crm_points = fields.Float(
        string="Points",
        compute="_compute_crm_points",
        store=True,
        help="Points in (positive) or out (negative): issued less used.",
    )
    crm_balance = fields.Float(string="Balance After", readonly=True)
    crm_date = fields.Datetime(
        string="Date", readonly=True, default=fields.Datetime.now, required=True
    )
    crm_user_id = fields.Many2one(
        "res.users", string="User", readonly=True, default=lambda self: self.env.user
    )
    crm_reason = fields.Char(string="Reason", readonly=True)
    crm_source_model = fields.Char(string="Document Model", readonly=True)
    crm_source_id = fields.Many2oneReference(
        string="Document ID", model_field="crm_source_model", readonly=True
    )
    crm_source_ref = fields.Reference(
        selection="_selection_crm_source_ref",
        string="Document",
        compute="_compute_crm_source_ref",
    )
    crm_lot_id = fields.Many2one(
        "loyalty.history",
        string="Lot",
        readonly=True,
        ondelete="set null",
        help="The earning lot this line took its points from (oldest first).",
    )
    crm_remaining = fields.Float(
        string="Unspent",
        readonly=True,
        help="For a line that brought points in: how many of them are neither spent nor "
        "expired yet.",
    )
    crm_expiry_date = fields.Date(string="Expires On", readonly=True)
    crm_reminded = fields.Boolean(string="Expiry Reminder Sent", readonly=True)
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
            where="crm_kind IS NOT NULL",
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
        if self.env.context.get(CTX_BOOKING):
            return super().create(vals_list)
        ledger_cards = self._crm_ledger_card_ids(vals.get("card_id") for vals in vals_list)
        if ledger_cards:
            if not self.env.context.get(CTX_ORDER_SYNC):
                raise UserError(
                    self.env._(
                        "The points ledger of a loyalty programme with tiers writes its own "
                        "lines: change the card's points with Adjust Points instead."
                    )
                )
            # sale_loyalty's history of an order: the order sync books these cards
            vals_list = [vals for vals in vals_list if vals.get("card_id") not in ledger_cards]
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.context.get(CTX_BOOKING) and set(vals) - BOOKKEEPING_FIELDS:
            if self._crm_ledger_lines():
                raise UserError(
                    self.env._(
                        "A line of the points ledger cannot be changed: book a correcting "
                        "adjustment on the card instead."
                    )
                )
        return super().write(vals)

    def unlink(self):
        if self.env.context.get(CTX_ORDER_SYNC) and not self.env.context.get(CTX_BOOKING):
            # sale_loyalty deletes a cancelled order's history: the ledger keeps its lines
            # and the order sync books the clawback
            return super(LoyaltyHistory, self - self._crm_ledger_lines()).unlink()
        return super().unlink()

    @api.ondelete(at_uninstall=False)
    def _unlink_except_ledger_line(self):
        if not self.env.context.get(CTX_BOOKING) and self._crm_ledger_lines():
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

    def _crm_source_display(self):
        """The document behind the line, as the member reads it."""
        self.ensure_one()
        if self.crm_source_ref:
            return self.crm_source_ref.sudo().display_name
        if self.order_model and self.order_id and self.order_model in self.env:
            return self.env[self.order_model].sudo().browse(self.order_id).display_name
        return ""

    @api.model
    def _crm_lock_cards(self, card_ids):
        """Lock the cards' rows until the transaction ends, failing at once when another
        transaction holds them (Odoo retries such a request): two users spending the same
        points cannot both see the balance before the other's spending."""
        self.env.cr.execute(
            SQL(
                "SELECT id FROM loyalty_card WHERE id = ANY(%s) ORDER BY id "
                "FOR NO KEY UPDATE NOWAIT",
                sorted(card_ids),
            )
        )
