from odoo import api, fields, models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    fs_order_count = fields.Integer(
        string="Service Visits",
        compute="_compute_fs_order_count",
        groups="crm_sfa_ext.group_fs_technician",
    )

    @api.depends("order_line.fs_order_ids")
    def _compute_fs_order_count(self):
        counts = dict(
            self.env["crm.service.order"]._read_group(
                [("sale_order_id", "in", self.ids)], ["sale_order_id"], ["__count"]
            )
        )
        for order in self:
            order.fs_order_count = counts.get(order, 0)

    def _action_confirm(self):
        result = super()._action_confirm()
        self.order_line._fs_create_service_orders()
        return result

    def action_view_fs_orders(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "crm_sfa_ext.crm_service_order_action"
        )
        action["domain"] = [("sale_order_id", "=", self.id)]
        action["context"] = {"default_partner_id": self.partner_id.id}
        return action
