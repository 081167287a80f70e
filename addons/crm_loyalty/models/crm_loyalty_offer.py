from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL, formatLang

from ..lib import ledger

OFFER_ACTIONS = [
    ("card", "Enrol in a loyalty programme"),
    ("points", "Give points"),
    ("coupon", "Give a coupon"),
]


class CrmLoyaltyOffer(models.Model):
    """An offer to every customer of some segments and value tiers (crm_identification's
    labels) at once: enrol them in a loyalty programme, give them points, or give them a
    coupon. Issued set-based, with no cap on the number of customers, and safe to run
    twice: a customer who already got the offer is skipped."""

    _name = "crm.loyalty.offer"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _description = "Segment Offer"
    _order = "id desc"

    name = fields.Char(required=True, tracking=True)
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
    segment_ids = fields.Many2many("crm.customer.segment", string="Segments")
    value_tier_a = fields.Boolean()
    value_tier_b = fields.Boolean()
    value_tier_c = fields.Boolean()
    state = fields.Selection(
        [("draft", "Draft"), ("done", "Issued")], default="draft", required=True, tracking=True
    )
    customer_count = fields.Integer(string="Customers", compute="_compute_customer_count")
    issued_count = fields.Integer(string="Issued", readonly=True, tracking=True)
    issued_on = fields.Datetime(readonly=True)
    card_ids = fields.One2many("loyalty.card", "crm_offer_id", string="Cards")
    line_ids = fields.One2many("loyalty.history", "crm_offer_id", string="Ledger Lines")

    @api.depends("segment_ids", "value_tier_a", "value_tier_b", "value_tier_c", "company_id")
    def _compute_customer_count(self):
        for offer in self:
            if not offer.company_id or not offer._targets_anyone():
                offer.customer_count = 0
                continue
            self.env.cr.execute(SQL("SELECT COUNT(*) FROM (%s) customers", offer._customers_sql()))
            offer.customer_count = self.env.cr.fetchone()[0]

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
        """Issue the offer to every customer it targets who has not had it yet.

        Steps (set-based, one statement each): create the missing cards (loyalty_card:
        the customer's card in the loyalty programme, or a coupon of this offer); for
        points, lock the customers' cards, write one ledger line each (loyalty_history, a
        new lot) and add the points to the cards (loyalty_card). Returns the number of
        customers who got something this time."""
        self.ensure_one()
        if not self.env.user.has_group("crm_loyalty.group_crm_loyalty_manager"):
            raise UserError(self.env._("Only a Loyalty Manager can issue an offer."))
        if not self._targets_anyone():
            raise UserError(
                self.env._(
                    "Choose at least one segment or value tier: an offer goes to the "
                    "customers of a segment."
                )
            )
        program = self.program_id
        if not program.active:
            raise UserError(
                self.env._("%(program)s is archived: restore it first.", program=program.name)
            )
        self.env.flush_all()
        self._collect_customers()
        if self.action == "coupon":
            issued = self._issue_coupons()
        else:
            issued = self._issue_cards()
            if self.action == "points":
                issued = self._issue_points()
            elif self.points > 0:
                # welcome points, for the cards this offer created
                self._issue_points(own_cards=True)
        self.write(
            {
                "state": "done",
                "issued_count": self.issued_count + issued,
                "issued_on": fields.Datetime.now(),
            }
        )
        self.message_post(
            body=self.env._(
                "Issued to %(count)s customers (%(total)s in all).",
                count=formatLang(self.env, issued, digits=0),
                total=formatLang(self.env, self.issued_count, digits=0),
            )
        )
        self.env["loyalty.card"].invalidate_model()
        self.env["loyalty.history"].invalidate_model()
        return issued

    def _collect_customers(self):
        """The offer's customers, once, in a temporary table the next statements join (the
        planner knows its size, where it cannot guess how many customers a segment label
        selects)."""
        self.env.cr.execute(SQL("DROP TABLE IF EXISTS crm_offer_customer"))
        self.env.cr.execute(
            SQL(
                "CREATE TEMPORARY TABLE crm_offer_customer ON COMMIT DROP AS %s",
                self._customers_sql(),
            )
        )
        self.env.cr.execute(SQL("ANALYZE crm_offer_customer"))

    def _audit_columns(self):
        now = fields.Datetime.now()
        return {"uid": self.env.uid, "now": now}

    def _issue_cards(self):
        """The customers' cards in the loyalty programme, created for those who have none;
        a new member joins the programme's entry tier (the one reached from 0), with a line
        of tier history. Returns the number of cards created."""
        program = self.program_id
        today = fields.Date.context_today(self)
        audit = self._audit_columns()
        self.env.cr.execute(
            SQL(
                """
                WITH entry AS (
                    SELECT (SELECT id FROM crm_loyalty_tier
                             WHERE program_id = %(program)s AND active AND qualify_from <= 0
                             ORDER BY qualify_from DESC LIMIT 1) AS id
                ), cards AS (
                    INSERT INTO loyalty_card (
                        program_id, company_id, partner_id, code, points, active, crm_enabled,
                        crm_offer_id, crm_tier_id, crm_tier_since, crm_tier_qualified_on,
                        crm_qualifying, create_uid, create_date, write_uid, write_date)
                    SELECT %(program)s, %(company)s, c.id,
                           '044' || substr(md5(random()::text || c.id::text), 1, 20),
                           0, TRUE, TRUE, %(offer)s, entry.id,
                           CASE WHEN entry.id IS NOT NULL THEN %(today)s::date END,
                           CASE WHEN entry.id IS NOT NULL THEN %(today)s::date END,
                           0, %(uid)s, %(now)s, %(uid)s, %(now)s
                      FROM crm_offer_customer c CROSS JOIN entry
                     WHERE NOT EXISTS (
                            SELECT 1 FROM loyalty_card lc
                             WHERE lc.program_id = %(program)s AND lc.partner_id = c.id
                               AND lc.active)
                 RETURNING id, partner_id, crm_tier_id
                ), joined AS (
                    INSERT INTO crm_loyalty_tier_history (
                        card_id, partner_id, program_id, company_id, date, new_tier_id,
                        direction, qualifying, reason, create_uid, create_date, write_uid,
                        write_date)
                    SELECT id, partner_id, %(program)s, %(company)s, %(today)s, crm_tier_id,
                           'up', 0, %(reason)s, %(uid)s, %(now)s, %(uid)s, %(now)s
                      FROM cards
                     WHERE crm_tier_id IS NOT NULL
                )
                SELECT COUNT(*) FROM cards
                """,
                program=program.id,
                company=program.company_id.id or None,
                offer=self.id,
                today=today,
                reason=self.env._("Joined with the offer %(offer)s.", offer=self.name),
                **audit,
            )
        )
        return self.env.cr.fetchone()[0]

    def _issue_points(self, own_cards=False):
        """Points on each targeted customer's card that has not had them from this offer
        (`own_cards`: only on the cards this offer created): one ledger line each, a new
        lot. Returns the number of cards."""
        program = self.program_id
        points = ledger.round_points(self.points, program.crm_whole_points)
        day = fields.Date.context_today(self)
        audit = self._audit_columns()
        self.env.cr.execute(
            SQL(
                """
                WITH targets AS (
                    SELECT DISTINCT ON (lc.partner_id) lc.id, COALESCE(lc.points, 0) AS points
                      FROM loyalty_card lc
                      JOIN crm_offer_customer c ON c.id = lc.partner_id
                     WHERE lc.program_id = %(program)s AND lc.active %(own)s
                       AND lc.id NOT IN (SELECT card_id FROM loyalty_history
                                          WHERE crm_offer_id = %(offer)s)
                     ORDER BY lc.partner_id, lc.id
                ), locked AS (
                    SELECT lc.id, t.points FROM loyalty_card lc JOIN targets t ON t.id = lc.id
                       FOR NO KEY UPDATE OF lc
                ), lines AS (
                    INSERT INTO loyalty_history (
                        card_id, description, issued, used, crm_points, crm_kind, crm_balance,
                        crm_date, crm_reason, crm_remaining, crm_expiry_date,
                        crm_reminded, crm_offer_id, crm_source_model, crm_source_id,
                        create_uid, create_date, write_uid, write_date)
                    SELECT id, %(description)s, %(points)s, 0, %(points)s, 'offer',
                           ROUND((points + %(points)s)::numeric, 2)::float8, %(now)s, %(reason)s,
                           CASE WHEN points >= 0 THEN %(points)s
                                ELSE GREATEST(0, ROUND((points + %(points)s)::numeric, 2)::float8)
                           END,
                           %(expiry)s, FALSE, %(offer)s, %(model)s, %(offer)s,
                           %(uid)s, %(now)s, %(uid)s, %(now)s
                      FROM locked
                )
                UPDATE loyalty_card lc
                   SET points = ROUND((lc.points + %(points)s)::numeric, 2)::float8,
                       write_uid = %(uid)s, write_date = %(now)s
                  FROM locked WHERE lc.id = locked.id
                """,
                program=program.id,
                own=SQL("AND lc.crm_offer_id = %s", self.id) if own_cards else SQL(),
                offer=self.id,
                description=self.name,
                points=points,
                reason=self.reason or self.name,
                expiry=program._crm_expiry_date(day) or None,
                model=self._name,
                **audit,
            )
        )
        return self.env.cr.rowcount

    def _issue_coupons(self):
        """A coupon of the programme for each targeted customer who has none from this
        offer, with Odoo's history line of what it holds. Returns the number created."""
        audit = self._audit_columns()
        self.env.cr.execute(
            SQL(
                """
                WITH cards AS (
                    INSERT INTO loyalty_card (
                        program_id, company_id, partner_id, code, points, expiration_date,
                        active, crm_enabled, crm_offer_id, create_uid, create_date, write_uid,
                        write_date)
                    SELECT %(program)s, %(company)s, c.id,
                           '044' || substr(md5(random()::text || c.id::text), 1, 20),
                           %(points)s, %(expiry)s, TRUE, FALSE, %(offer)s,
                           %(uid)s, %(now)s, %(uid)s, %(now)s
                      FROM crm_offer_customer c
                     WHERE c.id NOT IN (SELECT partner_id FROM loyalty_card
                                         WHERE crm_offer_id = %(offer)s)
                 RETURNING id
                )
                INSERT INTO loyalty_history (
                    card_id, description, issued, used, crm_date, create_uid, create_date,
                    write_uid, write_date)
                SELECT id, %(description)s, %(points)s, 0, %(now)s, %(uid)s, %(now)s, %(uid)s,
                       %(now)s
                  FROM cards
                """,
                program=self.program_id.id,
                company=self.program_id.company_id.id or None,
                points=self.points or 1.0,
                expiry=self.coupon_expiration_date or None,
                offer=self.id,
                description=self.name,
                **audit,
            )
        )
        return self.env.cr.rowcount

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
