from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL, formatLang

from ..lib import ledger

QUALIFY_ON = [
    ("points", "Points earned"),
    ("amount", "Amount spent"),
    ("orders", "Number of orders"),
]


class CrmLoyaltyProgramTiers(models.AbstractModel):
    """The tiers of a loyalty programme: what a member's tier qualifies on, the tiers, and
    the periodic review that moves members up and down. Mixed into loyalty.program only,
    which has the buttons."""

    _name = "crm.loyalty.program.tiers"
    _description = "Loyalty Programme Tiers"

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
        help="Sent to the member when their tier changes (a chatter message is always posted).",
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
