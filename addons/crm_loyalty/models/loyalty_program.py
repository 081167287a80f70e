from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL, ormcache

from ..lib import ledger
from .server_flags import LEDGER_WRITING, raised

EARN_TIMINGS = [
    ("confirm", "On order confirmation"),
    ("invoice", "When the invoice is posted"),
    ("paid", "When the invoice is paid"),
]
# the fields that limit who a programme is for (see _crm_eligibility_in_use)
ELIGIBILITY_FIELDS = {
    "crm_segment_ids",
    "crm_value_tier_a",
    "crm_value_tier_b",
    "crm_value_tier_c",
    "crm_tier_filter_ids",
}
# opening lines created per ORM call when the ledger is turned on for a programme
OPENING_BATCH = 5_000
# the fields that the ormcached answers below read
CACHED_FIELDS = ELIGIBILITY_FIELDS | {"crm_enabled", "company_id", "active"}


class LoyaltyProgram(models.Model):
    _name = "loyalty.program"
    # the tiers and the liability of a programme read in mixins of their own; the buttons
    # stay here: a public method of a mixin could be called over RPC on the mixin itself
    _inherit = ["loyalty.program", "crm.loyalty.program.tiers", "crm.loyalty.program.liability"]

    crm_enabled = fields.Boolean(
        string="Tiers and Points Ledger",
        help="Run this loyalty programme with CRM Suite's ledger: every change of a card's "
        "points is a ledger line, points expire by earning lot, members climb tiers.",
    )
    crm_earn_timing = fields.Selection(
        EARN_TIMINGS,
        string="Points Earned",
        default="confirm",
        required=True,
        help="When an order's points reach the card. Credit notes and cancelled orders "
        "take back what the order earned and give back what it redeemed.",
    )
    crm_expiry_months = fields.Integer(
        string="Points Expire After (Months)",
        help="Points expire this many months after they were earned, lot by lot; the "
        "oldest points are spent first. Months of the company's calendar (Solar Hijri "
        "when the company uses it): 31 Shahrivar plus one month is 30 Mehr. 0: points "
        "never expire.",
    )
    crm_reminder_days = fields.Integer(
        string="Expiry Reminder (Days Before)",
        default=30,
        help="Members get an email this many days before points expire. 0: no reminder.",
    )
    crm_opening_expiry_date = fields.Date(
        string="Opening Points Expire On",
        help="When the ledger is turned on for a programme whose cards already hold points, "
        "each card's balance becomes one opening lot that expires on this day (empty: the "
        "expiry months above, counted from that day; never when points never expire).",
    )
    crm_whole_points = fields.Boolean(
        string="Whole Points Only",
        help="Points are earned, granted and adjusted in whole numbers only.",
    )
    crm_reminder_template_id = fields.Many2one(
        "mail.template",
        string="Expiry Reminder Email",
        domain="[('model', '=', 'loyalty.card')]",
        default=lambda self: self.env.ref(
            "crm_loyalty.mail_template_points_expiry", raise_if_not_found=False
        ),
    )
    # who the programme is for (any programme type): customers of these segments and value
    # tiers (crm_identification's labels), and members of these loyalty tiers
    crm_segment_ids = fields.Many2many(
        "crm.customer.segment",
        string="For Segments",
        check_company=True,
        help="Only customers in one of these segments (empty: everyone).",
    )
    crm_value_tier_a = fields.Boolean(string="Value Tier A")
    crm_value_tier_b = fields.Boolean(string="Value Tier B")
    crm_value_tier_c = fields.Boolean(string="Value Tier C")
    crm_tier_filter_ids = fields.Many2many(
        "crm.loyalty.tier",
        "loyalty_program_crm_tier_filter_rel",
        "program_id",
        "tier_id",
        string="For Loyalty Tiers",
        check_company=True,
        help="Only members in one of these tiers (empty: everyone): a tier discount is a "
        "promotion limited to a tier, which sale_loyalty applies on quotations.",
    )

    @api.constrains("crm_enabled", "program_type", "applies_on")
    def _check_crm_enabled(self):
        for program in self.filtered("crm_enabled"):
            if program.program_type != "loyalty" or not program.is_nominative:
                raise ValidationError(
                    self.env._(
                        "Only a loyalty card programme whose points are kept for future "
                        "orders can run with tiers and the points ledger (%(program)s): set "
                        "its type to Loyalty Cards and its points to Current & Future orders.",
                        program=program.name,
                    )
                )

    @api.constrains("crm_segment_ids", "crm_tier_filter_ids", "company_id")
    def _check_crm_company(self):
        # loyalty.program does not check its companies itself (_check_company_auto)
        self._check_company(["crm_segment_ids", "crm_tier_filter_ids"])

    @api.constrains(
        "crm_expiry_months",
        "crm_reminder_days",
        "crm_qualify_months",
        "crm_review_months",
        "crm_grace_months",
        "crm_point_value",
    )
    def _check_crm_numbers(self):
        for program in self:
            if (
                min(
                    program.crm_expiry_months,
                    program.crm_reminder_days,
                    program.crm_grace_months,
                    program.crm_point_value,
                )
                < 0
                or min(program.crm_qualify_months, program.crm_review_months) < 1
            ):
                raise ValidationError(
                    self.env._(
                        "The months and days of %(program)s cannot be negative, and the "
                        "qualifying window and the review interval are at least one month.",
                        program=program.name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        if any(CACHED_FIELDS.intersection(vals) for vals in vals_list):
            self.env.registry.clear_cache()
        programs = super().create(vals_list)
        valued = programs.filtered("crm_point_value")
        if valued:
            self.env["crm.loyalty.point.value"]._crm_record(
                valued, fields.Date.context_today(self)
            )
        return programs

    def write(self, vals):
        if CACHED_FIELDS.intersection(vals):
            self.env.registry.clear_cache()
        turned_on = self.browse()
        if vals.get("crm_enabled"):
            turned_on = self.filtered(lambda p: not p.crm_enabled)
        revalued = self.browse()
        if "crm_point_value" in vals:
            revalued = self.filtered(lambda p: p.crm_point_value != vals["crm_point_value"])
        res = super().write(vals)
        if turned_on:
            turned_on._crm_open_ledger()
        if revalued:
            # the history keeps the value of each day: postings and reports price at it
            self.env["crm.loyalty.point.value"]._crm_record(
                revalued, fields.Date.context_today(self)
            )
        return res

    def unlink(self):
        self.env.registry.clear_cache()
        return super().unlink()

    @api.model
    @ormcache("company_id")
    def _crm_ledger_in_use(self, company_id):
        """Whether a programme of company `company_id` (or of every company) runs with the
        points ledger, archived or not: orders and invoices of a company without one skip
        the order sync altogether."""
        return bool(
            self.sudo()
            .with_context(active_test=False)
            .search_count(
                [("crm_enabled", "=", True), ("company_id", "in", [company_id, False])],
                limit=1,
            )
        )

    @api.model
    @ormcache()
    def _crm_eligibility_in_use(self):
        """Whether any active programme is limited to segments, value tiers or loyalty
        tiers: when none is, orders skip the eligibility conditions altogether (an archived
        programme applies to no order)."""
        return bool(
            self.sudo()
            .with_context(active_test=True)
            .search_count(
                [
                    "|",
                    "|",
                    "|",
                    "|",
                    ("crm_segment_ids", "!=", False),
                    ("crm_value_tier_a", "=", True),
                    ("crm_value_tier_b", "=", True),
                    ("crm_value_tier_c", "=", True),
                    ("crm_tier_filter_ids", "!=", False),
                ],
                limit=1,
            )
        )

    def action_crm_open_members(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "crm_loyalty.loyalty_card_action_crm"
        )
        action["domain"] = [("program_id", "=", self.id)]
        return action

    def action_crm_open_points_report(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "crm_loyalty.crm_loyalty_ledger_report_action"
        )
        action["domain"] = [("program_id", "=", self.id)]
        return action

    def action_crm_open_migrations(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "crm_loyalty.crm_loyalty_tier_history_action"
        )
        action["domain"] = [("program_id", "=", self.id)]
        return action

    def action_crm_post_entries(self):
        """Post the points of this programme up to today (the daily job posts the days
        that are over): one journal entry per day."""
        self.ensure_one()
        self.env["crm.loyalty.accounting"]._crm_check_rights()
        self.env["crm.loyalty.accounting"]._crm_check_configuration(self)
        moves = self.env["crm.loyalty.accounting"]._crm_post(
            self, fields.Date.context_today(self), check_rights=True
        )
        action = self.env["ir.actions.act_window"]._for_xml_id("account.action_move_journal_line")
        action["domain"] = [("crm_loyalty_program_id", "=", self.id)]
        action["context"] = {"create": False}
        if not moves:
            return {
                "type": "ir.actions.client",
                "tag": "display_notification",
                "params": {
                    "message": self.env._("Nothing to post: every point is in the books."),
                    "type": "info",
                },
            }
        return action

    def action_crm_check_ledger(self):
        """Check that every card of the programme adds up to its ledger."""
        self.ensure_one()
        cards = self.env["loyalty.card"].search([("program_id", "=", self.id)])
        broken = cards._crm_check_ledger() if cards else []
        if broken:
            message = self.env._(
                "%(count)s cards do not add up to their ledger (first: card %(card)s, %(points)s "
                "points against %(total)s in its ledger).",
                count=len(broken),
                card=broken[0][0],
                points=broken[0][1],
                total=broken[0][2],
            )
            kind = "danger"
        else:
            message = self.env._("All %(count)s cards add up to their ledger.", count=len(cards))
            kind = "success"
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {"message": message, "type": kind, "sticky": bool(broken)},
        }

    def _crm_open_ledger(self):
        """Open the ledger of these programmes, just turned on: the points their cards
        already hold become the cards' first ledger lines, one opening lot each, dated
        today and expiring on the programme's Opening Points Expire On (default: its
        expiry months from today; never when points never expire).

        Steps: lock and read in one query every card of the programmes with points and no
        ledger line yet (loyalty_card, loyalty_history, res_partner for the member's
        language); create their Opening balance lines through the ORM in batches of
        OPENING_BATCH (loyalty_history), the whole balance of the card as one lot (a
        negative balance, a debt, opens no lot). Odoo's history of the card from before
        stays as it was, outside the ledger. Cards that already have ledger lines (a
        programme turned off and on again) are left as they are: the scheduled ledger
        check tells the managers of those that no longer add up. Returns the number of
        cards opened."""
        if not self:
            return 0
        self.env.flush_all()
        today = fields.Date.context_today(self)
        self.env.cr.execute(
            SQL(
                """
                SELECT c.id, c.program_id, c.points, rp.lang
                  FROM loyalty_card c
             LEFT JOIN res_partner rp ON rp.id = c.partner_id
                 WHERE c.program_id = ANY(%s) AND ABS(COALESCE(c.points, 0)) >= %s
                   AND NOT EXISTS (SELECT 1 FROM loyalty_history h
                                    WHERE h.card_id = c.id AND h.crm_kind IS NOT NULL)
                 ORDER BY c.id
                   FOR NO KEY UPDATE OF c
                """,
                self.ids,
                ledger.EPSILON,
            )
        )
        rows = self.env.cr.fetchall()
        if not rows:
            return 0
        expiry = {
            program.id: program.crm_opening_expiry_date or program._crm_expiry_date(today)
            for program in self
        }
        descriptions = {}
        for lang in {row[3] for row in rows}:
            member = self.with_context(lang=lang or self.env.lang).env
            descriptions[lang] = member._("Opening balance")
        reason = self.env._("Balance held when the points ledger was turned on")
        now = fields.Datetime.now()
        History = self.env["loyalty.history"].sudo()
        with raised(self.env, LEDGER_WRITING):
            for start in range(0, len(rows), OPENING_BATCH):
                History.create(
                    [
                        {
                            "card_id": card_id,
                            "crm_kind": "opening",
                            "description": descriptions[lang],
                            "crm_reason": reason,
                            "issued": max(points, 0.0),
                            "used": max(-points, 0.0),
                            "crm_balance": points,
                            "crm_date": now,
                            "crm_remaining": max(points, 0.0),
                            "crm_expiry_date": expiry[program_id] if points > 0 else False,
                        }
                        for card_id, program_id, points, lang in rows[
                            start : start + OPENING_BATCH
                        ]
                    ]
                )
                History.invalidate_model()
        return len(rows)

    def _crm_expiry_date(self, day):
        """The day points earned on `day` expire, or False when they never do."""
        self.ensure_one()
        if not self.crm_expiry_months:
            return False
        return self.company_id._crm_add_months(day, self.crm_expiry_months)

    def _crm_check_usable(self):
        """Raise when points cannot be booked on this programme's cards."""
        for program in self:
            if not program.crm_enabled or not program.active:
                raise ValidationError(
                    self.env._(
                        "%(program)s does not run with the points ledger, or is archived: "
                        "open it in CRM > Loyalty > Programmes and tick Tiers and Points "
                        "Ledger, or choose another programme.",
                        program=program.name,
                    )
                )
