from odoo import fields, models
from odoo.exceptions import AccessError


class ResPartner(models.Model):
    _inherit = "res.partner"

    crm_complaint_count = fields.Integer(
        string="Complaints",
        compute="_compute_crm_complaint_count",
        groups="crm_complaints.group_crm_complaints_user",
    )

    def _compute_crm_complaint_count(self):
        """The complaints of each contact's commercial partner the user may see, in one
        grouped read."""
        counts = dict(
            self.env["crm.complaint"]._read_group(
                [("commercial_partner_id", "in", self.commercial_partner_id.ids)],
                ["commercial_partner_id"],
                ["__count"],
            )
        )
        for partner in self:
            partner.crm_complaint_count = counts.get(partner.commercial_partner_id, 0)

    def action_view_crm_complaints(self):
        self.ensure_one()
        self.check_access("read")
        if not self.env.user.has_group("crm_complaints.group_crm_complaints_user"):
            raise AccessError(self.env._("Only the complaint team opens a customer's complaints."))
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "crm_complaints.crm_complaint_action"
        )
        action["domain"] = [("commercial_partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"default_partner_id": self.id}
        return action
