from odoo import fields, models


class CrmServiceType(models.Model):
    _name = "crm.service.type"
    _description = "Field Service Type"
    _order = "sequence, name"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    duration = fields.Float(
        string="Default Duration", default=1.0, help="Hours a visit of this type usually takes."
    )
    skill_ids = fields.Many2many(
        "hr.skill", string="Required Skills", help="Every technician sent must have these."
    )
    crew_size = fields.Integer(default=1, help="Technicians a visit of this type needs.")
    product_id = fields.Many2one(
        "product.product",
        string="Service Product",
        domain="[('type', '=', 'service')]",
        help="Sold on a sales order, this product creates a visit of this type; the time "
        "spent is delivered on its line.",
    )
    color = fields.Integer()
    company_id = fields.Many2one("res.company", index=True)
    active = fields.Boolean(default=True)

    _sql_constraints = [
        ("crew_size_positive", "CHECK(crew_size >= 1)", "A visit needs at least one technician."),
        ("duration_positive", "CHECK(duration > 0)", "A visit's duration must be positive."),
    ]
