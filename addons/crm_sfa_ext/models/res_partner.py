from odoo import api, fields, models

_GROUP = "crm_sfa_ext.group_crm_sfa_ext_user"
# the visits behind the "not visited as planned" flag: missed, the customer not visited since
MISSED_DOMAIN = [("state", "=", "missed"), ("visited_after", "=", False)]


class ResPartner(models.Model):
    _inherit = "res.partner"

    sfa_history_ids = fields.One2many(
        "crm.contact.history", "partner_id", string="Contact History", groups=_GROUP
    )
    sfa_visit_line_ids = fields.One2many(
        "crm.visit.plan.line", "partner_id", string="Planned Visits", groups=_GROUP
    )
    sfa_visit_missed = fields.Boolean(
        string="Not Visited as Planned",
        compute="_compute_sfa_visit_missed",
        search="_search_sfa_visit_missed",
        help="A visit planned for this customer was not made, and they have not been "
        "visited since (a later visit, meeting or visit activity done clears it).",
        groups=_GROUP,
    )

    fs_order_count = fields.Integer(
        string="Service Visits",
        compute="_compute_fs_order_count",
        groups="crm_sfa_ext.group_fs_technician",
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

    @api.depends("sfa_visit_line_ids.state", "sfa_visit_line_ids.visited_after")
    def _compute_sfa_visit_missed(self):
        missed = {
            partner.id
            for [partner] in self.env["crm.visit.plan.line"]._read_group(
                [("partner_id", "in", self.ids), *MISSED_DOMAIN], ["partner_id"]
            )
        }
        for partner in self:
            partner.sfa_visit_missed = partner.id in missed

    def _search_sfa_visit_missed(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise NotImplementedError()
        lines = self.env["crm.visit.plan.line"]._search(MISSED_DOMAIN)
        positive = (operator == "=") == value
        return [("id", "in" if positive else "not in", lines.subselect("partner_id"))]

    def action_open_contact_history(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "crm_sfa_ext.crm_contact_history_action"
        )
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"search_default_group_kind": 0}
        return action

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
