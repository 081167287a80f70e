from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools.safe_eval import safe_eval


class CrmCustomerSegment(models.Model):
    _name = "crm.customer.segment"
    _description = "Customer Segment"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(
        default=10,
        help="Rules are tried in this order; a customer joins the first segment "
        "whose rule it matches.",
    )
    color = fields.Integer()
    active = fields.Boolean(default=True)
    description = fields.Text(translate=True)
    rule_domain = fields.Char(
        string="Rule",
        default="[]",
        required=True,
        help="Which customers belong here, as a domain on contacts "
        "(RFM scores and any contact field).",
    )
    company_id = fields.Many2one(
        "res.company",
        help="Leave empty to use this segment in every company.",
    )

    @api.constrains("rule_domain")
    def _check_rule_domain(self):
        for segment in self:
            try:
                domain = safe_eval(segment.rule_domain or "[]")
                self.env["res.partner"].sudo()._search(domain)
            except Exception as error:
                raise ValidationError(
                    self.env._(
                        "The rule of segment “%(segment)s” is not a valid domain "
                        "on contacts: %(error)s. Fix the rule, for example "
                        "[('rfm_recency_score', '>=', 4)].",
                        segment=segment.name,
                        error=error,
                    )
                ) from error
