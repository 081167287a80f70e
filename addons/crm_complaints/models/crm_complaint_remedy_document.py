from odoo import fields, models


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

    def action_open_crm_complaint(self):
        self.ensure_one()
        return self.crm_complaint_id.get_formview_action()
