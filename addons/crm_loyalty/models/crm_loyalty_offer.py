import logging
import random
from datetime import timedelta
from uuid import uuid4

import psycopg2.errors

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL, formatLang

from ..lib import ledger
from .server_flags import LEDGER_WRITING, raised

_logger = logging.getLogger(__name__)


def _card_code():
    """A card code for an offer's card or coupon: loyalty's own codes (28 random bits)
    collide once an offer creates tens of thousands of cards at once; these keep its
    prefix (the barcode nomenclature reads it) with 80 random bits."""
    return "044" + uuid4().hex[:20]


# customers an offer reaches per batch (one transaction, one ORM create of cards and one
# of ledger lines each)
OFFER_BATCH = 2_000
OFFER_ACTIONS = [
    ("card", "Enrol in a loyalty programme"),
    ("points", "Give points"),
    ("coupon", "Give a coupon"),
]


class CrmLoyaltyOffer(models.Model):
    """An offer to every customer of some segments and value tiers (crm_identification's
    labels) at once: enrol them in a loyalty programme, give them points, or give them a
    coupon. Issued in the background, in batches through the ORM and the points ledger,
    with no cap on the number of customers, and safe to run twice: a customer who already
    got the offer is skipped."""

    _name = "crm.loyalty.offer"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _description = "Segment Offer"
    _order = "id desc"
    _check_company_auto = True

    name = fields.Char(
        string="Internal Name",
        required=True,
        tracking=True,
        help="For the loyalty team only; customers read the label.",
    )
    label = fields.Char(
        string="Label for Customers",
        translate=True,
        required=True,
        compute="_compute_label",
        store=True,
        readonly=False,
        precompute=True,
        tracking=True,
        help="What customers read about the offer: the line of their points ledger on the "
        "portal and in their statements.",
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    action = fields.Selection(OFFER_ACTIONS, required=True, default="points", tracking=True)
    program_id = fields.Many2one(
        "loyalty.program",
        string="Programme",
        required=True,
        check_company=True,
        tracking=True,
        domain="[('program_type', 'in', ('loyalty', 'coupons', 'next_order_coupons', "
        "'promo_code', 'ewallet', 'gift_card'))]",
    )
    points = fields.Float(
        tracking=True,
        help="The points each customer gets: on their loyalty card, or the value of the "
        "coupon (1 for a single-use coupon); on enrolment, welcome points (0: none).",
    )
    reason = fields.Char(help="Kept on each ledger line, e.g. Win-back offer, spring 2026.")
    coupon_expiration_date = fields.Date(string="Coupons Valid Until")
    segment_ids = fields.Many2many("crm.customer.segment", string="Segments", check_company=True)
    value_tier_a = fields.Boolean()
    value_tier_b = fields.Boolean()
    value_tier_c = fields.Boolean()
    state = fields.Selection(
        [("draft", "Draft"), ("running", "Issuing"), ("done", "Issued")],
        default="draft",
        required=True,
        tracking=True,
    )
    customer_count = fields.Integer(string="Customers", compute="_compute_customer_count")
    issued_count = fields.Integer(string="Issued", readonly=True, tracking=True)
    issued_on = fields.Datetime(readonly=True)
    # the run in progress (or the last one): what the form shows while it is issued
    issue_total = fields.Integer(
        string="Customers to Reach", readonly=True, help="Counted when the offer was issued."
    )
    issue_done = fields.Integer(string="Customers Reached", readonly=True)
    issue_progress = fields.Float(string="Progress", compute="_compute_issue_progress")
    issue_user_id = fields.Many2one(
        "res.users",
        string="Issued By",
        readonly=True,
        help="The ledger lines of the offer are booked in their name.",
    )
    card_ids = fields.One2many("loyalty.card", "crm_offer_id", string="Cards")
    line_ids = fields.One2many("loyalty.history", "crm_offer_id", string="Ledger Lines")

    # measurement: a control group kept out of the offer, and both groups compared
    control_share = fields.Float(
        string="Control Group (%)",
        tracking=True,
        help="The share of the targeted customers chosen at random, each time the offer is "
        "issued, who do not get it: the offer is measured against them. Kept once chosen.",
    )
    control_seed = fields.Integer(
        string="Random Seed",
        default=lambda self: random.SystemRandom().randint(1, 2**31 - 1),
        copy=False,
        help="Fixes the random choice of the control group (the same seed chooses the same "
        "customers).",
    )
    control_ids = fields.One2many(
        "crm.loyalty.offer.control", "offer_id", string="Control Group", readonly=True
    )
    measure_from = fields.Date(
        string="Measured From", help="The first day of the window (empty: the day issued)."
    )
    measure_to = fields.Date(
        string="Measured To", help="The last day of the window (empty: today)."
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    offered_customers = fields.Integer(string="Offered", compute="_compute_measures")
    control_customers = fields.Integer(string="Control", compute="_compute_measures")
    offered_redemption_rate = fields.Float(
        string="Redemption Rate (Offered)",
        compute="_compute_measures",
        help="The share of the customers who got the offer and claimed a reward of its "
        "programme in the window.",
    )
    control_redemption_rate = fields.Float(
        string="Redemption Rate (Control)", compute="_compute_measures"
    )
    redemption_uplift = fields.Float(
        compute="_compute_measures",
        help="Offered less control, in percentage points.",
    )
    offered_revenue = fields.Monetary(
        string="Revenue per Customer (Offered)",
        compute="_compute_measures",
        help="What the customers who got the offer spent in the window (confirmed orders, "
        "untaxed), per customer.",
    )
    control_revenue = fields.Monetary(
        string="Revenue per Customer (Control)", compute="_compute_measures"
    )
    revenue_uplift = fields.Monetary(
        string="Revenue Uplift per Customer",
        compute="_compute_measures",
        help="Revenue per customer, offered less control.",
    )
    revenue_uplift_percent = fields.Float(string="Revenue Uplift (%)", compute="_compute_measures")

    @api.depends("name")
    def _compute_label(self):
        for offer in self:
            offer.label = offer.label or offer.name

    @api.depends("segment_ids", "value_tier_a", "value_tier_b", "value_tier_c", "company_id")
    def _compute_customer_count(self):
        self.env["res.partner"].flush_model()
        for offer in self:
            if not offer.company_id or not offer._targets_anyone():
                offer.customer_count = 0
                continue
            self.env.cr.execute(SQL("SELECT COUNT(*) FROM (%s) customers", offer._customers_sql()))
            offer.customer_count = self.env.cr.fetchone()[0]

    @api.depends("issue_total", "issue_done", "state")
    def _compute_issue_progress(self):
        for offer in self:
            if offer.state == "done":
                offer.issue_progress = 100.0
            elif offer.issue_total:
                offer.issue_progress = min(100.0, 100.0 * offer.issue_done / offer.issue_total)
            else:
                offer.issue_progress = 0.0

    @api.depends_context("uid")
    @api.depends("measure_from", "measure_to", "issued_on", "state", "control_share")
    def _compute_measures(self):
        for offer in self:
            figures = offer._measure() if offer.id else {}
            offered = figures.get("offered", (0, 0, 0.0))
            control = figures.get("control", (0, 0, 0.0))
            offer.offered_customers, offer.control_customers = offered[0], control[0]
            offer.offered_redemption_rate = 100.0 * offered[1] / offered[0] if offered[0] else 0.0
            offer.control_redemption_rate = 100.0 * control[1] / control[0] if control[0] else 0.0
            offer.redemption_uplift = offer.offered_redemption_rate - offer.control_redemption_rate
            offer.offered_revenue = offered[2] / offered[0] if offered[0] else 0.0
            offer.control_revenue = control[2] / control[0] if control[0] else 0.0
            offer.revenue_uplift = offer.offered_revenue - offer.control_revenue
            offer.revenue_uplift_percent = (
                100.0 * offer.revenue_uplift / offer.control_revenue
                if offer.control_revenue
                else 0.0
            )

    @api.constrains("control_share", "control_seed")
    def _check_control_share(self):
        for offer in self:
            if not 0 <= offer.control_share < 100:
                raise ValidationError(
                    self.env._(
                        "The control group of %(offer)s is a share of the customers below a "
                        "hundred: enter a share from 0 to 99.",
                        offer=offer.name,
                    )
                )
            if offer.state != "draft":
                raise ValidationError(
                    self.env._(
                        "The control group of an offer is chosen when it is first issued and "
                        "then kept: duplicate the offer to measure it with another control "
                        "group."
                    )
                )

    @api.constrains("action", "program_id", "points")
    def _check_offer(self):
        for offer in self:
            program = offer.program_id
            if offer.points < 0:
                raise ValidationError(
                    self.env._(
                        "The points of an offer cannot be negative (%(offer)s).", offer=offer.name
                    )
                )
            if offer.action in ("card", "points") and not program.crm_enabled:
                raise ValidationError(
                    self.env._(
                        "Enrolling customers and giving points need a loyalty programme with "
                        "tiers and the points ledger; %(program)s is not one.",
                        program=program.name,
                    )
                )
            if offer.action == "points" and offer.points <= 0:
                raise ValidationError(self.env._("Enter the points each customer gets."))
            if offer.action == "coupon" and program.crm_enabled:
                raise ValidationError(
                    self.env._(
                        "A coupon comes from a coupon, discount code or gift programme, not "
                        "from the loyalty programme %(program)s: give points instead.",
                        program=program.name,
                    )
                )
            if program.crm_whole_points and offer.points != int(offer.points):
                raise ValidationError(
                    self.env._("%(program)s counts whole points only.", program=program.name)
                )

    def _targets_anyone(self):
        self.ensure_one()
        return bool(
            self.segment_ids or self.value_tier_a or self.value_tier_b or self.value_tier_c
        )

    def _customers_sql(self):
        """SQL of the ids of the customers this offer is for: active commercial partners
        whose segment (of the offer's company) is one of the offer's segments and whose
        value tier is one of its value tiers (each when set)."""
        self.ensure_one()
        company = str(self.company_id.id)
        conditions = [SQL("p.active"), SQL("p.id = p.commercial_partner_id")]
        if self.segment_ids:
            conditions.append(
                SQL("(p.crm_segment_id ->> %s)::int = ANY(%s)", company, self.segment_ids.ids)
            )
        tiers = [t for t in "abc" if self[f"value_tier_{t}"]]
        if tiers:
            conditions.append(SQL("p.crm_value_tier ->> %s = ANY(%s)", company, tiers))
        conditions.append(SQL("(p.company_id IS NULL OR p.company_id = %s)", self.company_id.id))
        return SQL("SELECT p.id FROM res_partner p WHERE %s", SQL(" AND ").join(conditions))

    def action_issue(self):
        """Issue the offer to every customer it targets who has not had it yet, in the
        background: the offer is marked Issuing, with the number of customers to reach,
        and the scheduled action _cron_issue_offers is triggered at once; it works in
        batches and reports its progress on the offer."""
        self.ensure_one()
        if not self.env.user.has_group("crm_loyalty.group_crm_loyalty_manager"):
            raise AccessError(
                self.env._(
                    "Only a Loyalty Manager can issue an offer (CRM Suite > Loyalty in the "
                    "user's access rights)."
                )
            )
        if not self._targets_anyone():
            raise UserError(
                self.env._(
                    "Choose at least one segment or value tier: an offer goes to the "
                    "customers of a segment."
                )
            )
        self._check_issuable()
        self.env.flush_all()
        self._draw_control_group()
        self.env.cr.execute(SQL("SELECT COUNT(*) FROM (%s) missing", self._missing_sql()))
        self.write(
            {
                "state": "running",
                "issue_total": self.env.cr.fetchone()[0],
                "issue_done": 0,
                "issue_user_id": self.env.uid,
            }
        )
        self.env.ref("crm_loyalty.ir_cron_crm_loyalty_issue_offers").sudo()._trigger()
        return True

    def _check_issuable(self):
        program = self.program_id
        if not program.active:
            raise UserError(
                self.env._("%(program)s is archived: restore it first.", program=program.name)
            )

    @api.model
    def _cron_issue_offers(self, limit=OFFER_BATCH):
        """Issue the next batch of the first offer being issued (state Issuing), as the
        manager who issued it, and report progress so that the scheduler runs again at
        once until every offer is done. Each run commits its batch (the scheduler commits
        between runs); a batch that fails leaves nothing behind and is tried again, so it
        is safe to run twice or after a crash: what a customer already got is never issued
        again."""
        offers = self.search([("state", "=", "running")], order="id")
        if not offers:
            self.env["ir.cron"]._notify_progress(done=0, remaining=0)
            return 0
        offer = offers[0]
        user = offer.issue_user_id if offer.issue_user_id.active else self.env.user
        done, left = offer.with_user(user).with_company(offer.company_id)._issue_batch(limit)
        others = len(offers) - 1
        self.env["ir.cron"]._notify_progress(done=done, remaining=left + others)
        if not done and (left or others):
            # a batch put off (its cards were busy): the next run comes soon, not tomorrow
            self.env.ref("crm_loyalty.ir_cron_crm_loyalty_issue_offers").sudo()._trigger(
                fields.Datetime.now() + timedelta(minutes=1)
            )
        return done

    def _issue_now(self):
        """Issue the offer to every customer in this transaction, batch after batch (the
        demo data and the tests; the button runs it in the background)."""
        self.ensure_one()
        if self.state != "running":
            self.action_issue()
        while self.state == "running":
            done, left = self._issue_batch()
            if not done and left:
                raise UserError(
                    self.env._(
                        "The cards of the offer %(offer)s are busy: issue it again later.",
                        offer=self.name,
                    )
                )
        return self.issue_done

    def _missing_sql(self):
        """SQL of the ids of the offer's customers who have not had it yet: no card of the
        programme (card), no ledger line of this offer on their card (points), no coupon
        of this offer (coupon). The customers who had it are read once into a hashed set
        (NOT IN): the planner cannot tell how many customers a segment label selects, and
        a correlated NOT EXISTS probed the ledger once per customer."""
        self.ensure_one()
        if self.action == "card":
            had = SQL(
                """SELECT partner_id FROM loyalty_card
                    WHERE program_id = %s AND active AND partner_id IS NOT NULL""",
                self.program_id.id,
            )
        elif self.action == "points":
            had = SQL(
                """SELECT lc.partner_id FROM loyalty_history h
                     JOIN loyalty_card lc ON lc.id = h.card_id
                    WHERE h.crm_offer_id = %s AND lc.partner_id IS NOT NULL""",
                self.id,
            )
        else:
            had = SQL(
                """SELECT partner_id FROM loyalty_card
                    WHERE crm_offer_id = %s AND partner_id IS NOT NULL""",
                self.id,
            )
        return SQL(
            """SELECT p.id FROM (%s) p
                WHERE p.id NOT IN (%s)
                  AND p.id NOT IN (SELECT partner_id FROM crm_loyalty_offer_control
                                    WHERE offer_id = %s)""",
            self._customers_sql(),
            had,
            self.id,
        )

    def _draw_control_group(self):
        """Choose the control group among the customers the offer is about to reach and
        keep it: they never get the offer, on this run or a later one.

        Steps: count the customers who have not had the offer and are not in its control
        group yet (res_partner, loyalty_card, loyalty_history, crm_loyalty_offer_control
        through _missing_sql); take the offer's share of them, rounded, in a random order
        that the offer's seed fixes (md5 of the seed and the customer); insert them into
        crm_loyalty_offer_control. Returns the number of customers added."""
        self.ensure_one()
        if self.control_share <= 0:
            return 0
        missing = self._missing_sql()
        self.env.cr.execute(SQL("SELECT COUNT(*) FROM (%s) missing", missing))
        size = int(self.env.cr.fetchone()[0] * self.control_share / 100.0 + 0.5)
        if not size:
            return 0
        now = fields.Datetime.now()
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO crm_loyalty_offer_control
                       (offer_id, partner_id, company_id, drawn_on,
                        create_uid, create_date, write_uid, write_date)
                SELECT %(offer)s, m.id, %(company)s, %(now)s, %(uid)s, %(now)s, %(uid)s, %(now)s
                  FROM (%(missing)s) m
                 ORDER BY md5(%(seed)s || '-' || m.id), m.id
                 LIMIT %(size)s
                ON CONFLICT (offer_id, partner_id) DO NOTHING
                """,
                offer=self.id,
                company=self.company_id.id,
                now=now,
                uid=self.env.uid,
                missing=missing,
                seed=str(self.control_seed),
                size=size,
            )
        )
        added = self.env.cr.rowcount
        self.env["crm.loyalty.offer.control"].invalidate_model()
        self.invalidate_recordset(["control_ids"])
        return added

    # ------------------------------------------------------------------ measurement

    def _measure_window(self):
        """The window the offer is measured over: (first day, day after the last)."""
        self.ensure_one()
        today = fields.Date.context_today(self)
        start = self.measure_from or (self.issued_on and self.issued_on.date()) or today
        end = self.measure_to or today
        return start, end + timedelta(days=1)

    def _offered_customers_sql(self):
        """SQL of the ids of the customers who got the offer."""
        self.ensure_one()
        if self.action == "points":
            return SQL(
                """SELECT DISTINCT lc.partner_id AS customer FROM loyalty_history h
                     JOIN loyalty_card lc ON lc.id = h.card_id
                    WHERE h.crm_offer_id = %s AND lc.partner_id IS NOT NULL""",
                self.id,
            )
        return SQL(
            """SELECT DISTINCT partner_id AS customer FROM loyalty_card
                WHERE crm_offer_id = %s AND partner_id IS NOT NULL""",
            self.id,
        )

    def _measure_redemption_sql(self, start, end):
        """SQL of the customers (commercial partners, column customer) of the CTE
        offer_customers who claimed a reward of the offer's programme in [start, end): a
        redemption on the points ledger, or a reward line on a confirmed sales order. The
        point-of-sale bridge adds the till's."""
        self.ensure_one()
        return SQL(
            """
            SELECT lc.partner_id AS customer
              FROM loyalty_history h
              JOIN loyalty_card lc ON lc.id = h.card_id
             WHERE lc.program_id = %(program)s AND h.crm_kind = 'redeem'
               AND h.crm_date >= %(start)s AND h.crm_date < %(end)s
               AND lc.partner_id IN (SELECT customer FROM offer_customers)
             UNION
            SELECT p.commercial_partner_id
              FROM sale_order_line sol
              JOIN loyalty_reward r ON r.id = sol.reward_id
              JOIN sale_order so ON so.id = sol.order_id
              JOIN res_partner p ON p.id = so.partner_id
             WHERE r.program_id = %(program)s AND so.state = 'sale'
               AND so.date_order >= %(start)s AND so.date_order < %(end)s
               AND p.commercial_partner_id IN (SELECT customer FROM offer_customers)
            """,
            program=self.program_id.id,
            start=start,
            end=end,
        )

    def _measure_revenue_sql(self, start, end):
        """SQL of (customer, amount) rows: what the customers of the CTE offer_customers
        spent in [start, end) on confirmed sales orders of the offer's company (untaxed,
        in its currency). The point-of-sale bridge adds the till's orders."""
        self.ensure_one()
        return SQL(
            """
            SELECT p.commercial_partner_id AS customer,
                   so.amount_untaxed / COALESCE(NULLIF(so.currency_rate, 0), 1) AS amount
              FROM sale_order so
              JOIN res_partner p ON p.id = so.partner_id
             WHERE so.state = 'sale' AND so.company_id = %(company)s
               AND so.date_order >= %(start)s AND so.date_order < %(end)s
               AND p.commercial_partner_id IN (SELECT customer FROM offer_customers)
            """,
            company=self.company_id.id,
            start=start,
            end=end,
        )

    def _measure(self):
        """{group: (customers, customers who redeemed, revenue)} for the groups offered and
        control over the offer's window: one query (crm_loyalty_offer_control, the ledger,
        sale_order and what the bridges add)."""
        self.ensure_one()
        self.env.flush_all()
        start, end = self._measure_window()
        self.env.cr.execute(
            SQL(
                """
                WITH offer_customers AS (
                    SELECT 'offered' AS grp, customer FROM (%(offered)s) o
                     UNION ALL
                    SELECT 'control', partner_id FROM crm_loyalty_offer_control
                     WHERE offer_id = %(offer)s
                ), redeemed AS (
                    SELECT DISTINCT customer FROM (%(redeemed)s) r
                ), revenue AS (
                    SELECT customer, SUM(amount) AS amount FROM (%(revenue)s) v
                     GROUP BY customer
                )
                SELECT c.grp, COUNT(*), COUNT(r.customer), COALESCE(SUM(v.amount), 0)
                  FROM offer_customers c
             LEFT JOIN redeemed r ON r.customer = c.customer
             LEFT JOIN revenue v ON v.customer = c.customer
                 GROUP BY c.grp
                """,
                offered=self._offered_customers_sql(),
                offer=self.id,
                redeemed=self._measure_redemption_sql(start, end),
                revenue=self._measure_revenue_sql(start, end),
            )
        )
        return {row[0]: row[1:] for row in self.env.cr.fetchall()}

    def _issue_batch(self, limit=OFFER_BATCH):
        """Issue the offer to the next `limit` customers who have not had it; mark the
        offer Issued once none is left. Returns (customers done, customers left).

        Steps: lock the offer (crm_loyalty_offer; a second worker skips it); select the
        next customers who have not had it (res_partner through _missing_sql); for cards
        and points, read their active cards in the programme (loyalty_card) and create
        the missing ones through the ORM in one create([...]) - a new member joins the
        programme's entry tier, with the tier change's history, chatter note and email
        like any other (crm.loyalty.tier.history._crm_record); for points (and welcome
        points of new members), book one Offer line per card through the ledger
        (loyalty.history._crm_book: lots, balances, tiers); for coupons, create them
        through the ORM (the programme's emails follow); count the customers on the offer
        (crm_loyalty_offer). A batch whose cards another transaction holds is put off
        whole (nothing done) and tried again."""
        self.ensure_one()
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "SELECT id FROM crm_loyalty_offer WHERE id = %s AND state = 'running' "
                "FOR NO KEY UPDATE SKIP LOCKED",
                self.id,
            )
        )
        if not self.env.cr.fetchone():
            return 0, 0
        self._check_issuable()
        missing = self._missing_sql()
        self.env.cr.execute(SQL("%s ORDER BY p.id LIMIT %s", missing, limit))
        customers = self.env["res.partner"].browse([row[0] for row in self.env.cr.fetchall()])
        try:
            with self.env.cr.savepoint():
                if self.action == "coupon":
                    self._issue_coupons(customers)
                else:
                    self._issue_cards_and_points(customers)
        except psycopg2.errors.LockNotAvailable:
            self.env.invalidate_all()
            _logger.info("Segment offer %s: cards busy, batch put off", self.id)
            return 0, len(customers)
        self.env.cr.execute(SQL("SELECT COUNT(*) FROM (%s) missing", missing))
        left = self.env.cr.fetchone()[0]
        vals = {
            "issue_done": self.issue_done + len(customers),
            "issued_count": self.issued_count + len(customers),
        }
        if not left:
            vals.update(state="done", issued_on=fields.Datetime.now())
        self.sudo().write(vals)
        if not left:
            self.message_post(
                body=self.env._(
                    "Issued to %(count)s customers (%(total)s in all).",
                    count=formatLang(self.env, self.issue_done, digits=0),
                    total=formatLang(self.env, self.issued_count, digits=0),
                )
            )
        return len(customers), left

    def _issue_cards_and_points(self, customers):
        """The customers' cards in the loyalty programme (created for those who have
        none, in the programme's entry tier) and, for a points offer or welcome points,
        one ledger line each."""
        program = self.program_id
        Card = self.env["loyalty.card"].sudo()
        cards = Card.search(
            [
                ("partner_id", "in", customers.ids),
                ("program_id", "=", program.id),
                ("active", "=", True),
            ],
            order="id desc",
        )
        # a customer's first card when they have several
        card_of = {card.partner_id.id: card for card in cards}
        new_customers = customers.filtered(lambda p: p.id not in card_of)
        new_cards = Card.browse()
        if new_customers:
            today = fields.Date.context_today(self)
            entry = program._crm_tiers().filtered(lambda t: t.qualify_from <= 0)[-1:]
            tier = (
                {"crm_tier_id": entry.id, "crm_tier_since": today, "crm_tier_qualified_on": today}
                if entry
                else {}
            )
            with raised(self.env, LEDGER_WRITING):
                new_cards = Card.with_context(
                    tracking_disable=True, mail_create_nosubscribe=True
                ).create(
                    [
                        {
                            "program_id": program.id,
                            "partner_id": partner.id,
                            "code": _card_code(),
                            "crm_offer_id": self.id,
                            **tier,
                        }
                        for partner in new_customers
                    ]
                )
            if entry:
                self.env["crm.loyalty.tier.history"]._crm_record(
                    [(card.id, False, entry.id, 0.0, False) for card in new_cards],
                    today,
                    offer=self,
                )
            card_of.update({card.partner_id.id: card for card in new_cards})
        if self.action == "points":
            targets = [card_of[partner.id] for partner in customers]
        elif self.points > 0:
            targets = list(new_cards)
        else:
            return
        points = ledger.round_points(self.points, program.crm_whole_points)
        # the member reads the line (portal, statements): the label, in their language
        labels = {
            lang: self.with_context(lang=lang).label
            for lang in {card.partner_id.lang or self.env.lang for card in targets}
        }
        self.env["loyalty.history"]._crm_book(
            [
                {
                    "card": card,
                    "kind": "offer",
                    "points": points,
                    "description": labels[card.partner_id.lang or self.env.lang],
                    "reason": self.reason or self.name,
                    "source": self,
                    "offer": self,
                }
                for card in targets
            ]
        )

    def _issue_coupons(self, customers):
        """A coupon of the programme for each customer, created through the ORM with the
        offer's points (the programme's communication plan sends the coupon)."""
        Card = self.env["loyalty.card"].sudo()
        with raised(self.env, LEDGER_WRITING):
            Card.with_context(tracking_disable=True, mail_create_nosubscribe=True).create(
                [
                    {
                        "program_id": self.program_id.id,
                        "partner_id": partner.id,
                        "code": _card_code(),
                        "points": self.points or 1.0,
                        "expiration_date": self.coupon_expiration_date or False,
                        "crm_offer_id": self.id,
                    }
                    for partner in customers
                ]
            )

    def action_open_cards(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("loyalty.loyalty_card_action")
        action["domain"] = [
            "|",
            ("crm_offer_id", "=", self.id),
            ("history_ids.crm_offer_id", "=", self.id),
        ]
        action["context"] = {"create": False}
        return action
