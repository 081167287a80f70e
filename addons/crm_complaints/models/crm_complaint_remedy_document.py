from odoo import api, fields, models
from odoo.exceptions import UserError


class CrmComplaintRemedyDocument(models.AbstractModel):
    """What a back-office document carrying out a remedy has: the link back to its remedy
    (written by `crm.complaint.remedy._create_document`) and to the complaint, and the
    button that opens the complaint. Credit notes, pickings and sales orders inherit it;
    another addon's document may too (see readme/USAGE.md)."""

    _name = "crm.complaint.remedy.document"
    _description = "Document of a Complaint Remedy"

    crm_complaint_remedy_id = fields.Many2one(
        "crm.complaint.remedy",
        string="Complaint Remedy",
        readonly=True,
        copy=False,
        index="btree_not_null",
    )
    crm_complaint_id = fields.Many2one(
        related="crm_complaint_remedy_id.complaint_id", string="Complaint"
    )

    @api.model_create_multi
    def create(self, vals_list):
        if any(vals.get("crm_complaint_remedy_id") for vals in vals_list):
            self._check_remedy_link()
        return super().create(vals_list)

    def write(self, vals):
        if "crm_complaint_remedy_id" in vals:
            self._check_remedy_link()
        return super().write(vals)

    def _check_remedy_link(self):
        """Only a remedy links its document (`crm.complaint.remedy._create_document`, as
        the system): a document linked by hand would mark another's remedy done or
        cancelled when it is posted or cancelled."""
        if not self.env.su:
            raise UserError(
                self.env._(
                    "A document is linked to a complaint's remedy by the remedy itself: use"
                    " Create Document on the remedy."
                )
            )

    def action_open_crm_complaint(self):
        self.ensure_one()
        self.check_access("read")
        return self.crm_complaint_id.get_formview_action()
