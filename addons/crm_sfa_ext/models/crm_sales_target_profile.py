from odoo import api, fields, models
from odoo.exceptions import ValidationError


class CrmSalesTargetProfile(models.Model):
    """How a yearly or quarterly quota is spread over its months: one weight per month of the
    company's year (month 1 is January, or Farvardin for a Solar Hijri company)."""

    _name = "crm.sales.target.profile"
    _description = "Sales Target Phasing Profile"
    _order = "name"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", index=True, default=lambda self: self.env.company)
    line_ids = fields.One2many(
        "crm.sales.target.profile.line",
        "profile_id",
        string="Monthly Weights",
        copy=True,
        default=lambda self: [fields.Command.create({"month": month}) for month in range(1, 13)],
    )

    @api.constrains("line_ids")
    def _check_lines(self):
        for profile in self:
            months = profile.line_ids.mapped("month")
            if len(months) != len(set(months)):
                raise ValidationError(
                    self.env._(
                        "The profile %(profile)s gives a month two weights: keep one line "
                        "per month of the year.",
                        profile=profile.name,
                    )
                )

    def _weights(self, month_numbers):
        """The weight of each of ``month_numbers`` (1 to 12 in the company's year), zero for
        a month the profile leaves out."""
        self.ensure_one()
        by_month = {line.month: line.weight for line in self.line_ids}
        return [by_month.get(month, 0.0) for month in month_numbers]
