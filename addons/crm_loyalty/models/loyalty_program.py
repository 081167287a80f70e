from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL, formatLang, ormcache

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
QUALIFY_ON = [
    ("points", "Points earned"),
    ("amount", "Amount spent"),
    ("orders", "Number of orders"),
]


class LoyaltyProgram(models.Model):
    _inherit = "loyalty.program"

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
    crm_point_value = fields.Monetary(
        string="Value of a Point",
        currency_field="currency_id",
        help="What one point costs the company when it is redeemed: the outstanding "
        "points liability is the points not yet spent times this value.",
    )
    crm_qualify_on = fields.Selection(
        QUALIFY_ON,
        string="Tiers Qualify On",
        default="points",
        required=True,
        help="What decides a member's tier (never spent): the points earned, the amount "
        "spent (untaxed, less credit notes) or the number of confirmed orders over the "
        "qualifying window.",
    )
    crm_qualify_months = fields.Integer(
        string="Qualifying Window (Months)",
        default=12,
        help="Only what the member earned or spent in this many past months counts.",
    )
    crm_review_months = fields.Integer(
        string="Tier Review Every (Months)",
        default=1,
        help="Members who no longer qualify for their tier move down only at a review. "
        "Reviews fall on the first day of a month of the company's calendar, counted from "
        "the start of the year: every 12 months is each 1 January (1 Farvardin for a "
        "company on the Solar Hijri calendar), every 3 months each quarter's first day.",
    )
    crm_grace_months = fields.Integer(
        string="Grace Period (Months)",
        default=3,
        help="A member keeps their tier this many months after they last qualified for "
        "it, even when a review finds them below it.",
    )
    crm_next_review = fields.Date(
        string="Next Tier Review",
        help="The day of the next periodic tier review; set when tiers are added.",
    )
    crm_tier_ids = fields.One2many("crm.loyalty.tier", "program_id", string="Tiers")
    # stored: a booking knows whether tiers follow the points without reading the tiers
    crm_has_tiers = fields.Boolean(
        string="Has Tiers", compute="_compute_crm_has_tiers", store=True
    )
    crm_tier_template_id = fields.Many2one(
        "mail.template",
        string="Tier Change Email",
        domain="[('model', '=', 'loyalty.card')]",
        help="Sent to the member when their tier changes (a chatter message is always " "posted).",
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

    # the manager's dashboard (CRM > Loyalty > Dashboard)
    crm_member_count = fields.Integer(string="Members", compute="_compute_crm_dashboard")
    crm_outstanding_points = fields.Float(
        string="Outstanding Points", compute="_compute_crm_dashboard"
    )
    crm_liability = fields.Monetary(
        string="Outstanding Liability",
        compute="_compute_crm_dashboard",
        currency_field="currency_id",
        help="Points not yet spent nor expired times the value of a point.",
    )
    crm_expiring_points = fields.Float(
        string="Expiring in 30 Days", compute="_compute_crm_dashboard"
    )
    crm_earned_year = fields.Float(string="Earned (12 Months)", compute="_compute_crm_dashboard")
    crm_redeemed_year = fields.Float(
        string="Redeemed (12 Months)", compute="_compute_crm_dashboard"
    )
    crm_expired_year = fields.Float(string="Expired (12 Months)", compute="_compute_crm_dashboard")
    crm_redemption_rate = fields.Float(
        string="Redemption Rate (%)",
        compute="_compute_crm_dashboard",
        help="Points redeemed over points earned and granted in the last twelve months.",
    )
    crm_breakage_rate = fields.Float(
        string="Breakage Rate (%)",
        compute="_compute_crm_dashboard",
        help="Points expired over points earned and granted in the last twelve months.",
    )
    crm_tier_summary = fields.Json(string="Members per Tier", compute="_compute_crm_dashboard")

    # the books (crm.loyalty.accounting posts the points day by day)
    crm_point_value_ids = fields.One2many(
        "crm.loyalty.point.value", "program_id", string="Point Value History"
    )
    crm_journal_id = fields.Many2one(
        "account.journal",
        string="Points Journal",
        check_company=True,
        domain="[('type', '=', 'general')]",
        help="The miscellaneous journal of the daily entries of the points issued, redeemed "
        "and expired. Empty: the points are not posted.",
    )
    crm_liability_account_id = fields.Many2one(
        "account.account",
        string="Points Liability Account",
        check_company=True,
        help="Deferred revenue or provision: credited with the value of the points issued, "
        "debited with the value of the points redeemed or expired.",
    )
    crm_revenue_account_id = fields.Many2one(
        "account.account",
        string="Points Revenue Account",
        check_company=True,
        help="The revenue deferred when points are earned on a sale (debit) and recognised "
        "when they are redeemed (credit).",
    )
    crm_breakage_account_id = fields.Many2one(
        "account.account",
        string="Breakage Income Account",
        check_company=True,
        help="Credited with the value of the points that expired unspent.",
    )
    crm_goodwill_account_id = fields.Many2one(
        "account.account",
        string="Goodwill Expense Account",
        check_company=True,
        help="Debited with the value of the points given by hand, as compensation, by "
        "offers or transfers, and with the revaluation of the outstanding points when "
        "the value of a point changes.",
    )

    @api.depends("crm_tier_ids.active")
    def _compute_crm_has_tiers(self):
        for program in self:
            program.crm_has_tiers = bool(program.crm_tier_ids)

    def _crm_tiers(self):
        """The programme's active tiers with what deciding a tier reads of them: one query."""
        self.ensure_one()
        return (
            self.env["crm.loyalty.tier"]
            .sudo()
            .search_fetch([("program_id", "=", self.id)], ["qualify_from", "name", "multiplier"])
        )

    def _compute_crm_dashboard(self):
        """The dashboard's figures of these programmes, in four grouped queries."""
        programs = self.filtered(lambda p: p.id and p.crm_enabled)
        for program in self:
            program.update(
                {
                    "crm_member_count": 0,
                    "crm_outstanding_points": 0.0,
                    "crm_liability": 0.0,
                    "crm_expiring_points": 0.0,
                    "crm_earned_year": 0.0,
                    "crm_redeemed_year": 0.0,
                    "crm_expired_year": 0.0,
                    "crm_redemption_rate": 0.0,
                    "crm_breakage_rate": 0.0,
                    "crm_tier_summary": [],
                }
            )
        if not programs:
            return
        self.env.flush_all()
        today = fields.Date.context_today(self)
        cr = self.env.cr
        cr.execute(
            SQL(
                """
                SELECT program_id, COUNT(*), COALESCE(SUM(points) FILTER (WHERE points > 0), 0)
                  FROM loyalty_card
                 WHERE program_id = ANY(%s) AND active
                 GROUP BY program_id
                """,
                programs.ids,
            )
        )
        cards = {row[0]: row[1:] for row in cr.fetchall()}
        cr.execute(
            SQL(
                """
                SELECT c.program_id,
                       SUM(h.issued - h.used) FILTER (WHERE h.crm_kind IN ('earn', 'clawback')),
                       SUM(h.issued - h.used) FILTER (WHERE h.crm_kind IN
                           ('compensation', 'offer', 'adjust', 'transfer')),
                       -SUM(h.issued - h.used) FILTER (WHERE h.crm_kind IN ('redeem', 'giveback')),
                       -SUM(h.issued - h.used) FILTER (WHERE h.crm_kind = 'expire')
                  FROM loyalty_history h
                  JOIN loyalty_card c ON c.id = h.card_id
                 WHERE c.program_id = ANY(%s) AND h.crm_kind IS NOT NULL AND h.crm_date >= %s
                 GROUP BY c.program_id
                """,
                programs.ids,
                self.env.company._crm_add_months(today, -12),
            )
        )
        year = {row[0]: [value or 0.0 for value in row[1:]] for row in cr.fetchall()}
        cr.execute(
            SQL(
                """
                SELECT c.program_id, SUM(h.crm_remaining)
                  FROM loyalty_history h
                  JOIN loyalty_card c ON c.id = h.card_id
                 WHERE h.crm_remaining > 0 AND h.crm_expiry_date BETWEEN %s AND %s
                   AND c.program_id = ANY(%s)
                 GROUP BY c.program_id
                """,
                today,
                today + relativedelta(days=30),
                programs.ids,
            )
        )
        expiring = dict(cr.fetchall())
        tiers = self.env["loyalty.card"]._read_group(
            [("program_id", "in", programs.ids), ("crm_tier_id", "!=", False)],
            ["program_id", "crm_tier_id"],
            ["__count"],
        )
        for program in programs:
            members, outstanding = cards.get(program.id, (0, 0.0))
            earned, granted, redeemed, expired = year.get(program.id, [0.0] * 4)
            given = earned + granted
            program.update(
                {
                    "crm_member_count": members,
                    "crm_outstanding_points": outstanding,
                    "crm_liability": outstanding * program.crm_point_value,
                    "crm_expiring_points": expiring.get(program.id, 0.0),
                    "crm_earned_year": earned,
                    "crm_redeemed_year": redeemed,
                    "crm_expired_year": expired,
                    "crm_redemption_rate": 100.0 * redeemed / given if given > 0 else 0.0,
                    "crm_breakage_rate": 100.0 * expired / given if given > 0 else 0.0,
                    "crm_tier_summary": [
                        {"name": tier.name, "count": count, "color": tier.color}
                        for prog, tier, count in sorted(tiers, key=lambda t: t[1].qualify_from)
                        if prog == program
                    ],
                }
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

    # ------------------------------------------------------------------ tiers

    def _crm_next_review_date(self, day):
        """The first review day after ``day``: reviews fall on the first day of the months
        of the company's calendar that are a multiple of the review interval from the
        start of the year (monthly: each month's first day; yearly: 1 January, or
        1 Farvardin on the Solar Hijri calendar)."""
        self.ensure_one()
        company = self.company_id
        year_start = company._crm_period_start(day, "year")
        step = max(self.crm_review_months, 1)
        months = step
        while months < 12:
            review = company._crm_add_months(year_start, months)
            if review > day:
                return review
            months += step
        return company._crm_add_months(year_start, 12)

    def _crm_qualifying_since(self, today):
        """First day of the qualifying window ending on ``today``: the programme's
        qualifying months back in the company's calendar."""
        self.ensure_one()
        return self.company_id._crm_add_months(today, -self.crm_qualify_months)

    def _crm_grace_cutoff(self, today):
        """The last day a member may have last qualified on for the grace period to be
        over on ``today``: the latest day whose grace months later (in the company's
        calendar, the day clamped to the month's length) is not after ``today``."""
        self.ensure_one()
        company = self.company_id
        cutoff = company._crm_add_months(today, -self.crm_grace_months)
        # month ends: 31 August + 1 month is 30 September, so 29 to 31 August all end
        # their grace on 30 September
        while company._crm_add_months(cutoff + timedelta(days=1), self.crm_grace_months) <= today:
            cutoff += timedelta(days=1)
        return cutoff

    def _crm_format_qualifying(self, value):
        """A qualifying value as the member reads it: 1,250 points, 3,400.00 EUR, 7 orders."""
        self.ensure_one()
        if self.crm_qualify_on == "amount":
            return formatLang(self.env, value, currency_obj=self.currency_id)
        if self.crm_qualify_on == "orders":
            return self.env._("%(count)s orders", count=int(round(value)))
        return self.env._(
            "%(points)s %(unit)s",
            points=formatLang(self.env, value, digits=0 if self.crm_whole_points else 2),
            unit=self.portal_point_name or self.env._("points"),
        )

    def _crm_qualifying_sql(self, since, card_filter):
        """SQL of (card id, qualifying value) for this programme's cards that `card_filter`
        keeps (an SQL condition on loyalty_card c): the points they earned (less what was
        clawed back), the amount their customer spent (untaxed, in the company's currency,
        less credit notes) or the number of confirmed orders, since `since`."""
        self.ensure_one()
        if self.crm_qualify_on == "points":
            return SQL(
                """
                SELECT c.id, GREATEST(COALESCE(SUM(h.issued), 0), 0) AS value
                  FROM loyalty_card c
             LEFT JOIN loyalty_history h ON h.card_id = c.id
                       AND h.crm_kind IN ('earn', 'clawback') AND h.crm_date >= %(since)s
                 WHERE c.program_id = %(program)s AND %(filter)s
                 GROUP BY c.id
                """,
                since=since,
                program=self.id,
                filter=card_filter,
            )
        refund_company = (
            SQL("AND m.company_id = %s", self.company_id.id) if self.company_id else SQL()
        )
        value = (
            SQL("COALESCE(s.amount, 0) - COALESCE(r.amount, 0)")
            if self.crm_qualify_on == "amount"
            else SQL("COALESCE(s.orders, 0)")
        )
        return SQL(
            """
            WITH cards AS (
                SELECT c.id, cp.commercial_partner_id AS customer
                  FROM loyalty_card c
                  JOIN res_partner cp ON cp.id = c.partner_id
                 WHERE c.program_id = %(program)s AND %(filter)s
            ), sales AS (
                SELECT customer, SUM(amount) AS amount, SUM(orders) AS orders
                  FROM (%(sales)s) sold
                 WHERE customer IN (SELECT customer FROM cards)
                 GROUP BY 1
            ), refunds AS (
                SELECT m.commercial_partner_id AS customer, SUM(-m.amount_untaxed_signed) AS amount
                  FROM account_move m
                 WHERE m.move_type = 'out_refund' AND m.state = 'posted'
                   AND m.invoice_date >= %(since)s %(refund_company)s
                   AND m.commercial_partner_id IN (SELECT customer FROM cards)
                 GROUP BY 1
            )
            SELECT cards.id, GREATEST(%(value)s, 0) AS value
              FROM cards
         LEFT JOIN sales s ON s.customer = cards.customer
         LEFT JOIN refunds r ON r.customer = cards.customer
            """,
            program=self.id,
            filter=card_filter,
            since=since,
            sales=SQL(" UNION ALL ").join(self._crm_qualifying_sales(since)),
            refund_company=refund_company,
            value=value,
        )

    def _crm_qualifying_sales(self, since):
        """The sales that qualify for this programme's tiers since `since`: SQL selects of
        (customer: the commercial partner, amount: untaxed in the company's currency,
        orders: 1 per order) that the tier review adds up; the sales orders here, the
        point-of-sale bridge adds the till's orders."""
        self.ensure_one()
        company = SQL("AND so.company_id = %s", self.company_id.id) if self.company_id else SQL()
        return [
            SQL(
                """
                SELECT p.commercial_partner_id AS customer,
                       so.amount_untaxed / COALESCE(NULLIF(so.currency_rate, 0), 1) AS amount,
                       1 AS orders
                  FROM sale_order so
                  JOIN res_partner p ON p.id = so.partner_id
                 WHERE so.state = 'sale' AND so.date_order >= %(since)s %(company)s
                """,
                since=since,
                company=company,
            )
        ]

    def _crm_qualifying_values(self, today, cards):
        """{card id: qualifying value} of `cards` of this programme as of `today`."""
        self.ensure_one()
        self.env.flush_all()
        since = self._crm_qualifying_since(today)
        self.env.cr.execute(self._crm_qualifying_sql(since, SQL("c.id = ANY(%s)", cards.ids)))
        return {card_id: round(value, ledger.DIGITS) for card_id, value in self.env.cr.fetchall()}

    def _crm_review_tiers(self, today=None):
        """The periodic tier review of this programme, set-based over all its active cards.

        Steps: compute every card's qualifying value (loyalty_history, or sale_order and
        account_move for amounts and orders, see _crm_qualifying_sql); find the tier each
        value reaches (crm_loyalty_tier); in one UPDATE of loyalty_card, upgrade the
        members who reached a higher tier, move down those below their tier whose grace
        period since they last qualified is over, note who still qualifies, and store the
        qualifying balances that changed; then record the changes (crm_loyalty_tier_history,
        a note in each card's chatter, the optional email) and date the next review.
        Returns the number of changes. Safe to run twice the same day."""
        self.ensure_one()
        today = today or fields.Date.context_today(self)
        self.env.flush_all()
        since = self._crm_qualifying_since(today)
        self.env.cr.execute(
            SQL(
                """
                WITH q AS (%(qualifying)s),
                d AS (
                    SELECT q.id AS card_id, ROUND(q.value::numeric, 2)::float8 AS value,
                           c.crm_tier_id AS old_id, ot.qualify_from AS old_from,
                           c.crm_tier_manual_until AS manual_until,
                           COALESCE(c.crm_tier_qualified_on, c.crm_tier_since) AS last_qualified,
                           r.id AS new_id, r.qualify_from AS new_from
                      FROM q
                      JOIN loyalty_card c ON c.id = q.id
                 LEFT JOIN crm_loyalty_tier ot ON ot.id = c.crm_tier_id
                 LEFT JOIN LATERAL (
                        SELECT t.id, t.qualify_from
                          FROM crm_loyalty_tier t
                         WHERE t.program_id = %(program)s AND t.active
                           AND t.qualify_from <= q.value + %(epsilon)s
                         ORDER BY t.qualify_from DESC
                         LIMIT 1
                       ) r ON TRUE
                ), e AS (
                    SELECT d.*,
                           d.new_id IS NOT NULL
                           AND (d.old_id IS NULL OR d.new_from > d.old_from) AS up,
                           d.old_id IS NOT NULL AND d.new_id IS DISTINCT FROM d.old_id
                           AND (d.new_id IS NULL OR d.new_from < d.old_from)
                           AND (d.last_qualified IS NULL OR d.last_qualified <= %(cutoff)s)
                           -- a tier given by hand stays until its end date
                           AND d.manual_until IS NULL AS down
                      FROM d
                )
                UPDATE loyalty_card c
                   SET crm_qualifying = e.value,
                       crm_tier_id = CASE WHEN e.up OR e.down THEN e.new_id
                                          ELSE c.crm_tier_id END,
                       crm_tier_since = CASE WHEN e.up OR e.down THEN %(today)s
                                             ELSE c.crm_tier_since END,
                       crm_tier_qualified_on = CASE WHEN e.up OR e.down OR e.new_id = e.old_id
                                                    THEN %(today)s
                                                    ELSE c.crm_tier_qualified_on END
                  FROM e
                 WHERE c.id = e.card_id
                   AND (e.up OR e.down OR c.crm_qualifying IS DISTINCT FROM e.value
                        OR (e.new_id = e.old_id
                            AND c.crm_tier_qualified_on IS DISTINCT FROM %(today)s))
             RETURNING c.id, e.old_id, e.new_id, e.value, e.last_qualified, e.up OR e.down
                """,
                qualifying=self._crm_qualifying_sql(since, SQL("c.active")),
                program=self.id,
                epsilon=ledger.EPSILON,
                cutoff=self._crm_grace_cutoff(today),
                today=today,
            )
        )
        rows = self.env.cr.fetchall()
        self.env["loyalty.card"].invalidate_model(
            ["crm_qualifying", "crm_tier_id", "crm_tier_since", "crm_tier_qualified_on"]
        )
        changes = [row[:5] for row in rows if row[5]]
        self.env["crm.loyalty.tier.history"]._crm_record(changes, today)
        self.crm_next_review = self._crm_next_review_date(today)
        return len(changes)

    @api.model
    def _cron_review_tiers(self):
        """Review the tiers of one programme whose review is due per run, reporting
        progress so that the scheduler runs again at once while programmes are left."""
        today = fields.Date.context_today(self)
        due = self.search(
            [
                ("crm_enabled", "=", True),
                ("crm_next_review", "<=", today),
                ("crm_tier_ids", "!=", False),
            ]
        )
        if due:
            due[0]._crm_review_tiers(today)
        self.env["ir.cron"]._notify_progress(done=min(len(due), 1), remaining=max(len(due) - 1, 0))
