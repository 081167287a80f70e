from odoo import api, fields, models
from odoo.addons.crm_identification.models.crm_customer_score import VALUE_TIERS
from odoo.exceptions import ValidationError
from odoo.tools.safe_eval import safe_eval


class CrmVisitPlanRule(models.Model):
    """Which customers a salesperson visits, and how often. Rules are tried in sequence: a
    customer follows the first rule that matches them."""

    _name = "crm.visit.plan.rule"
    _description = "Visit Plan Rule"
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    segment_ids = fields.Many2many(
        "crm.customer.segment",
        string="Customer Segments",
        check_company=True,
        help="Customers in any of these segments; leave empty for every segment.",
    )
    value_tier = fields.Selection(
        VALUE_TIERS, help="Customers of this value tier only; leave empty for every tier."
    )
    partner_domain = fields.Char(
        string="Other Conditions", default="[]", help="More conditions on the customers."
    )
    interval_weeks = fields.Integer(string="Every (Weeks)", required=True, default=4)
    duration = fields.Float(string="Visit Length (Hours)", required=True, default=1.0)
    visit_type = fields.Selection(
        [("event", "Calendar Meeting"), ("activity", "Activity")],
        string="Plan As",
        required=True,
        default="event",
    )
    activity_type_id = fields.Many2one(
        "mail.activity.type",
        default=lambda self: self.env.ref("mail.mail_activity_data_meeting", False),
    )

    @api.constrains("interval_weeks", "duration", "partner_domain")
    def _check_rule(self):
        for rule in self:
            if rule.interval_weeks < 1:
                raise ValidationError(
                    self.env._(
                        "Rule %(rule)s: visits are every 1 week or more; enter a number of "
                        "weeks of at least 1.",
                        rule=rule.name,
                    )
                )
            if not 0 < rule.duration <= 12:
                raise ValidationError(
                    self.env._(
                        "Rule %(rule)s: a visit lasts more than 0 and at most 12 hours.",
                        rule=rule.name,
                    )
                )
            try:
                domain = safe_eval(rule.partner_domain or "[]")
                self.env["res.partner"]._search(domain)
            except Exception as error:
                raise ValidationError(
                    self.env._(
                        "Rule %(rule)s: the other conditions are not a valid filter on "
                        "contacts (%(error)s).",
                        rule=rule.name,
                        error=error,
                    )
                ) from error

    def _customer_domain(self, users=None):
        """Contacts this rule plans for ``users`` (default: any salesperson): customers
        (commercial entities) whose salesperson is one of them, in the rule's segments and
        tier."""
        self.ensure_one()
        domain = [
            ("user_id", "in", users.ids) if users else ("user_id", "!=", False),
            ("parent_id", "=", False),
            # not the partner of a colleague (an internal user) nor one of our companies
            "!",
            ("user_ids.share", "=", False),
            ("ref_company_ids", "=", False),
            ("company_id", "in", [self.company_id.id, False]),
        ]
        if self.segment_ids:
            domain.append(("crm_segment_id", "in", self.segment_ids.ids))
        if self.value_tier:
            domain.append(("crm_value_tier", "=", self.value_tier))
        return domain + safe_eval(self.partner_domain or "[]")
