from odoo import api, fields, models
from odoo.exceptions import ValidationError


class CrmLoyaltyTier(models.Model):
    """A level of a loyalty programme (Bronze, Silver, Gold, ...). A member reaches it as
    soon as their qualifying value (points earned, amount spent or orders, over the
    programme's window) is at least `qualify_from`, and leaves it only at a periodic review
    after the grace period."""

    _name = "crm.loyalty.tier"
    _description = "Loyalty Tier"
    _order = "program_id, qualify_from, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    program_id = fields.Many2one(
        "loyalty.program",
        string="Programme",
        required=True,
        ondelete="cascade",
        index=True,
        domain="[('crm_enabled', '=', True)]",
        check_company=True,
    )
    company_id = fields.Many2one(related="program_id.company_id", store=True)
    qualify_from = fields.Float(
        string="Qualifies From",
        help="A member reaches this tier once their qualifying value (points earned, "
        "amount spent or number of orders, as the programme says) is at least this.",
    )
    multiplier = fields.Float(
        string="Earning Multiplier",
        default=1.0,
        help="Members of this tier earn the programme's points times this (1.5: half as "
        "many again).",
    )
    benefits = fields.Text(
        translate=True, help="What members of this tier get, as they read it on the portal."
    )
    color = fields.Integer()
    active = fields.Boolean(default=True)
    member_count = fields.Integer(string="Members", compute="_compute_member_count")

    _sql_constraints = [
        (
            "qualify_from_unique",
            "unique(program_id, qualify_from)",
            "Two tiers of one programme cannot start at the same qualifying value.",
        ),
    ]

    def _compute_member_count(self):
        counts = dict(
            self.env["loyalty.card"]._read_group(
                [("crm_tier_id", "in", self.ids)], ["crm_tier_id"], ["__count"]
            )
        )
        for tier in self:
            tier.member_count = counts.get(tier, 0)

    @api.constrains("qualify_from", "multiplier")
    def _check_numbers(self):
        for tier in self:
            if tier.qualify_from < 0:
                raise ValidationError(
                    self.env._(
                        "The value to reach a tier cannot be negative; enter 0 for the entry "
                        "tier."
                    )
                )
            if tier.multiplier <= 0:
                raise ValidationError(
                    self.env._(
                        "The earning multiplier of %(tier)s must be more than 0 (1: the "
                        "programme's points as they are).",
                        tier=tier.name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        tiers = super().create(vals_list)
        # the first tiers of a programme start its periodic reviews
        for program in tiers.program_id.filtered(lambda p: not p.crm_next_review):
            program.crm_next_review = program._crm_next_review_date(
                fields.Date.context_today(self)
            )
        return tiers

    def action_open_members(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "crm_loyalty.loyalty_card_action_crm"
        )
        action["domain"] = [("crm_tier_id", "=", self.id)]
        action["context"] = {"create": False}
        return action
