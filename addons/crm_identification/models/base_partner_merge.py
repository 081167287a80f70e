from odoo import models


class MergePartnerAutomatic(models.TransientModel):
    _inherit = "base.partner.merge.automatic.wizard"

    def _update_foreign_keys(self, src_partners, dst_partner):
        # the merge moves sales to the kept partner in SQL, behind the ORM's back: its
        # customer and those of the merged partners get their figures computed again
        self.env["crm.customer.touch"]._touch_partners((src_partners | dst_partner).ids)
        return super()._update_foreign_keys(src_partners, dst_partner)
