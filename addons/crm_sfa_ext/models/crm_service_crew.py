from odoo import api, fields, models
from odoo.exceptions import ValidationError


class CrmServiceCrew(models.Model):
    """Technicians who travel in one van and work together: the scheduler plans a crew as
    one unit on the days all its members work (with the skills of all of them), and plans
    the members alone on the days one of them is away."""

    _name = "crm.service.crew"
    _description = "Field Service Crew"
    _inherit = ["mail.thread"]
    _order = "name"
    _check_company_auto = True

    name = fields.Char(required=True, tracking=True)
    member_ids = fields.Many2many(
        "hr.employee",
        string="Members",
        domain="[('fs_is_technician', '=', True)]",
        check_company=True,
        tracking=True,
    )
    member_count = fields.Integer(compute="_compute_member_count")
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    active = fields.Boolean(default=True)

    @api.depends("member_ids")
    def _compute_member_count(self):
        for crew in self:
            crew.member_count = len(crew.member_ids)

    @api.constrains("member_ids", "active")
    def _check_members(self):
        for crew in self.filtered("active"):
            if len(crew.member_ids) < 2:
                raise ValidationError(
                    self.env._("Crew %(crew)s needs at least two members.", crew=crew.name)
                )
        groups = self._read_group(
            [("active", "=", True), ("member_ids", "in", self.member_ids.ids)],
            ["member_ids"],
            ["id:array_agg"],
        )
        for employee, crew_ids in groups:
            if len(crew_ids) > 1:
                raise ValidationError(
                    self.env._(
                        "%(employee)s is in two crews (%(crews)s): a technician works in one "
                        "crew at most. Remove them from one of them.",
                        employee=employee.name,
                        crews=", ".join(self.browse(crew_ids).mapped("name")),
                    )
                )
