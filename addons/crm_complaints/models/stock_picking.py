from odoo import fields, models


class StockPicking(models.Model):
    _inherit = "stock.picking"

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

    def _action_done(self):
        result = super()._action_done()
        done = self.filtered(lambda p: p.state == "done")
        done.crm_complaint_remedy_id.sudo()._remedy_done()
        # a replacement is carried out when its order is delivered in full
        orders = done.sale_id.filtered("crm_complaint_remedy_id")
        for order in orders:
            if all(p.state in ("done", "cancel") for p in order.picking_ids):
                order.crm_complaint_remedy_id.sudo()._remedy_done()
        return result

    def action_cancel(self):
        result = super().action_cancel()
        self.crm_complaint_remedy_id.sudo()._remedy_cancelled()
        return result

    def action_open_crm_complaint(self):
        self.ensure_one()
        return self.crm_complaint_id.get_formview_action()
