from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

MANAGER = "crm_loyalty.group_crm_loyalty_manager"
# what a limit caps, by kind of approval (crm.loyalty.approval): the field of the limit
LIMIT_FIELDS = {
    "adjust": "adjust_points",
    "goodwill_points": "goodwill_points",
    "goodwill_credit": "goodwill_credit",
}


class CrmLoyaltyLimit(models.Model):
    """What a user may give on their own in a company: points adjusted by hand, goodwill
    points and goodwill credit notes of complaints, each per change. Above it, the change
    waits for the approver's decision (crm.loyalty.approval). A user without a limit in
    the company has none. Access-rights administrators set them, never their own."""

    _name = "crm.loyalty.limit"
    _description = "Loyalty and Goodwill Limit"
    _order = "company_id, user_id"
    _check_company_auto = True

    user_id = fields.Many2one("res.users", required=True, ondelete="cascade")
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    approver_id = fields.Many2one(
        "res.users",
        required=True,
        ondelete="restrict",
        domain=lambda self: [("groups_id", "in", self.env.ref(MANAGER).id)],
        help="The Loyalty Manager who approves or refuses what goes above the limits.",
    )
    adjust_points = fields.Float(
        string="Manual Adjustment (Points)",
        help="The most points this user adds or takes off a card by hand at once.",
    )
    goodwill_points = fields.Float(help="The most goodwill points per complaint remedy.")
    goodwill_credit = fields.Monetary(
        string="Goodwill Credit Note", help="The largest goodwill credit note per remedy."
    )

    _sql_constraints = [
        (
            "user_company_unique",
            "UNIQUE(user_id, company_id)",
            "A user has one line of limits per company: change that line instead.",
        )
    ]

    @api.constrains(
        "user_id", "approver_id", "adjust_points", "goodwill_points", "goodwill_credit"
    )
    def _check_limits(self):
        for limit in self:
            if limit.approver_id == limit.user_id:
                raise ValidationError(
                    self.env._(
                        "%(user)s cannot approve their own requests: choose another approver.",
                        user=limit.user_id.name,
                    )
                )
            if not limit.approver_id.has_group(MANAGER):
                raise ValidationError(
                    self.env._(
                        "The approver %(user)s is no Loyalty Manager: choose a manager.",
                        user=limit.approver_id.name,
                    )
                )
            if min(limit.adjust_points, limit.goodwill_points, limit.goodwill_credit) < 0:
                raise ValidationError(
                    self.env._("A limit cannot be negative: enter 0 to approve everything.")
                )

    @api.model_create_multi
    def create(self, vals_list):
        limits = super().create(vals_list)
        limits._check_not_own()
        return limits

    def write(self, vals):
        self._check_not_own()
        res = super().write(vals)
        self._check_not_own()
        return res

    def unlink(self):
        self._check_not_own()
        return super().unlink()

    def _check_not_own(self):
        """Nobody sets, raises or removes their own limits (an administrator sets them)."""
        if not self.env.su and self.env.user in self.user_id:
            raise UserError(
                self.env._("You cannot change your own limits: another administrator sets them.")
            )

    @api.model
    def _crm_exceeded(self, kind, quantity, company, user=None):
        """The limit line of `user` (the current user) in `company` when `quantity` (points
        or an amount, of the approval kind `kind`) goes above it, else an empty recordset:
        the system and users without limits are never above."""
        user = user or self.env.user
        if self.env.su and user == self.env.user:
            return self.browse()
        limit = self.sudo().search(
            [("user_id", "=", user.id), ("company_id", "=", company.id)], limit=1
        )
        if limit and abs(quantity) > limit[LIMIT_FIELDS[kind]] + 0.005:
            return limit
        return self.browse()

    @api.model
    def _crm_check_within(self, kind, quantity, company):
        """Raise when the current user goes above their limit where no approval can be
        asked (a balance written directly)."""
        limit = self._crm_exceeded(kind, quantity, company)
        if limit:
            raise UserError(
                self.env._(
                    "%(quantity)s is above your limit of %(limit)s: use Adjust Points on the "
                    "card, which asks %(approver)s to approve it.",
                    quantity=abs(quantity),
                    limit=limit[LIMIT_FIELDS[kind]],
                    approver=limit.approver_id.name,
                )
            )
