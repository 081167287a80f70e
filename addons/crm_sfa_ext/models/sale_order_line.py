from odoo import fields, models


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    fs_order_ids = fields.One2many(
        "crm.service.order",
        "sale_line_id",
        string="Service Visits",
        groups="crm_sfa_ext.group_fs_technician",
    )

    def _fs_create_service_orders(self):
        """One visit per confirmed line of a product that a service type sells (and none
        twice: a line that already has a visit is skipped). The service types and visits are
        field-service data the salesperson confirming the order may not read: they are read
        and created as the system here, for these lines only. An order that sells no service
        product costs no query (the products that service types sell are cached)."""
        sold = self.env["crm.service.type"]._fs_sold_product_ids()
        lines = self.filtered(lambda line: line.product_id.id in sold)
        if not lines:
            return self.env["crm.service.order"]
        lines = lines.sudo()
        types = (
            self.env["crm.service.type"]
            .sudo()
            .search(
                [
                    ("product_id", "in", lines.product_id.ids),
                    ("company_id", "in", [False, *lines.company_id.ids]),
                ],
                order="sequence, id",
            )
        )
        type_of = {}
        for service_type in types:
            companies = service_type.company_id or lines.company_id
            for company in companies:
                type_of.setdefault((service_type.product_id, company), service_type)
        lines = lines.filtered(
            lambda line: (line.product_id, line.company_id) in type_of and not line.fs_order_ids
        )
        return (
            self.env["crm.service.order"]
            .sudo()
            .create(
                [
                    {
                        "summary": line.name.splitlines()[0][:120]
                        if line.name
                        else line.product_id.name,
                        "partner_id": line.order_id.partner_id.id,
                        "site_id": line.order_id.partner_shipping_id.id,
                        "type_id": type_of[line.product_id, line.company_id].id,
                        "origin": "sale",
                        "sale_line_id": line.id,
                        "lead_id": line.order_id.opportunity_id.id,
                        "company_id": line.company_id.id,
                    }
                    for line in lines
                ]
            )
        )

    def _fs_deliver_time(self, visits):
        """Adds the time of the done visits to their lines' delivered quantity: in hours when
        the line counts time, one unit a visit otherwise. Done as the system: the technician
        closing the visit has no rights on sales orders."""
        hour = self.env.ref("uom.product_uom_hour")
        for line in self.sudo():
            done = visits.filtered(lambda v, line=line: v.sale_line_id == line)
            if line.product_uom.category_id == hour.category_id:
                quantity = hour._compute_quantity(sum(done.mapped("time_spent")), line.product_uom)
            else:
                quantity = len(done)
            line.qty_delivered += quantity
