from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError

EARN_TIMINGS = [
    ("confirm", "On order confirmation"),
    ("invoice", "When the invoice is posted"),
    ("paid", "When the invoice is paid"),
]
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
        "oldest points are spent first. 0: points never expire.",
    )
    crm_reminder_days = fields.Integer(
        string="Expiry Reminder (Days Before)",
        default=30,
        help="Members get an email this many days before points expire. 0: no reminder.",
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
        help="Members who no longer qualify for their tier move down only at a review.",
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

    def _crm_expiry_date(self, day):
        """The day points earned on `day` expire, or False when they never do."""
        self.ensure_one()
        if not self.crm_expiry_months:
            return False
        return day + relativedelta(months=self.crm_expiry_months)

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
