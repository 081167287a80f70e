from odoo import api, fields, models
from odoo.exceptions import ValidationError


class CrmSalesTargetProfileLine(models.Model):
    _name = "crm.sales.target.profile.line"
    _description = "Sales Target Phasing Weight"
    _order = "profile_id, month"

    profile_id = fields.Many2one(
        "crm.sales.target.profile", required=True, ondelete="cascade", index=True
    )
    month = fields.Integer(
        string="Month of the Year",
        required=True,
        help="1 for the first month of the company's year (January, or Farvardin in the "
        "Solar Hijri calendar), 12 for the last.",
    )
    weight = fields.Float(
        default=1.0,
        help="The month's share of a phased quota, relative to the other months of the "
        "quota's period (2 is twice a month of weight 1).",
    )

    @api.constrains("month", "weight")
    def _check_month_and_weight(self):
        for line in self:
            if not 1 <= line.month <= 12 or line.weight < 0:
                raise ValidationError(
                    self.env._(
                        "A phasing weight is for a month from 1 to 12 and is zero or more "
                        "(month %(month)s, weight %(weight)s): correct the line.",
                        month=line.month,
                        weight=line.weight,
                    )
                )
