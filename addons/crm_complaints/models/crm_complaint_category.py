from odoo import api, fields, models
from odoo.exceptions import ValidationError


class CrmComplaintCategory(models.Model):
    """What a complaint is about: a category, or a subcategory of one (two levels)."""

    _name = "crm.complaint.category"
    _description = "Complaint Category"
    _order = "parent_id desc, name"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    parent_id = fields.Many2one(
        "crm.complaint.category",
        string="Parent Category",
        index=True,
        ondelete="cascade",
        check_company=True,
    )
    child_ids = fields.One2many("crm.complaint.category", "parent_id", string="Subcategories")
    team_id = fields.Many2one(
        "crm.complaint.team",
        string="Default Team",
        help="A complaint of this category without a team goes to this team (a "
        "subcategory's team first), when the team is of the complaint's company.",
    )
    company_id = fields.Many2one(
        "res.company", index=True, help="Empty: a category every company uses."
    )
    active = fields.Boolean(default=True)

    @api.depends("name", "parent_id.name")
    def _compute_display_name(self):
        # not stored: the names are translated
        for category in self:
            if category.parent_id:
                category.display_name = f"{category.parent_id.name} / {category.name}"
            else:
                category.display_name = category.name

    @api.constrains("parent_id")
    def _check_depth(self):
        for category in self:
            if category.parent_id.parent_id:
                raise ValidationError(
                    self.env._(
                        "%(name)s: a subcategory cannot have subcategories; choose a top-level"
                        " category as its parent.",
                        name=category.name,
                    )
                )
