from odoo import api, fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    fs_order_count = fields.Integer(
        string="Service Visits", compute="_compute_fs_order_count", groups="base.group_user"
    )

    @api.depends_context("company")
    def _compute_fs_order_count(self):
        counts = dict(
            self.env["crm.service.order"]._read_group(
                [("commercial_partner_id", "in", self.commercial_partner_id.ids)],
                ["commercial_partner_id"],
                ["__count"],
            )
        )
        for partner in self:
            partner.fs_order_count = counts.get(partner.commercial_partner_id, 0)

    def _fs_located(self):
        self.ensure_one()
        return bool(self.partner_latitude or self.partner_longitude)

    def action_view_fs_orders(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "crm_sfa_ext.crm_service_order_action"
        )
        action["domain"] = [("commercial_partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"default_partner_id": self.id}
        return action
