from collections import defaultdict
from datetime import timedelta

from odoo import SUPERUSER_ID, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL, format_date

from ..lib import ledger
from .server_flags import LEDGER_WRITING, ORDER_SYNC, is_raised, raised

MANAGER = "crm_loyalty.group_crm_loyalty_manager"
# "expiring soon" on the card and the portal when the programme sends no reminder
SOON_DAYS = 30
# cards checked per run of the scheduled ledger check, and cards newly found off whose
# managers are told per run (the others are marked and told on the next runs)
LEDGER_CHECK_BATCH = 50_000
LEDGER_CHECK_NOTIFY = 50
LEDGER_CHECK_PARAM = "crm_loyalty.ledger_check_last_card"
# what the ledger alone writes on a card (LEDGER_WRITING, see server_flags); points go
# through a manual adjustment (a manager, a reason) when anything else writes them
TIER_FIELDS = {"crm_tier_id", "crm_tier_since", "crm_tier_qualified_on", "crm_qualifying"}
# a tier given by hand (crm.loyalty.tier.override) until its end date
MANUAL_TIER_FIELDS = {"crm_tier_manual_until", "crm_tier_manual_reason", "crm_tier_manual_note"}
MANUAL_TIER_REASONS = [
    ("status_match", "Status match"),
    ("staff", "Staff"),
    ("vip", "VIP"),
    ("other", "Other"),
]
LEDGER_CARD_FIELDS = TIER_FIELDS | MANUAL_TIER_FIELDS | {"crm_offer_id", "crm_ledger_off"}
# what write() looks at more closely
GUARDED_FIELDS = LEDGER_CARD_FIELDS | {"points", "program_id", "partner_id"}


class LoyaltyCard(models.Model):
    _inherit = "loyalty.card"

    # stored: members search their cards by it without reading the programme
    crm_enabled = fields.Boolean(
        related="program_id.crm_enabled", string="Ledger Programme", store=True
    )
    # members read their card's balance over RPC: it is formatted from the programme
    points_display = fields.Char(compute_sudo=True)
    crm_offer_id = fields.Many2one(
        "crm.loyalty.offer",
        string="Segment Offer",
        readonly=True,
        ondelete="set null",
        index="btree_not_null",
        check_company=True,
        help="The segment offer that created this card.",
        groups="base.group_user",
    )
    crm_tier_id = fields.Many2one(
        "crm.loyalty.tier",
        string="Tier",
        readonly=True,
        index="btree_not_null",
        check_company=True,
    )
    crm_tier_color = fields.Integer(related="crm_tier_id.color", string="Tier Color")
    crm_tier_since = fields.Date(string="In Tier Since", readonly=True)
    crm_tier_manual_until = fields.Date(
        string="Manual Tier Until",
        readonly=True,
        index="btree_not_null",
        help="The tier was given by hand until this day; the day after, the member returns "
        "to the tier their points give.",
    )
    crm_tier_manual_reason = fields.Selection(
        MANUAL_TIER_REASONS, string="Manual Tier Reason", readonly=True
    )
    crm_tier_manual_note = fields.Char(string="Manual Tier Note", readonly=True)
    crm_tier_qualified_on = fields.Date(
        string="Last Qualified",
        readonly=True,
        help="The last day the member's qualifying value reached their tier; the grace "
        "period before a downgrade counts from it.",
    )
    crm_qualifying = fields.Float(
        string="Qualifying Balance",
        readonly=True,
        help="What decides the tier, never spent: the points earned, the amount spent or "
        "the orders over the programme's qualifying window.",
    )
    # computed as the system: members read their card, not the programme's settings
    crm_qualifying_display = fields.Char(
        string="Qualifying", compute="_compute_crm_tier_progress", compute_sudo=True
    )
    crm_next_tier_id = fields.Many2one(
        "crm.loyalty.tier",
        string="Next Tier",
        compute="_compute_crm_tier_progress",
        compute_sudo=True,
    )
    crm_to_next_tier = fields.Float(
        string="To Next Tier", compute="_compute_crm_tier_progress", compute_sudo=True
    )
    crm_tier_progress = fields.Float(
        string="Progress to Next Tier", compute="_compute_crm_tier_progress", compute_sudo=True
    )
    crm_tier_history_ids = fields.One2many(
        "crm.loyalty.tier.history", "card_id", string="Tier History", readonly=True
    )

    crm_ledger_off = fields.Boolean(
        string="Ledger Does Not Add Up",
        readonly=True,
        groups="base.group_user",
        help="Set by the scheduled ledger check when the card's points differ from the sum "
        "of its ledger, or its open lots from its balance; cleared once they agree again.",
    )

    crm_expiring_points = fields.Float(
        string="Expiring Soon", compute="_compute_crm_expiring_points", compute_sudo=True
    )
    crm_expiring_date = fields.Date(
        string="Next Expiry", compute="_compute_crm_expiring_points", compute_sudo=True
    )

    @api.depends("crm_qualifying", "crm_tier_id", "program_id.crm_tier_ids.qualify_from")
    def _compute_crm_tier_progress(self):
        for card in self:
            program = card.program_id
            tiers = program.crm_tier_ids.sorted("qualify_from")
            above = tiers.filtered(
                lambda t, card=card: t.qualify_from > card.crm_qualifying + ledger.EPSILON
                and (not card.crm_tier_id or t.qualify_from > card.crm_tier_id.qualify_from)
            )[:1]
            card.crm_next_tier_id = above
            card.crm_qualifying_display = program._crm_format_qualifying(card.crm_qualifying)
            if above:
                base = card.crm_tier_id.qualify_from if card.crm_tier_id else 0.0
                span = above.qualify_from - base
                card.crm_to_next_tier = above.qualify_from - card.crm_qualifying
                card.crm_tier_progress = (
                    100.0 * max(0.0, card.crm_qualifying - base) / span if span > 0 else 0.0
                )
            else:
                card.crm_to_next_tier = 0.0
                card.crm_tier_progress = 100.0 if card.crm_tier_id else 0.0

    @api.depends_context("uid")
    def _compute_crm_expiring_points(self):
        self.crm_expiring_points = 0.0
        self.crm_expiring_date = False
        ledger_cards = self.filtered(lambda c: c.id and c.program_id.crm_enabled)
        if not ledger_cards:
            return
        today = fields.Date.context_today(self)
        horizon = today + timedelta(
            days=max(ledger_cards.program_id.mapped("crm_reminder_days") + [SOON_DAYS])
        )
        groups = (
            self.env["loyalty.history"]
            .sudo()
            ._read_group(
                [
                    ("card_id", "in", ledger_cards.ids),
                    ("crm_remaining", ">", 0),
                    ("crm_expiry_date", "!=", False),
                    ("crm_expiry_date", "<=", horizon),
                ],
                ["card_id"],
                ["crm_remaining:sum", "crm_expiry_date:min"],
            )
        )
        for card, remaining, first in groups:
            card = card.with_env(self.env)
            soon = today + timedelta(days=card.program_id.crm_reminder_days or SOON_DAYS)
            if first <= soon:
                card.crm_expiring_points = remaining
                card.crm_expiring_date = first

    @api.model_create_multi
    def create(self, vals_list):
        if is_raised(self.env, LEDGER_WRITING):
            return super().create(vals_list)
        if any(LEDGER_CARD_FIELDS.intersection(vals) for vals in vals_list):
            raise UserError(self._crm_ledger_fields_error())
        # a card of a ledger programme starts empty; the points it is created with are its
        # first ledger line
        opening = {}
        program_ids = {vals.get("program_id") for vals in vals_list if vals.get("points")}
        ledger_programs = set(
            self.env["loyalty.program"].sudo().browse(program_ids).filtered("crm_enabled").ids
        )
        for index, vals in enumerate(vals_list):
            if vals.get("points") and vals.get("program_id") in ledger_programs:
                opening[index] = vals["points"]
                vals_list[index] = dict(vals, points=0)
        cards = super().create(vals_list)
        if opening:
            reason = self.env.context.get("crm_loyalty_reason")
            cards._crm_check_manual_change(reason)
            for index, points in opening.items():
                self.env["crm.loyalty.limit"]._crm_check_within(
                    "adjust", points, cards[index].company_id or self.env.company
                )
            self.env["loyalty.history"]._crm_book(
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
        if is_raised(self.env, LEDGER_WRITING) or not GUARDED_FIELDS.intersection(vals):
            return super().write(vals)
        if LEDGER_CARD_FIELDS.intersection(vals):
            raise UserError(self._crm_ledger_fields_error())
        ledger_cards = self.filtered("program_id.crm_enabled")
        moved = self.filtered(lambda card: card.program_id.id != vals.get("program_id"))
        if (
            "program_id" in vals
            and moved
            and (
                moved.program_id.filtered("crm_enabled")
                or self.env["loyalty.program"].sudo().browse(vals["program_id"]).crm_enabled
            )
        ):
            raise UserError(
                self.env._(
                    "A card cannot move into or out of a loyalty programme with tiers and the "
                    "points ledger: its points would leave their ledger. Transfer the points "
                    "to a card of the other programme instead."
                )
            )
        if (
            "partner_id" in vals
            and not is_raised(self.env, ORDER_SYNC)
            and any(card.partner_id.id != vals["partner_id"] for card in ledger_cards)
        ):
            # the points go with the card: handing it to someone else is a manager's call
            # (sale_loyalty gives an anonymous card to the order's customer, in its flows)
            ledger_cards._crm_check_manager()
        if "points" not in vals or not ledger_cards:
            return super().write(vals)
        # anything but sale_loyalty's flows that sets the balance (another module, a script)
        # is a manual adjustment, with its reason; in those flows the order sync books what
        # the order changed instead
        manual = not is_raised(self.env, ORDER_SYNC)
        reason = self.env.context.get("crm_loyalty_reason")
        if manual:
            ledger_cards._crm_check_manual_change(reason)
            for card in ledger_cards:
                self.env["crm.loyalty.limit"]._crm_check_within(
                    "adjust", vals["points"] - card.points, card.company_id or self.env.company
                )
        rest = dict(vals)
        new_points = rest.pop("points")
        if self - ledger_cards:
            super(LoyaltyCard, self - ledger_cards).write(vals)
        if rest:
            super(LoyaltyCard, ledger_cards).write(rest)
        if manual:
            self.env["loyalty.history"]._crm_book(
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

    def _crm_ledger_fields_error(self):
        return self.env._(
            "The tier, qualifying balance and segment offer of a loyalty card are written by "
            "the points ledger only (they follow the member's orders and the tier reviews): "
            "leave them out of the change."
        )

    # ------------------------------------------------------------------ ledger

    def _crm_check_manager(self):
        """Raise unless the user is a loyalty Manager (or the system)."""
        if not self.env.su and not self.env.user.has_group(MANAGER):
            raise AccessError(
                self.env._(
                    "Only a Loyalty Manager can change the points or the holder of a card "
                    "(CRM Suite > Loyalty in the user's access rights)."
                )
            )

    def _crm_check_manual_change(self, reason):
        """A manual change of points needs a loyalty Manager (or the system) and a reason."""
        self._crm_check_manager()
        if self.env.su:
            return
        if not (reason or "").strip():
            raise UserError(
                self.env._(
                    "Say why the points change: a manual adjustment of a card needs a reason."
                )
            )

    def _crm_check_ledger(self):
        """The cards (all ledger cards when empty) whose points differ from the sum of their
        ledger lines, or whose open lots do not add up to their balance: a list of (card
        id, points, ledger sum, unspent in lots). Empty when the ledger is consistent.
        (Odoo's history of a card from before its programme ran with the ledger is not
        part of the ledger: the opening lot took the balance over.)"""
        self.env.flush_all()
        card_filter = SQL("AND c.id = ANY(%s)", self.ids) if self else SQL()
        line_filter = SQL("AND card_id = ANY(%s)", self.ids) if self else SQL()
        self.env.cr.execute(
            SQL(
                """
                SELECT c.id, c.points, COALESCE(h.total, 0), COALESCE(h.unspent, 0)
                  FROM loyalty_card c
                  JOIN loyalty_program p ON p.id = c.program_id AND p.crm_enabled
             LEFT JOIN (SELECT card_id, SUM(COALESCE(issued, 0) - COALESCE(used, 0)) AS total,
                               SUM(crm_remaining) FILTER (WHERE crm_remaining > 0) AS unspent
                          FROM loyalty_history
                         WHERE crm_kind IS NOT NULL %s
                         GROUP BY card_id) h ON h.card_id = c.id
                 WHERE TRUE %s
                   AND (ABS(COALESCE(c.points, 0) - COALESCE(h.total, 0)) > %s
                        OR ABS(GREATEST(COALESCE(c.points, 0), 0) - COALESCE(h.unspent, 0)) > %s)
                """,
                line_filter,
                card_filter,
                ledger.EPSILON,
                ledger.EPSILON,
            )
        )
        return self.env.cr.fetchall()

    @api.model
    def _cron_check_ledger(self, limit=LEDGER_CHECK_BATCH):
        """The scheduled ledger check: `limit` ledger cards per run, in the order of their
        ids from where the last run stopped (a system parameter), reporting progress so
        that the scheduler runs again at once until every card was checked, then starting
        over on the next day. Safe to run twice.

        Steps: read the next cards of ledger programmes (loyalty_card, loyalty_program);
        check them against their ledger (_crm_check_ledger: loyalty_history); mark the
        cards found off and clear those that add up again (loyalty_card.crm_ledger_off);
        tell the loyalty managers of the card's company of each card newly off, with a
        note in its chatter that notifies them (up to LEDGER_CHECK_NOTIFY cards per run,
        the others on a later pass); store where the run stopped (ir_config_parameter)."""
        Param = self.env["ir.config_parameter"].sudo()
        last = int(Param.get_param(LEDGER_CHECK_PARAM, 0) or 0)
        self.env.flush_all()
        ledger_cards = SQL(
            """SELECT c.id FROM loyalty_card c
                 JOIN loyalty_program p ON p.id = c.program_id AND p.crm_enabled
                WHERE c.id > %s""",
            last,
        )
        self.env.cr.execute(SQL("%s ORDER BY c.id LIMIT %s", ledger_cards, limit))
        cards = self.sudo().browse([row[0] for row in self.env.cr.fetchall()])
        off = cards.browse([row[0] for row in cards._crm_check_ledger()]) if cards else cards
        flagged = cards.filtered("crm_ledger_off")
        newly_off = off - flagged
        with raised(self.env, LEDGER_WRITING):
            (flagged - off).write({"crm_ledger_off": False})
            newly_off[:LEDGER_CHECK_NOTIFY].write({"crm_ledger_off": True})
        newly_off[:LEDGER_CHECK_NOTIFY]._crm_notify_ledger_off()
        if len(cards) < limit:
            Param.set_param(LEDGER_CHECK_PARAM, 0)
            left = 0
        else:
            Param.set_param(LEDGER_CHECK_PARAM, cards[-1].id)
            self.env.cr.execute(SQL("SELECT COUNT(*) FROM (%s) left_over", ledger_cards))
            left = max(self.env.cr.fetchone()[0] - len(cards), 0)
        self.env["ir.cron"]._notify_progress(done=len(cards), remaining=left)
        return off

    def _crm_notify_ledger_off(self):
        """A note on each of these cards that notifies the loyalty managers of its company:
        its points no longer add up to its ledger."""
        managers = (
            self.env.ref(MANAGER)
            .sudo()
            .users.filtered(lambda u: u.active and not u.share and u.id != SUPERUSER_ID)
        )
        for card in self:
            company = card.company_id or self.env.company
            partners = managers.filtered(lambda u, c=company: c in u.company_ids).partner_id
            balance = card.points_display
            card.message_post(
                body=self.env._(
                    "The points of this card (%(balance)s) no longer add up to its ledger: "
                    "open its Points Ledger, find the change that has no line and book a "
                    "correcting adjustment.",
                    balance=balance,
                ),
                partner_ids=partners.ids,
                subtype_xmlid="mail.mt_note",
            )

    def _crm_transfer(self, target, points, reason, source=None):
        """Move `points` from this card to `target` (same programme): out of this card's
        lots, oldest first, into new lots on the target that keep each lot's expiry date.
        Returns the ledger lines."""
        self.ensure_one()
        History = self.env["loyalty.history"].sudo()
        self.env.flush_all()
        balance = History._crm_lock_cards((self | target).ids)
        History._crm_check_outgoing(self, "transfer", points, balance[self.id])
        self.env.cr.execute(
            SQL(
                "SELECT id, crm_remaining, crm_expiry_date FROM loyalty_history"
                " WHERE card_id = %s AND crm_remaining > 0 ORDER BY crm_date, id",
                self.id,
            )
        )
        lots = self.env.cr.fetchall()
        expiry = {lot_id: day for lot_id, __, day in lots}
        takes, __ = ledger.allocate([(lot_id, rest) for lot_id, rest, __ in lots], points)
        # each member reads a neutral description in their own language: never the other
        # card (its code) nor the reason, which stay on the staff's side of the line
        moves = [
            {
                "card": self,
                "kind": "transfer",
                "points": -points,
                "description": self._crm_transfer_description(outgoing=True),
                "reason": reason,
                "source": source or target,
            }
        ]
        moves += [
            {
                "card": target,
                "kind": "transfer",
                "points": taken,
                "expiry_date": expiry[lot_id],
                "description": target._crm_transfer_description(outgoing=False),
                "reason": reason,
                "source": source or self,
            }
            for lot_id, taken in takes
        ]
        return self.env["loyalty.history"]._crm_book(moves)

    def _crm_transfer_description(self, outgoing):
        """What the holder of this card reads of a transfer, in their language."""
        self.ensure_one()
        member = self.with_context(lang=self.partner_id.lang or self.env.lang).env
        if outgoing:
            return member._("Points transferred to another card")
        return member._("Points received by transfer")

    def action_crm_adjust_points(self):
        self.ensure_one()
        return {
            "name": self.env._("Adjust Points"),
            "type": "ir.actions.act_window",
            "res_model": "crm.loyalty.adjust",
            "view_mode": "form",
            "target": "new",
            "context": {"default_card_id": self.id},
        }

    def action_crm_transfer_points(self):
        self.ensure_one()
        return {
            "name": self.env._("Transfer Points"),
            "type": "ir.actions.act_window",
            "res_model": "crm.loyalty.transfer",
            "view_mode": "form",
            "target": "new",
            "context": {"default_card_id": self.id},
        }

    def action_crm_open_ledger(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "crm_loyalty.loyalty_history_action_crm"
        )
        action["domain"] = [("card_id", "=", self.id)]
        action["context"] = {}
        return action

    # ------------------------------------------------------------------ tiers

    def _crm_refresh_tiers(self, today=None):
        """Bring these ledger cards' qualifying balance and tier up to date: upgrade the
        members who qualify for a higher tier (members move down only at the programme's
        review, `loyalty.program._crm_review_tiers`). Returns the changes as (card id, old
        tier id, new tier id, qualifying value, day last qualified)."""
        cards = self.filtered(lambda c: c.program_id.crm_enabled and c.program_id.crm_has_tiers)
        if not cards:
            return []
        today = today or fields.Date.context_today(self)
        values = {}
        for program, program_cards in cards.grouped("program_id").items():
            values.update(program._crm_qualifying_values(today, program_cards))
        changes = []
        writes = defaultdict(lambda: self.browse())
        for card in cards:
            vals, change = card._crm_tier_update(values.get(card.id, 0.0), today)
            changes += [change] if change else []
            if vals:
                writes[tuple(sorted(vals.items()))] |= card
        with raised(self.env, LEDGER_WRITING):
            for vals, group in writes.items():
                group.sudo().write(dict(vals))
        self.env["crm.loyalty.tier.history"]._crm_record(changes, today)
        return changes

    def _crm_tier_update(self, value, today):
        """What a qualifying `value` changes on this card: (values to write, the change of
        tier as (card id, old tier id, new tier id, value, day last qualified) or None). A
        higher tier is reached at once; a lower one never here, only at the programme's
        review once the grace period is over (`loyalty.program._crm_review_tiers`)."""
        self.ensure_one()
        old = self.crm_tier_id
        new = self._crm_reached_tier(value)
        vals = {}
        change = None
        if abs(value - self.crm_qualifying) > ledger.EPSILON:
            vals["crm_qualifying"] = value
        last = self.crm_tier_qualified_on or self.crm_tier_since
        if new and (not old or new.qualify_from > old.qualify_from):
            vals.update(crm_tier_id=new.id, crm_tier_since=today, crm_tier_qualified_on=today)
            change = (self.id, old.id, new.id, value, last)
        elif new == old and old:
            if self.crm_tier_qualified_on != today:
                vals["crm_tier_qualified_on"] = today
        return vals, change

    def _crm_reached_tier(self, value):
        self.ensure_one()
        tiers = self.program_id._crm_tiers()
        reached = ledger.reached_tier([(t.id, t.qualify_from) for t in tiers], value)
        return tiers.browse(reached) if reached else tiers.browse()

    def _crm_tier_message(self, old, new, value, last_qualified, offer=None):
        """The chatter message of a tier change (`offer`: the segment offer that enrolled
        the member)."""
        self.ensure_one()
        qualifying = self.program_id._crm_format_qualifying(value)
        months = self.program_id.crm_qualify_months
        if not old and offer:
            return self.env._(
                "Joined the %(tier)s tier with the offer %(offer)s.",
                tier=new.name,
                offer=offer.name,
            )
        if not old:
            return self.env._(
                "Joined the %(tier)s tier: %(value)s in the last %(months)s months.",
                tier=new.name,
                value=qualifying,
                months=months,
            )
        if new and new.qualify_from > old.qualify_from:
            return self.env._(
                "Upgraded from %(old)s to %(new)s: %(value)s in the last %(months)s months.",
                old=old.name,
                new=new.name,
                value=qualifying,
                months=months,
            )
        return self.env._(
            "Moved down from %(old)s to %(new)s at the tier review: %(value)s in the last "
            "%(months)s months, below %(old)s since %(date)s and the grace period is over.",
            old=old.name,
            new=new.name or self.env._("no tier"),
            value=qualifying,
            months=months,
            date=format_date(self.env, last_qualified),
        )

    # ------------------------------------------------------------------ portal

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

    # ------------------------------------------------------------------ API

    def _crm_grant_points(self, partner, points, reason, source=None, program=None, approval=None):
        """Grant `points` to `partner` (its commercial partner's card in `program`, created when
        missing) with a ledger line that carries `reason` and links `source` (any record: the
        complaint, ...). `program` defaults to the company's compensation programme (a setting).
        Returns the ledger line (a `loyalty.history` record). Raises UserError (translatable, says
        how to fix) when points <= 0, the reason is empty, or no programme is set/usable.

        For other addons: call it with sudo() after checking the caller's own rights (it
        is private, so not callable over RPC); without sudo the user must be a loyalty
        Manager. `approval`: the approval (crm.loyalty.approval) the grant went through,
        kept on the ledger line. The points are a new earning lot (they expire as the
        programme says) of kind Compensation; they do not count towards the member's tier."""
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
        line = self.env["loyalty.history"]._crm_book(
            [
                {
                    "card": card,
                    "kind": "compensation",
                    "points": points,
                    # what the member reads on the portal; the reason is the staff's
                    "description": self.with_context(lang=customer.lang or self.env.lang).env._(
                        "Points granted as compensation"
                    ),
                    "reason": reason.strip(),
                    "source": source,
                    "approval": approval,
                }
            ]
        )
        # _crm_book hands the line back in this (the caller's) environment
        return line
