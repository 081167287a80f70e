from odoo import api, fields, models, tools


class CrmServiceType(models.Model):
    _name = "crm.service.type"
    _description = "Field Service Type"
    _order = "sequence, name"
    _check_company_auto = True

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
        check_company=True,
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

    @api.model_create_multi
    def create(self, vals_list):
        types = super().create(vals_list)
        self.env.registry.clear_cache()  # _fs_sold_product_ids
        return types

    def write(self, vals):
        result = super().write(vals)
        if {"product_id", "active", "company_id"} & set(vals):
            self.env.registry.clear_cache()  # _fs_sold_product_ids
        return result

    def unlink(self):
        result = super().unlink()
        self.env.registry.clear_cache()  # _fs_sold_product_ids
        return result

    @api.model
    @tools.ormcache()
    def _fs_sold_product_ids(self):
        """Ids of the products that an active service type of any company sells: an order
        line of any other product needs no visit, and confirming it reads nothing more.
        Cached; creating, changing or deleting a service type clears the cache."""
        types = self.sudo().search([("product_id", "!=", False)])
        return frozenset(types.product_id.ids)
