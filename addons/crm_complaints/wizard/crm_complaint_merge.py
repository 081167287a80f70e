from odoo import api, fields, models


class CrmComplaintMerge(models.TransientModel):
    """Merge likely duplicates: the agent chooses the complaint that carries on (the
    survivor); the others hand it their messages, attachments, remedies and SLA clock and
    are closed as merged (crm.complaint.duplicate.mixin's `_merge_into`)."""

    _name = "crm.complaint.merge"
    _description = "Merge Complaints"

    complaint_ids = fields.Many2many("crm.complaint", string="Complaints", required=True)
    survivor_id = fields.Many2one(
        "crm.complaint",
        string="Keep",
        required=True,
        domain="[('id', 'in', complaint_ids)]",
        help="The complaint that carries on; the others are closed as merged into it.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        # a merge names only complaints the user may change
        wizards = super().create(vals_list)
        for wizard in wizards:
            (wizard.complaint_ids | wizard.survivor_id).check_access("write")
        return wizards

    @api.onchange("complaint_ids")
    def _onchange_complaint_ids(self):
        if self.survivor_id not in self.complaint_ids:
            self.survivor_id = self.complaint_ids.sorted("create_date")[:1]

    def action_merge(self):
        self.ensure_one()
        survivor = self.complaint_ids._merge_into(self.survivor_id)
        return {
            "type": "ir.actions.act_window",
            "res_model": "crm.complaint",
            "res_id": survivor.id,
            "view_mode": "form",
            "target": "current",
        }
