from dateutil.relativedelta import relativedelta

from odoo import fields, models
from odoo.tools import SQL


class CrmLoyaltyProgramLiability(models.AbstractModel):
    """What a loyalty programme's points are worth to the company: the value of a point,
    the manager's dashboard (outstanding points, liability, redemption and breakage) and the
    books the daily job posts the points in (crm.loyalty.accounting). Mixed into
    loyalty.program only, which has the buttons."""

    _name = "crm.loyalty.program.liability"
    _description = "Loyalty Programme Liability"

    # a monetary field needs its currency field in its own model: here a bare one, which
    # loyalty.program's own definition (computed from the company) completes
    currency_id = fields.Many2one("res.currency")
    crm_point_value = fields.Monetary(
        string="Value of a Point",
        currency_field="currency_id",
        help="What one point costs the company when it is redeemed: the outstanding "
        "points liability is the points not yet spent times this value.",
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
