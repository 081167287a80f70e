from odoo import api, fields, models


class CrmComplaintRemedy(models.Model):
    """A field visit as a complaint's remedy (crm_complaints' "adding a remedy" contract):
    the remedy creates the visit, the visit links back, reports when it is done or
    cancelled, and its cost (time and materials) is the remedy's cost, so the complaint's."""

    _inherit = "crm.complaint.remedy"

    remedy_type = fields.Selection(
        selection_add=[("field_visit", "Field visit")], ondelete={"field_visit": "cascade"}
    )
    service_type_id = fields.Many2one(
        "crm.service.type",
        string="Visit Type",
        check_company=True,
        help="Field visit: the kind of visit (its skills and duration).",
    )
    service_order_id = fields.Many2one(
        "crm.service.order",
        string="Field Visit",
        readonly=True,
        copy=False,
        index="btree_not_null",
        check_company=True,
    )

    @api.depends("service_order_id.cost")
    def _compute_cost(self):  # adds the visit's cost as a dependency
        return super()._compute_cost()

    def _create_field_visit(self):
        """The visit to the complaining customer, with the complaint's priority. Created as
        the system: the complaint handler asks for it without field-service rights of their
        own; dispatchers plan it like any other visit."""
        self.ensure_one()
        complaint = self.complaint_id
        order = (
            self.env["crm.service.order"]
            .sudo()
            .create(
                {
                    "summary": self.note or complaint.subject,
                    "description": complaint.description,
                    "partner_id": complaint.partner_id.id,
                    "type_id": self.service_type_id.id,
                    "priority": complaint.priority or "0",
                    "origin": "complaint",
                    "company_id": complaint.company_id.id,
                }
            )
        )
        self.service_order_id = order
        return order

    def _cost_field_visit(self):
        return self.service_order_id.sudo().cost
